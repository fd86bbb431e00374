import { describe, expect, it } from 'vitest';
import { deaccent, fold, normalize, toMatchForm } from '../../src/nlu/normalize.js';
import { wordForm } from '../../src/nlu/features.js';

describe('normalize', () => {
  it('composes Unicode to NFC and folds case', () => {
    expect(normalize('O\u0303NNELIK Sünd')).toBe('õnnelik sünd');
  });

  it('maps ё to е', () => {
    expect(normalize('Всё ещё')).toBe('все еще');
  });

  it('turns punctuation into single spaces', () => {
    expect(normalize('  Tere!!!  Kas   toetust saab?')).toBe('tere kas toetust saab');
  });

  it('cuts runs of three or more equal letters to two', () => {
    expect(normalize('aitähhhh')).toBe('aitähh');
  });
});

describe('fold', () => {
  it('matches Estonian words written with and without diacritics', () => {
    expect(toMatchForm('vanemahüvitis')).toBe(toMatchForm('vanemahuvitis'));
    expect(toMatchForm('Õnnetus ÄRA Šokolaad žürii')).toBe(
      toMatchForm('onnetus ara sokolaad zurii'),
    );
  });

  it('collapses every repeated letter, so long and short vowels match', () => {
    expect(fold('matusettoetus')).toBe(fold('matusetoetus'));
    expect(fold('abiellumine')).toBe('abielumine');
  });

  it('reads the phone-typed 6 for õ only between letters', () => {
    expect(fold('t6end')).toBe(fold('tõend'));
    expect(fold('6 kuud')).toBe('6 kud');
  });
});

describe('deaccent (the main matching form)', () => {
  it('drops diacritics but keeps vowel and consonant length', () => {
    expect(deaccent('suurepärane')).toBe('suureparane');
    expect(deaccent('linn')).not.toBe(deaccent('lin'));
    expect(deaccent('t6end')).toBe('toend');
  });

  it('gives words a main form with length and a folded fallback without', () => {
    const w = wordForm('kool');
    expect(w.form).toBe('kool');
    expect(w.folded).toBe('kol');
  });
});

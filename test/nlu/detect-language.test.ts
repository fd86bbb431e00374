import { describe, expect, it } from 'vitest';
import { createLanguageDetector } from '../../src/nlu/detect-language.js';
import { trainingExamples } from './helpers.js';

const detector = createLanguageDetector({ samples: trainingExamples() });
const lang = (text: string, hint?: 'et' | 'en' | 'ru') => detector.detect(text, hint).lang;

describe('language detection', () => {
  it('recognises one-word greetings in each language', () => {
    expect(lang('tere')).toBe('et');
    expect(lang('hi')).toBe('en');
    expect(lang('привет')).toBe('ru');
  });

  it('takes Russian with an Estonian service name in it for Russian', () => {
    expect(lang('мне нужна matusetoetus')).toBe('ru');
    expect(lang('как получить vanemahüvitis')).toBe('ru');
  });

  it('recognises Estonian written without diacritics', () => {
    expect(lang('vanaema matused on reedel kas toetust saab')).toBe('et');
    expect(lang('kuidas saada elamisluba')).toBe('et');
  });

  it('recognises English that mentions an Estonian benefit', () => {
    expect(lang('how do I apply for vanemahuvitis')).toBe('en');
    expect(lang('baby due in june, what do we need to sort out')).toBe('en');
  });

  it('lets the session language decide when the text gives no evidence', () => {
    expect(lang('ok', 'ru')).toBe('ru');
    expect(lang('ok', 'et')).toBe('et');
    expect(lang('12345', 'en')).toBe('en');
  });
});

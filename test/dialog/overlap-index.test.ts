import { describe, expect, it } from 'vitest';
import { overlap, prefixIndex } from '../../src/dialog/direct.js';
import { tokens } from '../../src/dialog/extract/lexicon.js';

const SENTENCE = tokens(
  'Lapsetoetus on 80 eurot kuus iga lapse kohta; lapsetoetust makstakse lapse sünnist alates, ' +
    'taotlus esitatakse Sotsiaalkindlustusametile. Child benefit is paid for every child. ' +
    'Пособие на ребёнка выплачивается ежемесячно.',
);

describe('prefixIndex (the words of a sentence by their first four letters)', () => {
  it('files each word of four or more letters once under its start', () => {
    const index = prefixIndex(SENTENCE)!;
    expect(index.get('laps')).toEqual(['lapsetoetus', 'lapse', 'lapsetoetust']);
    expect(index.get('chil')).toEqual(['child']);
    expect(index.get('ребе')).toEqual(['ребенка']);
    // Words under four letters („on“, „80“, „iga“) can share no four letters with a question.
    expect([...index.values()].flat().every((w) => w.length >= 4)).toBe(true);
  });

  it('is made once per frozen list and not at all for a list that may change', () => {
    expect(prefixIndex(SENTENCE)).toBe(prefixIndex(SENTENCE));
    expect(prefixIndex([...SENTENCE])).toBeUndefined();
  });
});

describe('overlap with an indexed sentence', () => {
  it('gives what comparing every word gives', () => {
    const questions = [
      'kui suur on lapsetoetus',
      'millal makstakse lapsele toetust',
      'how much is the child benefit for children',
      'сколько составляет пособие на ребенка',
      'taotlemise tähtaeg',
      'isa',
      '',
    ];
    for (const text of questions) {
      const question = tokens(text);
      // A copy is not frozen: compared word by word.
      expect(overlap(question, SENTENCE)).toBe(overlap(question, [...SENTENCE]));
      expect(overlap([...question], SENTENCE)).toBe(overlap(question, [...SENTENCE]));
    }
    expect(overlap(tokens('kui suur on lapsetoetus'), SENTENCE)).toBe(11);
  });
});

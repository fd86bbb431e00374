import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/nlu/classifier.js';
import { textWords } from '../../src/nlu/features.js';
import {
  createLexicon,
  lexiconFeatures,
  loadLexicon,
  parseLexicon,
} from '../../src/nlu/lexicon.js';
import { TrainingDataError } from '../../src/nlu/training-data.js';
import { trainingExamples } from './helpers.js';

const forms = (text: string): string[] => textWords(text).map((w) => w.form);

describe('domain lexicon', () => {
  const lexicon = createLexicon({
    'death-of-relative': { et: ['matus', 'hauaplats'], ru: ['кремац', 'умер$'] },
    retirement: { et: ['pension'], en: ['second pillar'] },
    thanks: { et: ['aitäh'] },
  });

  it('matches a term as the beginning of an inflected word, without diacritics too', () => {
    expect(lexicon.match(forms('Matusele tulevad kõik')).keys).toEqual(['death-of-relative']);
    expect(lexicon.match(forms('hauaplatsi hind')).keys).toEqual(['death-of-relative']);
    expect(lexicon.match(forms('кремация или похороны')).keys).toEqual(['death-of-relative']);
    expect(lexicon.match(forms('aitah')).keys).toEqual(['thanks']);
  });

  it('matches a long term inside an Estonian compound, but not a short one', () => {
    expect(lexicon.match(forms('vanaduspension')).keys).toEqual(['retirement']);
    expect(lexicon.match(forms('vanaduspensionile')).keys).toEqual(['retirement']);
    expect(lexicon.match(forms('ilmatus')).keys).toEqual([]);
    // Not in the middle of a word, nor in Cyrillic (Russian does not compound that way).
    expect(lexicon.match(forms('suspensionsystems')).keys).toEqual([]);
    const ru = createLexicon({ divorce: { ru: ['развод'] } });
    expect(ru.match(forms('ивенеразвод')).keys).toEqual([]);
  });

  it('matches a term ending in $ only as the whole word', () => {
    expect(lexicon.match(forms('отец умер')).keys).toEqual(['death-of-relative']);
    expect(lexicon.match(forms('умеренный климат')).keys).toEqual([]);
  });

  it('matches a multi-word term only in sequence, and reports the words it covers', () => {
    const m = lexicon.match(forms('how do I get my second pillar money'));
    expect(m.keys).toEqual(['retirement']);
    expect([...m.words]).toEqual([5, 6]);
    expect(lexicon.match(forms('second hand pillar')).keys).toEqual([]);
  });

  it('rejects an unknown intent or an empty term, naming the path', () => {
    const r = parseLexicon('l.yaml', 'wedding: {en: [bride]}\nmarriage: {et: [""]}\n');
    expect(r.lexicon).toBeUndefined();
    expect(r.problems.map((p) => p.path)).toContain('marriage.et.0');
    expect(r.problems.map((p) => `${p.path}: ${p.message}`).join('\n')).toContain('wedding');
  });

  it('the shipped lexicon loads, and every intent in it is a real one', () => {
    expect(loadLexicon('intents/lexicon.yaml').size).toBeGreaterThan(300);
    expect(() => loadLexicon('intents/config.yaml')).toThrow(TrainingDataError);
    expect(readFileSync('intents/lexicon.yaml', 'utf8')).toContain('hauaplats');
  });

  it(
    "gives a keyword no training sentence has the evidence its intent's terms taught",
    { timeout: 60_000 },
    () => {
      // Train without any sentence containing "kremeer..."; the lexicon names it for the death event.
      const examples = trainingExamples().filter((e) => !/kremeer/i.test(e.text));
      const withLexicon = createClassifier({
        examples,
        lexicon: createLexicon({ 'death-of-relative': { et: ['matus', 'surm', 'kremeer'] } }),
      });
      const without = createClassifier({ examples });
      const evidence = (c: typeof without) =>
        c.score('kremeerimine').evidence[c.intents.indexOf('death-of-relative')] ?? 0;
      expect(evidence(withLexicon)).toBeGreaterThan(0.5);
      expect(evidence(without)).toBeLessThan(0.1);
      expect(withLexicon.score('kremeerimine').oov).toBe(0);
    },
  );
});

describe('lexiconFeatures', () => {
  it('gives a feature per matched key, and one more when a message thanks and praises', () => {
    expect(lexiconFeatures(['thanks'])).toEqual(['g:thanks']);
    expect(lexiconFeatures(['smalltalk-compliment', 'thanks'])).toEqual([
      'g:smalltalk-compliment',
      'g:thanks',
      'g:thanks+praise',
    ]);
  });

  it('adds g:cue+event when an out-of-scope cue other than a country stands beside a life event', () => {
    expect(lexiconFeatures(['divorce', 'out-of-scope/statistics'])).toEqual([
      'g:divorce',
      'g:out-of-scope/statistics',
      'g:cue+event',
    ]);
    // A country: "my father died in germany" is the person's own event abroad.
    expect(
      lexiconFeatures(['death-of-relative', 'out-of-scope/abroad'], ['my', 'father', 'died']),
    ).toEqual(['g:death-of-relative', 'g:out-of-scope/abroad']);
    expect(lexiconFeatures(['out-of-scope/statistics'])).toEqual(['g:out-of-scope/statistics']);
    expect(lexiconFeatures(['divorce', 'retirement'])).toEqual(['g:divorce', 'g:retirement']);
    // A conversational intent is not a life event's topic.
    expect(lexiconFeatures(['thanks', 'out-of-scope/shopping'])).toEqual([
      'g:thanks',
      'g:out-of-scope/shopping',
    ]);
  });

  it('adds g:abroad-rules for a country beside a life event when no word names the writer', () => {
    const keys = ['divorce', 'out-of-scope/abroad'];
    expect(lexiconFeatures(keys, ['divorce', 'law', 'in', 'germany'])).toEqual([
      'g:divorce',
      'g:out-of-scope/abroad',
      'g:abroad-rules',
    ]);
    // The writer or their family: their own event abroad ("we", «мама», 'isa').
    for (const forms of [
      ['we', 'divorced', 'in', 'germany'],
      ['мама', 'умерла'],
      ['isa', 'suri'],
    ]) {
      expect(lexiconFeatures(keys, forms)).not.toContain('g:abroad-rules');
    }
    // A word that begins like a relative is not one: 'emapuhkus' (maternity leave) names no one.
    expect(lexiconFeatures(keys, ['emapuhkus', 'norras'])).toContain('g:abroad-rules');
  });
});

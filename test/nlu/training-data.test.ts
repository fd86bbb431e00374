import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNluConfig } from '../../src/nlu/config.js';
import { normalize } from '../../src/nlu/normalize.js';
import {
  loadLabelledFile,
  loadTrainingData,
  parseIntentFile,
  parseLabelledJsonl,
  TrainingDataError,
} from '../../src/nlu/training-data.js';
import { LIFE_EVENTS } from '../../src/nlu/types.js';
import { trainingExamples } from './helpers.js';

describe('training data', () => {
  it('has at least 60 examples per life event in each language', () => {
    const examples = trainingExamples();
    for (const lang of ['et', 'en', 'ru'] as const) {
      for (const intent of LIFE_EVENTS) {
        const n = examples.filter((e) => e.lang === lang && e.intent === intent).length;
        expect(n, `${lang}/${intent}`).toBeGreaterThanOrEqual(60);
      }
    }
  });

  it('reports an unknown intent and an empty example with file and path', () => {
    const { problems } = parseIntentFile(
      'intents/et/x.yaml',
      'intent: wedding\nlang: et\nexamples:\n  - tere\n  - ""\n',
    );
    expect(problems.map((p) => `${p.file}: ${p.path}`)).toEqual([
      'intents/et/x.yaml: intent',
      'intents/et/x.yaml: examples.1',
    ]);
  });

  it('reports a file whose language does not match its directory, and duplicates', () => {
    const { problems } = parseIntentFile(
      'intents/ru/marriage.yaml',
      'intent: marriage\nlang: et\nexamples: [a, b, A]\n',
      'ru',
    );
    expect(problems.map((p) => p.path)).toEqual(['lang', 'examples.2']);
  });

  it('reports bad JSONL lines by number and keeps the good ones', () => {
    const { lines, problems } = parseLabelledJsonl(
      't.jsonl',
      '{"text":"tere","intent":"greeting"}\nnot json\n{"text":"x","intent":"nope"}\n',
    );
    expect(lines).toHaveLength(1);
    expect(problems.map((p) => p.path)).toEqual(['line 2', 'line 3: intent']);
  });

  it('rejects a config with a threshold out of range, naming the path', () => {
    expect(() =>
      parseNluConfig(
        'intents/config.yaml',
        'temperature: 1\ndecision: {minConfidence: 2, ambiguityMargin: 0.1, minCoverage: 0}\n',
      ),
    ).toThrow(TrainingDataError);
    try {
      parseNluConfig('c.yaml', 'temperature: 1\ndecision: {minConfidence: 2}\n');
    } catch (err) {
      expect((err as TrainingDataError).problems.map((p) => p.path)).toContain(
        'decision.minConfidence',
      );
    }
  });
});

// The third, fourth, sixth, seventh, eighth, ninth and tenth splits were written before the tuning that followed them,
// in the voice of people who never saw the training data; none may leak into training.
describe.each(['third', 'fourth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'])(
  'the %s held-out split (intents/test/<split>-*.jsonl)',
  (split) => {
    const norm = (t: string): string => normalize(t);
    const training = new Set(loadTrainingData('intents').map((e) => norm(e.text)));
    const lines = (['et', 'en', 'ru'] as const).flatMap((l) =>
      loadLabelledFile(`intents/test/${split}-${l}.jsonl`),
    );

    it('has at least 150 messages per language, about 40% out-of-scope', () => {
      for (const lang of ['et', 'en', 'ru'] as const) {
        const of = lines.filter((l) => l.lang === lang);
        expect(of.length, lang).toBeGreaterThanOrEqual(150);
        const oos = of.filter((l) => l.intent === 'out-of-scope').length / of.length;
        expect(oos, lang).toBeGreaterThanOrEqual(0.38);
      }
    });

    it('is never trained on: only one-word yes/no answers also appear in training', () => {
      const shared = lines.map((l) => norm(l.text)).filter((t) => training.has(t));
      expect(shared.filter((t) => t.includes(' '))).toEqual([]);
      expect(shared.length).toBeLessThanOrEqual(6);
    });
  },
);

// The fifth split (2026-12-01, third pass) was written without looking at the training data, so
// some short everyday lines ("thanks so much", "what can you do") happened to equal a training
// sentence: 43 of its 506 lines when it was written. Training may not gain any more of them.
describe('the fifth held-out split (intents/test/fifth-*.jsonl)', () => {
  const training = new Set(loadTrainingData('intents').map((e) => normalize(e.text)));
  const lines = (['et', 'en', 'ru'] as const).flatMap((l) =>
    loadLabelledFile(`intents/test/fifth-${l}.jsonl`),
  );
  it('has at least 150 messages per language, about 40% out-of-scope', () => {
    for (const lang of ['et', 'en', 'ru'] as const) {
      const of = lines.filter((l) => l.lang === lang);
      expect(of.length, lang).toBeGreaterThanOrEqual(150);
      const oos = of.filter((l) => l.intent === 'out-of-scope').length / of.length;
      expect(oos, lang).toBeGreaterThanOrEqual(0.38);
    }
  });
  it('is never trained on: no more lines shared with training than when it was written', () => {
    expect(lines.filter((l) => training.has(normalize(l.text))).length).toBeLessThanOrEqual(43);
  });
});

describe('loadTrainingData', () => {
  it('reports a sentence labelled with two intents in one language', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nlu-data-'));
    try {
      for (const lang of ['et', 'en', 'ru']) mkdirSync(join(dir, lang));
      writeFileSync(
        join(dir, 'en', 'help.yaml'),
        'intent: help\nlang: en\nexamples: [who are you]\n',
      );
      writeFileSync(
        join(dir, 'en', 'robot.yaml'),
        'intent: smalltalk-robot\nlang: en\nexamples: [Who are you]\n',
      );
      expect(() => loadTrainingData(dir)).toThrow(/labelled both help and smalltalk-robot/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { describe, expect, it } from 'vitest';
import { baselineOutOfFold, stratifiedFolds } from '../../src/nlu/cross-validate.js';
import type { TrainingExample } from '../../src/nlu/training-data.js';

const topics = {
  marriage: ['wedding', 'marry', 'bride', 'spouse'],
  divorce: ['divorce', 'separation', 'alimony', 'split'],
  retirement: ['pension', 'retire', 'pensioner', 'elderly'],
} as const;
// Every sentence of an intent shares its topic word with the others, so a model trained on
// the other folds has seen it: the baseline must get these right out of fold.
const examples: TrainingExample[] = Object.entries(topics).flatMap(([intent, words]) =>
  words.flatMap((w, i) =>
    [0, 1, 2, 3, 4].map((n) => ({
      text: `${topics[intent as keyof typeof topics][(i + 1) % words.length]} ${w} question ${n}`,
      intent: intent as TrainingExample['intent'],
      lang: 'en' as const,
    })),
  ),
);

describe('stratifiedFolds', () => {
  it('puts every item in exactly one fold, each intent spread over all folds', () => {
    const folds = stratifiedFolds(examples, 5, 1);
    expect(folds.flat()).toHaveLength(examples.length);
    expect(new Set(folds.flat())).toEqual(new Set(examples));
    for (const fold of folds) {
      for (const intent of Object.keys(topics)) {
        expect(fold.filter((e) => e.intent === intent)).toHaveLength(4);
      }
    }
  });
});

describe('baselineOutOfFold (natural Bayes on the CV folds)', () => {
  it('classifies each example once, by a model that did not see it', () => {
    const predictions = baselineOutOfFold(examples, 5, 1);
    expect(predictions.map((p) => p.text).sort()).toEqual(examples.map((e) => e.text).sort());
    for (const p of predictions) {
      expect(p.gold).toBe(examples.find((e) => e.text === p.text)?.intent);
    }
    const correct = predictions.filter((p) => p.gold === p.predicted).length;
    expect(correct / predictions.length).toBeGreaterThan(0.9);
  });

  it('uses the folds of the given seed', () => {
    const a = baselineOutOfFold(examples, 5, 1).map((p) => p.text);
    const b = baselineOutOfFold(examples, 5, 2).map((p) => p.text);
    expect(a).not.toEqual(b);
  });
});

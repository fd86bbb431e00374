import { describe, expect, it } from 'vitest';
import {
  acceptances,
  baselineOutOfFold,
  calibrate,
  chooseThresholds,
  openSetTradeOff,
  stratifiedFolds,
} from '../../src/nlu/cross-validate.js';
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

/** Decision rules that only the confidence floor decides: every other check is off. */
function rulesWith(minConfidence: number) {
  return {
    minConfidence,
    minConfidenceOther: 0.2,
    ambiguityMargin: 0,
    minCoverage: 0,
    minEvidence: 0,
    maxOov: 1,
    minConfidenceOov: 0,
    minContested: 1,
    oosEvidence: 1,
    minConfidenceOosEvidence: 0,
    minInScope: 0,
  };
}

describe('open-set thresholds', () => {
  const rules = rulesWith(0.5);
  const intents = ['marriage', 'divorce', 'out-of-scope'] as const;
  // Logits giving the top intent the probability p (temperature 1), the rest shared.
  const score = (gold: (typeof intents)[number], top: number, p: number, fold: number) => {
    const rest = (1 - p) / 2;
    const logits = Float64Array.from(intents.map((_, i) => Math.log(i === top ? p : rest)));
    return {
      example: { text: `${gold} ${top} ${p} ${fold}`, intent: gold, lang: 'en' as const },
      fold,
      intents,
      logits,
      coverage: 1,
      oov: 0,
      evidence: Float64Array.from([1, 1, 1]),
      personal: false,
      inScope: 1,
      lang: 'en' as const,
    };
  };
  // Marriage is answered right at 0.6-0.7; out-of-scope messages reach marriage at 0.55 only.
  // Divorce's right answers are at 0.5, its false acceptances at 0.9.
  const scores = [0, 1, 2, 3, 4].flatMap((fold) => [
    score('marriage', 0, 0.7, fold),
    score('marriage', 0, 0.6, fold),
    score('out-of-scope', 0, 0.55, fold),
    score('divorce', 1, 0.5, fold),
    score('divorce', 1, 0.45, fold),
    score('out-of-scope', 1, 0.9, fold),
  ]);
  const rankings = scores.map((s) =>
    intents
      .map((intent, i) => ({ intent, confidence: Math.exp(s.logits[i] ?? 0) }))
      .sort((a, b) => b.confidence - a.confidence),
  );
  const messages = acceptances(scores, rankings, rules);

  it('per intent, keeps a life event whose errors sit below its right answers', () => {
    const t = chooseThresholds(messages, 4, 'per-intent');
    expect(t.marriage).toBeGreaterThan(0.55);
    expect(t.marriage).toBeLessThanOrEqual(0.6);
    // Divorce: rejecting everything (threshold above 0.9) beats two right answers for one
    // false acceptance at cost 4.
    expect(t.divorce).toBeGreaterThan(0.9);
    expect(chooseThresholds(messages, 1, 'per-intent').divorce).toBeLessThanOrEqual(0.45);
  });

  it('globally, one threshold for every life event', () => {
    const t = chooseThresholds(messages, 4, 'global');
    expect(t.marriage).toBe(t.divorce);
  });

  it('measures nested: thresholds from the other folds, figures on the held-out one', () => {
    const points = openSetTradeOff(scores, 1, rules, [1, 4]);
    expect(points.map((p) => `${p.mode} ${p.cost}`)).toEqual([
      'global 1',
      'global 4',
      'per-intent 1',
      'per-intent 4',
    ]);
    const perIntent4 = points.find((p) => p.mode === 'per-intent' && p.cost === 4);
    // Every fold holds the same pattern, so the nested choice is the full one: no false
    // acceptance, marriage right twice per fold, divorce rejected.
    expect(perIntent4?.oosFalseAcceptance).toBe(0);
    expect(perIntent4?.accuracy).toBeCloseTo(4 / 6, 9);
    const global1 = points.find((p) => p.mode === 'global' && p.cost === 1);
    expect(global1?.oosFalseAcceptance).toBeGreaterThan(0);
  });
});

describe('calibrate sweeps the open-set gate floor', () => {
  const intents = ['marriage', 'divorce', 'out-of-scope'] as const;
  const rules = rulesWith(0.6);
  // Out-of-scope messages that the main model takes for marriage more confidently than the
  // real ones: no confidence threshold separates them, the gate's P(life event) does.
  const score = (gold: (typeof intents)[number], p: number, inScope: number, n: number) => ({
    example: { text: `${gold} ${p} ${n}`, intent: gold, lang: 'en' as const },
    fold: n % 5,
    intents,
    logits: Float64Array.from([Math.log(p), Math.log((1 - p) / 2), Math.log((1 - p) / 2)]),
    coverage: 1,
    oov: 0,
    evidence: Float64Array.from([1, 1, 1]),
    personal: false,
    inScope,
    lang: 'en' as const,
  });
  const withGate = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((n) => [
    score('marriage', 0.7, 0.9, n),
    score('marriage', 0.8, 0.85, n),
    score('out-of-scope', 0.9, 0.3, n),
  ]);

  it('chooses a gate floor that rejects what confidence cannot', () => {
    const c = calibrate(withGate, rules);
    expect(c.recommended.minInScope).toBeGreaterThan(0.3);
    expect(c.recommended.minInScope).toBeLessThanOrEqual(0.85);
    expect(new Set(c.sweep.map((r) => r.minInScope)).size).toBeGreaterThan(1);
    const chosen = c.sweep.find(
      (r) =>
        r.minConfidence === c.recommended.minConfidence &&
        r.minEvidence === c.recommended.minEvidence &&
        r.minInScope === c.recommended.minInScope,
    );
    expect(chosen?.oosFalseAcceptance).toBe(0);
    expect(chosen?.accuracy).toBe(1);
  });

  it('keeps the configured floor when the scores have no gate', () => {
    const noGate = withGate.map((s) => ({ ...s, inScope: 1 }));
    const c = calibrate(noGate, { ...rules, minInScope: 0.4 });
    expect(c.recommended.minInScope).toBe(0.4);
    expect(new Set(c.sweep.map((r) => r.minInScope))).toEqual(new Set([0.4]));
  });
});

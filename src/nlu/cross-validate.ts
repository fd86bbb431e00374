/**
 * k-fold cross-validation over the training data, and the choice of the calibration temperature
 * and decision thresholds from its out-of-fold scores (so config values are measured, not guessed).
 */
import type { Lang } from '../protocol/frames.js';
import { createClassifier } from './classifier.js';
import type { NluConfig } from './config.js';
import { decide, type DecisionRules } from './decision.js';
import { evaluate, type EvalReport, type Prediction } from './eval.js';
import { seededRandom, shuffleInPlace, softmax } from './softmax-regression.js';
import type { TrainingExample } from './training-data.js';
import { isLifeEvent, OUT_OF_SCOPE, type IntentId, type ScoredIntent } from './types.js';

export interface OutOfFoldScore {
  example: TrainingExample;
  intents: readonly IntentId[];
  logits: Float64Array;
  coverage: number;
  lang: Lang;
}

/** Folds stratified by intent and language, so each fold sees every class in every language. */
export function stratifiedFolds<T extends { intent: string; lang: string }>(
  items: readonly T[],
  k: number,
  seed: number,
): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = `${item.intent}/${item.lang}`;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  const random = seededRandom(seed);
  const folds: T[][] = Array.from({ length: k }, () => []);
  let offset = 0;
  for (const key of [...groups.keys()].sort()) {
    const group = shuffleInPlace([...(groups.get(key) ?? [])], random);
    group.forEach((item, i) => folds[(i + offset) % k]?.push(item));
    offset += group.length;
  }
  return folds;
}

export function outOfFoldScores(
  examples: readonly TrainingExample[],
  config: NluConfig,
  k: number,
  seed = 1,
): OutOfFoldScore[] {
  const folds = stratifiedFolds(examples, k, seed);
  const out: OutOfFoldScore[] = [];
  folds.forEach((test, i) => {
    const train = folds.filter((_, j) => j !== i).flat();
    const classifier = createClassifier({ examples: train, config });
    for (const example of test) {
      const s = classifier.score(example.text);
      out.push({ example, intents: classifier.intents, ...s });
    }
  });
  return out;
}

function ranked(s: OutOfFoldScore, temperature: number): ScoredIntent[] {
  const p = softmax(Float64Array.from(s.logits), temperature);
  return s.intents
    .map((intent, i) => ({ intent, confidence: p[i] ?? 0 }))
    .sort((a, b) => b.confidence - a.confidence);
}

/** Mean negative log-likelihood of the gold intent. */
export function negativeLogLikelihood(scores: readonly OutOfFoldScore[], t: number): number {
  let sum = 0;
  for (const s of scores) {
    const p = softmax(Float64Array.from(s.logits), t);
    sum -= Math.log(Math.max(1e-12, p[s.intents.indexOf(s.example.intent)] ?? 0));
  }
  return sum / Math.max(1, scores.length);
}

/** Temperature scaling: the T that minimises out-of-fold NLL, by grid search. */
export function fitTemperature(scores: readonly OutOfFoldScore[]): number {
  let best = 1;
  let bestNll = Infinity;
  for (let t = 0.1; t <= 4.001; t += 0.05) {
    const nll = negativeLogLikelihood(scores, t);
    if (nll < bestNll) {
      bestNll = nll;
      best = Math.round(t * 100) / 100;
    }
  }
  return best;
}

export function predictionsAt(
  scores: readonly OutOfFoldScore[],
  temperature: number,
  rules: DecisionRules,
): Prediction[] {
  return scores.map((s) => ({
    text: s.example.text,
    gold: s.example.intent,
    predicted: decide(ranked(s, temperature), s.coverage, rules).intent,
    lang: s.example.lang,
  }));
}

export interface ThresholdRow {
  minConfidence: number;
  accuracy: number;
  oosFalseAcceptance: number;
  lifeEventFalseRejection: number;
}

export interface Calibration {
  temperature: number;
  nllBefore: number;
  nllAfter: number;
  sweep: ThresholdRow[];
  recommended: DecisionRules;
  /** Correct answers flagged ambiguous, and wrong answers flagged ambiguous, at the margin. */
  ambiguity: { margin: number; correctFlagged: number; wrongFlagged: number }[];
}

/**
 * Chooses the thresholds: the confidence threshold with the best accuracy among those that keep
 * out-of-scope false acceptance at or under `maxFalseAcceptance`; the widest ambiguity margin that
 * flags at most `maxCorrectFlagged` of correct answers; the coverage floor under which fewer than
 * 0.5% of in-scope examples fall.
 */
export function calibrate(
  scores: readonly OutOfFoldScore[],
  base: DecisionRules,
  maxFalseAcceptance = 0.03,
  maxCorrectFlagged = 0.03,
): Calibration {
  const temperature = fitTemperature(scores);
  const inScopeCoverage = scores
    .filter((s) => s.example.intent !== OUT_OF_SCOPE)
    .map((s) => s.coverage)
    .sort((a, b) => a - b);
  const minCoverage =
    Math.floor((inScopeCoverage[Math.floor(inScopeCoverage.length * 0.005)] ?? 0) * 100) / 100;

  const sweep: ThresholdRow[] = [];
  for (let c = 0.1; c <= 0.901; c += 0.05) {
    const minConfidence = Math.round(c * 100) / 100;
    const r = evaluate(predictionsAt(scores, temperature, { ...base, minCoverage, minConfidence }));
    sweep.push({
      minConfidence,
      accuracy: r.accuracy,
      oosFalseAcceptance: r.oosFalseAcceptance.rate,
      lifeEventFalseRejection: r.lifeEventFalseRejection.rate,
    });
  }
  const admissible = sweep.filter((r) => r.oosFalseAcceptance <= maxFalseAcceptance);
  const pick = (admissible.length > 0 ? admissible : sweep).reduce((a, b) =>
    b.accuracy > a.accuracy + 1e-9 ? b : a,
  );

  const ambiguity: Calibration['ambiguity'] = [];
  const tops = scores.map((s) => ({ gold: s.example.intent, r: ranked(s, temperature) }));
  for (let m = 0.05; m <= 0.501; m += 0.05) {
    const margin = Math.round(m * 100) / 100;
    let correct = 0;
    let correctFlagged = 0;
    let wrong = 0;
    let wrongFlagged = 0;
    for (const { gold, r } of tops) {
      const [a, b] = r;
      if (!a || !b || a.intent === OUT_OF_SCOPE || !isLifeEvent(a.intent)) continue;
      const flagged = b.intent !== OUT_OF_SCOPE && a.confidence - b.confidence < margin;
      if (a.intent === gold) {
        correct++;
        if (flagged) correctFlagged++;
      } else {
        wrong++;
        if (flagged) wrongFlagged++;
      }
    }
    ambiguity.push({
      margin,
      correctFlagged: correct ? correctFlagged / correct : 0,
      wrongFlagged: wrong ? wrongFlagged / wrong : 0,
    });
  }
  const marginPick = ambiguity.filter((a) => a.correctFlagged <= maxCorrectFlagged).at(-1);

  return {
    temperature,
    nllBefore: negativeLogLikelihood(scores, 1),
    nllAfter: negativeLogLikelihood(scores, temperature),
    sweep,
    recommended: {
      minConfidence: pick.minConfidence,
      ambiguityMargin: marginPick?.margin ?? base.ambiguityMargin,
      minCoverage,
    },
    ambiguity,
  };
}

export function crossValidationReport(
  scores: readonly OutOfFoldScore[],
  config: NluConfig,
): EvalReport {
  return evaluate(predictionsAt(scores, config.temperature, config.decision));
}

/**
 * k-fold cross-validation over the training data, and the choice of the calibration temperature
 * and decision thresholds from its out-of-fold scores (so config values are measured, not guessed).
 */
import type { Lang } from '../protocol/frames.js';
import { createBaseline } from './baseline.js';
import { createClassifier } from './classifier.js';
import type { NluConfig } from './config.js';
import type { Lexicon } from './lexicon.js';
import { decide, type DecisionRules, type Signals } from './decision.js';
import { evaluate, type EvalReport, type Prediction } from './eval.js';
import { seededRandom, shuffleInPlace, softmax } from './softmax-regression.js';
import { normalize } from './normalize.js';
import type { TrainingExample } from './training-data.js';
import { isLifeEvent, OUT_OF_SCOPE, type IntentId, type ScoredIntent } from './types.js';

export interface OutOfFoldScore {
  example: TrainingExample;
  /** The fold the example was held out in (0..k-1). */
  fold: number;
  intents: readonly IntentId[];
  logits: Float64Array;
  coverage: number;
  oov: number;
  evidence: Float64Array;
  personal: boolean;
  inScope: number;
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
  lexicon?: Lexicon,
): OutOfFoldScore[] {
  const folds = stratifiedFolds(examples, k, seed);
  const out: OutOfFoldScore[] = [];
  folds.forEach((test, i) => {
    const train = folds.filter((_, j) => j !== i).flat();
    // A lexicon term is also a one-word training example (classifier.ts); one equal to a
    // held-out sentence ("yup", "pension") would be that sentence seen in training. The fold
    // keeps the term's matching (its g: feature, learned from the other terms), not the example.
    const heldOut = new Set(test.map((e) => normalize(e.text)));
    const foldLexicon: Lexicon | undefined = lexicon && {
      size: lexicon.size,
      terms: lexicon.terms.filter((t) => !heldOut.has(normalize(t.text))),
      match: (forms) => lexicon.match(forms),
    };
    const classifier = createClassifier({ examples: train, config, lexicon: foldLexicon });
    for (const example of test) {
      const s = classifier.score(example.text);
      out.push({ example, fold: i, intents: classifier.intents, ...s });
    }
  });
  return out;
}

/**
 * natural's BayesClassifier (the baseline) on the same folds as `outOfFoldScores` (same k and
 * seed): each held-out sentence classified by a Bayes model trained on the other folds, so CV
 * is reported beside the baseline as the splits are.
 */
export function baselineOutOfFold(
  examples: readonly TrainingExample[],
  k: number,
  seed = 1,
): Prediction[] {
  const folds = stratifiedFolds(examples, k, seed);
  return folds.flatMap((test, i) => {
    const baseline = createBaseline(folds.filter((_, j) => j !== i).flat());
    return test.map((e) => ({
      text: e.text,
      gold: e.intent,
      predicted: baseline.classify(e.text),
      lang: e.lang,
    }));
  });
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

export function signalsOf(s: OutOfFoldScore): Signals {
  return {
    coverage: s.coverage,
    oov: s.oov,
    evidence: (intent) => s.evidence[s.intents.indexOf(intent)] ?? 0,
    personal: s.personal,
    inScope: s.inScope,
  };
}

function predictionsFromRanked(
  scores: readonly OutOfFoldScore[],
  rankings: readonly ScoredIntent[][],
  rules: DecisionRules,
): Prediction[] {
  return scores.map((s, i) => {
    const d = decide(rankings[i] ?? [], signalsOf(s), rules);
    return {
      text: s.example.text,
      gold: s.example.intent,
      predicted: d.intent,
      lang: s.example.lang,
      confidence: d.confidence,
      ambiguous: d.ambiguous,
      oov: s.oov,
    };
  });
}

export function predictionsAt(
  scores: readonly OutOfFoldScore[],
  temperature: number,
  rules: DecisionRules,
): Prediction[] {
  return predictionsFromRanked(
    scores,
    scores.map((s) => ranked(s, temperature)),
    rules,
  );
}

export interface ThresholdRow {
  minConfidence: number;
  minEvidence: number;
  /** The open-set gate's floor (`DecisionRules.minInScope`). */
  minInScope: number;
  accuracy: number;
  oosFalseAcceptance: number;
  lifeEventFalseRejection: number;
}

export interface Calibration {
  temperature: number;
  nllBefore: number;
  nllAfter: number;
  /**
   * Life-event confidence threshold × evidence floor × the gate's floor, at the chosen other
   * thresholds. Without a gate (every `inScope` 1) the gate's floor changes nothing, so only the
   * base value is in the sweep.
   */
  sweep: ThresholdRow[];
  recommended: DecisionRules;
  /** Correct answers flagged ambiguous, and wrong answers flagged ambiguous, at the margin. */
  ambiguity: { margin: number; correctFlagged: number; wrongFlagged: number }[];
}

const grid = (from: number, to: number, step: number): number[] => {
  const out: number[] = [];
  for (let v = from; v <= to + 1e-9; v += step) out.push(Math.round(v * 100) / 100);
  return out;
};

/** Accuracy and the two error rates without the full report (the sweep runs it many times). */
function quickRates(
  predictions: readonly Prediction[],
): Omit<ThresholdRow, 'minConfidence' | 'minEvidence' | 'minInScope'> {
  let correct = 0;
  let oos = 0;
  let oosAccepted = 0;
  let life = 0;
  let lifeRejected = 0;
  for (const p of predictions) {
    if (p.gold === p.predicted) correct++;
    if (p.gold === OUT_OF_SCOPE) {
      oos++;
      if (isLifeEvent(p.predicted)) oosAccepted++;
    } else if (isLifeEvent(p.gold)) {
      life++;
      if (p.predicted === OUT_OF_SCOPE) lifeRejected++;
    }
  }
  return {
    accuracy: correct / Math.max(1, predictions.length),
    oosFalseAcceptance: oosAccepted / Math.max(1, oos),
    lifeEventFalseRejection: lifeRejected / Math.max(1, life),
  };
}

/** The gate floors the sweep tries: the base value alone when no score has a gate. */
export function inScopeGrid(scores: readonly OutOfFoldScore[], base: number): number[] {
  if (scores.every((s) => s.inScope === 1)) return [base];
  return [...new Set([0, 0.5, 0.6, 0.7, 0.8, 0.9, base])].sort((a, b) => a - b);
}

/**
 * Chooses the thresholds from out-of-fold scores: the coverage floor under which fewer than
 * 0.5% of in-scope examples fall; then the life-event confidence threshold, evidence floor and
 * open-set gate floor (`minInScope`, when the scores come from a model with the gate) with the
 * best accuracy among those keeping out-of-scope false acceptance at or under
 * `maxFalseAcceptance`; the threshold for conversational intents with the best accuracy; the
 * widest ambiguity margin flagging at most `maxCorrectFlagged` of correct answers. The
 * out-of-vocabulary rule (`maxOov`, `minConfidenceOov`) is kept from `base`: it is judged on
 * the OOV probe, not on CV (training sentences are rarely mostly unknown words).
 */
export function calibrate(
  scores: readonly OutOfFoldScore[],
  base: DecisionRules,
  maxFalseAcceptance = 0.01,
  maxCorrectFlagged = 0.03,
): Calibration {
  const temperature = fitTemperature(scores);
  const rankings = scores.map((s) => ranked(s, temperature));
  const inScopeCoverage = scores
    .filter((s) => s.example.intent !== OUT_OF_SCOPE)
    .map((s) => s.coverage)
    .sort((a, b) => a - b);
  const minCoverage =
    Math.floor((inScopeCoverage[Math.floor(inScopeCoverage.length * 0.005)] ?? 0) * 100) / 100;

  const rates = (rules: DecisionRules) =>
    quickRates(predictionsFromRanked(scores, rankings, rules));
  let rules: DecisionRules = { ...base, minCoverage };
  const sweep: ThresholdRow[] = [];
  const inScopeFloors = inScopeGrid(scores, base.minInScope);
  // Two rounds: the conversational threshold and the life-event pair depend on each other a little.
  for (let round = 0; round < 2; round++) {
    sweep.length = 0;
    for (const minConfidence of grid(0.3, 0.9, 0.05)) {
      for (const minEvidence of grid(0, 0.5, 0.05)) {
        for (const minInScope of inScopeFloors) {
          sweep.push({
            minConfidence,
            minEvidence,
            minInScope,
            ...rates({ ...rules, minConfidence, minEvidence, minInScope }),
          });
        }
      }
    }
    // When no setting reaches the bound, relax it in steps of half a percent rather than
    // falling back to the most accurate (and most accepting) setting.
    let bound = maxFalseAcceptance;
    let admissible = sweep.filter((r) => r.oosFalseAcceptance <= bound + 1e-9);
    while (admissible.length === 0) {
      bound += 0.005;
      admissible = sweep.filter((r) => r.oosFalseAcceptance <= bound + 1e-9);
    }
    const pick = admissible.reduce((a, b) => (b.accuracy > a.accuracy + 1e-9 ? b : a));
    rules = {
      ...rules,
      minConfidence: pick.minConfidence,
      minEvidence: pick.minEvidence,
      minInScope: pick.minInScope,
    };
    let bestOther = rules.minConfidenceOther;
    let bestAccuracy = -1;
    for (const minConfidenceOther of grid(0.2, 0.9, 0.05)) {
      const a = rates({ ...rules, minConfidenceOther }).accuracy;
      if (a > bestAccuracy + 1e-9) {
        bestAccuracy = a;
        bestOther = minConfidenceOther;
      }
    }
    rules = { ...rules, minConfidenceOther: bestOther };
  }

  const ambiguity: Calibration['ambiguity'] = [];
  const tops = scores.map((s, i) => ({ gold: s.example.intent, r: rankings[i] ?? [] }));
  for (const margin of grid(0.05, 0.5, 0.05)) {
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
    recommended: { ...rules, ambiguityMargin: marginPick?.margin ?? base.ambiguityMargin },
    ambiguity,
  };
}

export function crossValidationReport(
  scores: readonly OutOfFoldScore[],
  config: NluConfig,
): EvalReport {
  return evaluate(predictionsAt(scores, config.temperature, config.decision));
}

/** One point of the open-set trade-off: how thresholds chosen on the other folds fare. */
export interface OpenSetPoint {
  /** What taking an out-of-scope message for a life event costs, in correct answers. */
  cost: number;
  /** One threshold for every life event, or one per life event. */
  mode: 'global' | 'per-intent';
  accuracy: number;
  oosFalseAcceptance: number;
  lifeEventFalseRejection: number;
  /** The thresholds chosen on all folds' scores (what the config would take). */
  thresholds: Partial<Record<IntentId, number>>;
}

const THRESHOLDS = grid(0.3, 0.98, 0.02);

/** Per message: its top intent, and whether `decide` answers it at each of `THRESHOLDS`. */
export interface Acceptance {
  top: IntentId | undefined;
  gold: IntentId;
  /** Only for a life event on top: accepted[j] at THRESHOLDS[j]. */
  accepted?: boolean[];
  /** The answer when the top is not a life event (the threshold does not apply). */
  other: IntentId;
}

export function acceptances(
  scores: readonly OutOfFoldScore[],
  rankings: readonly ScoredIntent[][],
  rules: DecisionRules,
): Acceptance[] {
  return scores.map((s, i) => {
    const r = rankings[i] ?? [];
    const top = r[0]?.intent;
    const gold = s.example.intent;
    if (top === undefined || !isLifeEvent(top)) {
      return { top, gold, other: decide(r, signalsOf(s), rules).intent };
    }
    const accepted = THRESHOLDS.map(
      (t) => decide(r, signalsOf(s), { ...rules, minConfidence: t }).intent === top,
    );
    return { top, gold, accepted, other: OUT_OF_SCOPE };
  });
}

/**
 * The life-event thresholds that maximise correct life-event answers minus `cost` × out-of-scope
 * messages taken for a life event. Per intent the choice is separable: a life event's threshold
 * only changes the messages whose top intent it is.
 */
export function chooseThresholds(
  messages: readonly Acceptance[],
  cost: number,
  mode: OpenSetPoint['mode'],
): Partial<Record<IntentId, number>> {
  const gains = new Map<IntentId, Float64Array>();
  for (const m of messages) {
    if (!m.accepted || m.top === undefined) continue;
    const value = m.gold === m.top ? 1 : m.gold === OUT_OF_SCOPE ? -cost : 0;
    const row = gains.get(m.top) ?? new Float64Array(THRESHOLDS.length);
    gains.set(m.top, row);
    m.accepted.forEach((a, j) => {
      if (a) row[j] = (row[j] ?? 0) + value;
    });
  }
  const best = (row: Float64Array): number => {
    let j = 0;
    for (let k = 1; k < row.length; k++) if ((row[k] ?? 0) > (row[j] ?? 0) + 1e-9) j = k;
    return THRESHOLDS[j] ?? 0;
  };
  if (mode === 'per-intent') {
    return Object.fromEntries([...gains].map(([intent, row]) => [intent, best(row)]));
  }
  const total = new Float64Array(THRESHOLDS.length);
  for (const row of gains.values()) row.forEach((v, j) => (total[j] = (total[j] ?? 0) + v));
  const t = best(total);
  return Object.fromEntries([...gains.keys()].map((intent) => [intent, t]));
}

function answer(m: Acceptance, thresholds: Partial<Record<IntentId, number>>): IntentId {
  if (!m.accepted || m.top === undefined) return m.other;
  const t = thresholds[m.top] ?? THRESHOLDS[0] ?? 0;
  const j = THRESHOLDS.findIndex((x) => x >= t - 1e-9);
  return m.accepted[j < 0 ? THRESHOLDS.length - 1 : j] ? m.top : OUT_OF_SCOPE;
}

/**
 * The open-set trade-off, measured honestly: for each cost and mode, the thresholds are chosen
 * on the other folds' out-of-fold scores and applied to the held-out fold (nested), so no figure
 * comes from thresholds tuned on the messages it counts. `thresholds` are those chosen on all
 * folds (what the config would take).
 */
export function openSetTradeOff(
  scores: readonly OutOfFoldScore[],
  temperature: number,
  rules: DecisionRules,
  costs: readonly number[] = [1, 2, 4, 8, 16, 32],
): OpenSetPoint[] {
  const rankings = scores.map((s) => ranked(s, temperature));
  const messages = acceptances(scores, rankings, rules);
  const folds = [...new Set(scores.map((s) => s.fold))];
  const points: OpenSetPoint[] = [];
  for (const mode of ['global', 'per-intent'] as const) {
    for (const cost of costs) {
      const predictions: Prediction[] = [];
      for (const fold of folds) {
        const thresholds = chooseThresholds(
          messages.filter((_, i) => scores[i]?.fold !== fold),
          cost,
          mode,
        );
        scores.forEach((s, i) => {
          if (s.fold !== fold) return;
          const m = messages[i] as Acceptance;
          predictions.push({
            text: s.example.text,
            gold: s.example.intent,
            predicted: answer(m, thresholds),
            lang: s.example.lang,
          });
        });
      }
      points.push({
        cost,
        mode,
        ...quickRates(predictions),
        thresholds: chooseThresholds(messages, cost, mode),
      });
    }
  }
  return points;
}

/**
 * Decision rules over a calibrated ranking: when to answer, when to say "I don't know"
 * (out-of-scope) and when to ask "did you mean A or B?". Thresholds come from config
 * (intents/config.yaml), chosen from cross-validation, not guessed.
 */
import { OUT_OF_SCOPE, type IntentId, type ScoredIntent } from './types.js';

export interface DecisionRules {
  /** Below this calibrated probability the answer is out-of-scope. */
  minConfidence: number;
  /** When the top two in-scope intents are closer than this, the result is ambiguous. */
  ambiguityMargin: number;
  /** Share of the message's features the model has seen; below it, out-of-scope (gibberish). */
  minCoverage: number;
}

export interface Decision {
  intent: IntentId;
  confidence: number;
  ambiguous: boolean;
}

/**
 * `ranked` is sorted best first. Out-of-scope forced by a rule reports 1 − the best in-scope
 * probability: how sure we are that none of the intents applies.
 */
export function decide(
  ranked: readonly ScoredIntent[],
  coverage: number,
  rules: DecisionRules,
): Decision {
  const top = ranked[0];
  if (!top) return { intent: OUT_OF_SCOPE, confidence: 1, ambiguous: false };
  const bestInScope = ranked.find((r) => r.intent !== OUT_OF_SCOPE);
  const rejected: Decision = {
    intent: OUT_OF_SCOPE,
    confidence: top.intent === OUT_OF_SCOPE ? top.confidence : 1 - (bestInScope?.confidence ?? 0),
    ambiguous: false,
  };
  if (coverage < rules.minCoverage || top.intent === OUT_OF_SCOPE) return rejected;

  const second = ranked[1];
  const close =
    second !== undefined &&
    second.intent !== OUT_OF_SCOPE &&
    top.confidence - second.confidence < rules.ambiguityMargin;
  if (top.confidence >= rules.minConfidence) {
    return { intent: top.intent, confidence: top.confidence, ambiguous: close };
  }
  // Two in-scope intents splitting the mass between them (e.g. "benefit for my disabled
  // newborn"): together they clear the bar, so ask rather than give up.
  if (close && top.confidence + second.confidence >= rules.minConfidence) {
    return { intent: top.intent, confidence: top.confidence, ambiguous: true };
  }
  return rejected;
}

/**
 * Decision rules over a calibrated ranking: when to answer, when to say "I don't know"
 * (out-of-scope) and when to ask "did you mean A or B?". Thresholds come from config
 * (intents/config.yaml), chosen from cross-validation, not guessed.
 *
 * Open-set rules for life events (a wrong life event sends a citizen down the wrong path):
 * - evidence: the message must contain a known word or stem that the training data uses for
 *   that life event (P(intent | word) at least `minEvidence`); shared character n-grams with
 *   an unknown word are not enough ("suurepärane" is not "surm").
 * - out-of-vocabulary: when more than `maxOov` of the message's content words are unknown to
 *   the model, a life event needs `minConfidenceOov`.
 * - out-of-scope evidence: when a known word of the message was seen mostly with out-of-scope
 *   sentences (`oosEvidence`) and no word speaks of the writer, a life event needs
 *   `minConfidenceOosEvidence`: the message names the event's topic but asks about another.
 * A rejected message keeps its ranked alternatives, so the dialog can still offer "did you mean".
 */
import { isLifeEvent, OUT_OF_SCOPE, type IntentId, type ScoredIntent } from './types.js';

export interface DecisionRules {
  /** Below this calibrated probability a life event is not accepted. */
  minConfidence: number;
  /** The same for conversational intents (greeting, thanks, small talk...). */
  minConfidenceOther: number;
  /** When the top two in-scope intents are closer than this, the result is ambiguous. */
  ambiguityMargin: number;
  /** Share of the message's features the model has seen; below it, out-of-scope (gibberish). */
  minCoverage: number;
  /** A life event needs a word seen for it with P(intent | word) at least this. */
  minEvidence: number;
  /** Share of unknown content words above which a message counts as mostly unknown. */
  maxOov: number;
  /** Confidence a life event needs on a mostly unknown message. */
  minConfidenceOov: number;
  /**
   * A runner-up life event with at least this confidence whose word evidence is stronger than
   * the top's makes the answer ambiguous ("benefits for my child": the model leans to birth,
   * but "child" is seen more with the disability event).
   */
  minContested: number;
  /**
   * Out-of-scope evidence: a message with a known word whose P(out-of-scope | word) is at least
   * this, and no word for the writer or their family, needs `minConfidenceOosEvidence` for a
   * life event ("car maintenance costs", "closing hours of the cemetery": a word the model has
   * seen with other topics beside the event's own). 1 turns the rule off.
   */
  oosEvidence: number;
  minConfidenceOosEvidence: number;
  /** A life event needs the open-set gate's P(life event) (Signals.inScope) at least this. */
  minInScope: number;
}

/** What the model knows about the message beyond the ranking. */
export interface Signals {
  coverage: number;
  /** Share of content words (3+ letters) that are not known words, even after typo correction. */
  oov: number;
  /** Best P(intent | word) over the message's known words, per intent. */
  evidence: (intent: IntentId) => number;
  /** Whether a word names the writer or their family ("my", «мама», "olen"; lexicon.ts). */
  personal: boolean;
  /** The open-set gate's P(life event | message); 1 without a gate (classifier.ts). */
  inScope: number;
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
  signals: Signals,
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
  if (signals.coverage < rules.minCoverage || top.intent === OUT_OF_SCOPE) return rejected;

  const life = isLifeEvent(top.intent);
  if (life && signals.evidence(top.intent) < rules.minEvidence) return rejected;
  if (life && signals.inScope < rules.minInScope) return rejected;
  const threshold = !life
    ? rules.minConfidenceOther
    : Math.max(
        rules.minConfidence,
        signals.oov > rules.maxOov ? rules.minConfidenceOov : 0,
        !signals.personal && signals.evidence(OUT_OF_SCOPE) >= rules.oosEvidence
          ? rules.minConfidenceOosEvidence
          : 0,
      );

  const second = ranked[1];
  const contested =
    second !== undefined &&
    life &&
    isLifeEvent(second.intent) &&
    second.confidence >= rules.minContested &&
    signals.evidence(second.intent) > signals.evidence(top.intent);
  const close =
    second !== undefined &&
    second.intent !== OUT_OF_SCOPE &&
    (contested || top.confidence - second.confidence < rules.ambiguityMargin);
  if (top.confidence >= threshold) {
    return { intent: top.intent, confidence: top.confidence, ambiguous: close };
  }
  // Two in-scope intents splitting the mass between them (e.g. "benefit for my disabled
  // newborn"): together they clear the bar, so ask rather than give up.
  if (close && top.confidence + second.confidence >= threshold) {
    return { intent: top.intent, confidence: top.confidence, ambiguous: true };
  }
  return rejected;
}

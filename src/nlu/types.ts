/** Intent ids are a contract (shared/DESIGN.md): these keep their meaning; more may be added. */
import type { Lang } from '../protocol/frames.js';

export const LIFE_EVENTS = [
  'marriage',
  'divorce',
  'child-birth',
  'death-of-relative',
  'retirement',
  'settling-in-estonia',
  'military-service',
  'child-disability',
] as const;
export type LifeEventId = (typeof LIFE_EVENTS)[number];

export const CONVERSATION_INTENTS = [
  'greeting',
  'thanks',
  'goodbye',
  'human-handover',
  'my-status',
  'help',
  'smalltalk-robot',
  'smalltalk-creator',
  'smalltalk-languages',
  'smalltalk-compliment',
  'smalltalk-profanity',
  'affirm',
  'deny',
] as const;
export type ConversationIntentId = (typeof CONVERSATION_INTENTS)[number];

export const OUT_OF_SCOPE = 'out-of-scope';

export type IntentId = LifeEventId | ConversationIntentId | typeof OUT_OF_SCOPE;

export function isLifeEvent(intent: string): intent is LifeEventId {
  return (LIFE_EVENTS as readonly string[]).includes(intent);
}

export interface ScoredIntent {
  intent: IntentId;
  /** Calibrated probability in [0, 1]. */
  confidence: number;
}

export interface NluResult {
  text: string;
  /** The decided intent: out-of-scope when below the confidence threshold. */
  intent: IntentId;
  confidence: number;
  /** Detected language of the text (the session language is a hint, not the answer). */
  lang: Lang;
  /** The best intents, best first, including the decided one; at most a few. */
  alternatives: ScoredIntent[];
  /** True when the top two are too close to call: the dialog may ask "did you mean A or B?". */
  ambiguous: boolean;
}

/** Pure: no I/O after construction. */
export interface Classifier {
  classify(text: string, langHint?: Lang): NluResult;
}

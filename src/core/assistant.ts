/**
 * The seam between the session layer and the assistant's brain. The core is pure: it gets the
 * state and an event, and returns the new state, the replies and the effects that the
 * composition root must carry out (status lookups, handover). Time comes in through the context.
 */
import type { Block, Lang } from '../protocol/frames.js';
import type { LifeEventId, NluResult } from '../nlu/types.js';
import type { StatusLookup } from './status.js';

export interface AssistantReply {
  text: string;
  blocks: Block[];
}

export type AssistantEvent =
  /** A new conversation was opened (not sent again on resume). */
  | { type: 'start' }
  | { type: 'text'; text: string }
  | { type: 'choose'; optionId: string }
  /** The answer to a `status-lookup` effect. */
  | { type: 'status'; lookup: StatusLookup }
  | { type: 'feedback'; rating: number; comment?: string }
  /** The person switched the widget's language. */
  | { type: 'set-lang'; lang: Lang };

export interface AssistantContext {
  signedIn: boolean;
  /** Epoch milliseconds. */
  now: number;
}

export type ConversationOutcome = 'resolved' | 'handed-over' | 'abandoned';

export type AssistantEffect =
  | { type: 'status-lookup'; lifeEvent?: LifeEventId }
  | { type: 'handover-request' }
  | { type: 'outcome'; outcome: ConversationOutcome };

/** What the turn understood, for transcripts and analytics. */
export interface TurnInfo {
  nlu?: NluResult;
  node?: string;
  lifeEvent?: LifeEventId;
  /** Dialog nodes passed in this turn, as `lifeEvent/node` (for script coverage). */
  visited?: string[];
  /** The quick reply a question was answered with (clicked or typed), as `lifeEvent/node:option`. */
  answered?: string;
  /** The kind of immediate danger the message described (emergency numbers were given first). */
  emergency?: string;
  /** A direct question answered in this turn, as `service:fact` (`service:-` without a fact). */
  direct?: string;
  /** Answers taken from the person's words in this turn, as `var=value`. */
  extracted?: string[];
}

export interface AssistantTurn<S> {
  state: S;
  /** The language of the replies; the state owns it (a message in another language may switch it). */
  lang: Lang;
  replies: AssistantReply[];
  effects: AssistantEffect[];
  info: TurnInfo;
}

export interface Assistant<S> {
  /** A fresh state for a new conversation. */
  initial(lang: Lang): S;
  /** Parses stored state; returns undefined when it is of another version (drop, don't misread). */
  restore(stored: unknown): S | undefined;
  step(state: S, event: AssistantEvent, ctx: AssistantContext): AssistantTurn<S>;
}

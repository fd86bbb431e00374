/**
 * What a turn did, as one ordered list of typed events. The pipeline returns it after the
 * commit; history, transcripts, analytics, metrics and the handover queue consume it. Nothing
 * else observes a turn while it runs. To record something new about a turn, add an event here.
 */
import type { AssistantEffect, ConversationOutcome, TurnInfo } from '../core/assistant.js';
import type { StatusLookup } from '../core/status.js';
import type { AnswerFeedbackReason, ReplyFrame, UserFrame } from '../protocol/frames.js';
import type { HandoverStatus, Session } from './session.js';

export type TurnEvent =
  /** A new conversation was opened. */
  | { type: 'conversation-started' }
  /** A verified person was attached to the conversation (new, or signed in on resume). */
  | { type: 'signed-in' }
  /** The person wrote or chose; `understanding` is what the assistant made of it. */
  | {
      type: 'user-said';
      frame: UserFrame;
      route: 'assistant' | 'agent';
      understanding?: TurnInfo;
    }
  /** A frame shown to the person: the assistant's, an agent's or a system message. */
  | { type: 'assistant-said'; frame: ReplyFrame; info?: TurnInfo }
  | { type: 'effect-requested'; effect: AssistantEffect }
  | { type: 'effect-answered'; effect: AssistantEffect; answer: StatusLookup['type'] }
  /** The conversation's place in the live handover changed (undefined: back with the assistant). */
  | {
      type: 'handed-over';
      change:
        'queued' | 'contact' | 'connected' | 'left' | 'handed-back' | 'ended' | 'contact-saved';
      handover: HandoverStatus | undefined;
      agent?: string;
      /** A person took part (for the transcript's "handed over" mark). */
      taken?: boolean;
      /** The queue position it had (queued: joined at; left: left from). */
      position?: number;
      /** Why it left the queue: a word or the button, naming a topic, or the tab was closed. */
      reason?: 'word' | 'topic' | 'away';
    }
  | { type: 'outcome'; outcome: ConversationOutcome }
  | { type: 'feedback'; rating: number; comment?: string }
  /** "Not helpful" / "wrong topic" on the assistant reply `seq`, with the intent of its turn. */
  | { type: 'answer-feedback'; seq: number; reason: AnswerFeedbackReason; intent?: string };

/** A committed turn: the session as stored after it, and what happened, in order. */
export interface CommittedTurn {
  /** open: a conversation opened or signed in; input: a client's frame; push: from outside (agent, handover, status). */
  kind: 'open' | 'input' | 'push';
  session: Session;
  events: TurnEvent[];
  /** When the turn started (epoch ms), for its duration. */
  startedAt: number;
}

/** Consumes committed turns (transcripts, metrics, handover queue). Must not throw or block. */
export type TurnConsumer = (turn: CommittedTurn) => void;

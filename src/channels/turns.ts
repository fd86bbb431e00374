/**
 * What a channel needs of the assistant: open a conversation, hand it one input, get back the
 * replies that input produced. The only seam between the channels and the session layer, so
 * a change of the turn pipeline touches `chatTurns` and nothing else here.
 */
import type { Lang, ReplyFrame } from '../protocol/frames.js';
import { UnknownSessionError, type ChatService } from '../session/chat-service.js';

export type ChannelInput =
  { type: 'message'; id: string; text: string } | { type: 'choose'; id: string; optionId: string };

export interface ChannelTurns {
  /** A new conversation on `channel` (the name its transcript carries); its greeting. */
  open(lang: Lang, channel: string): Promise<{ sessionId: string; replies: ReplyFrame[] }>;
  /**
   * One input of the person; every reply after `sentSeq` (the last one the channel delivered):
   * the assistant's answer, and what an agent or a status change added in between. Undefined
   * when the conversation is gone (expired): the channel opens a new one.
   */
  send(sessionId: string, input: ChannelInput, sentSeq: number): Promise<ReplyFrame[] | undefined>;
}

const replies = (frames: { type: string }[]) =>
  frames.filter((f): f is ReplyFrame => f.type === 'reply');

/** The turn API over the chat service (the same path the REST channel takes). */
export function chatTurns(chat: ChatService): ChannelTurns {
  return {
    async open(lang, channel) {
      const { session, replay } = await chat.open({ lang, channel });
      return { sessionId: session.id, replies: replies(replay) };
    },
    async send(sessionId, input, sentSeq) {
      try {
        // A caller without identity: the resume rule holds (never a signed-in conversation).
        await chat.handle(sessionId, input, {});
      } catch (err) {
        if (err instanceof UnknownSessionError) return undefined;
        throw err;
      }
      return replies((await chat.historyAfter(sessionId, sentSeq)) ?? []);
    },
  };
}

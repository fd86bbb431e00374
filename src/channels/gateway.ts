/**
 * The channel-neutral half of a text channel: one conversation per person on a channel, the
 * limits the widget's socket has (message size, rate), typed numbers as answers, and every
 * reply rendered for the channel. The channel bridge (Botkit) only translates its activities
 * to `IncomingMessage` and sends back the `ChannelMessage`s.
 *
 * Identity: channel users are never signed in. A platform's user id says who wrote on that
 * platform, not who the person is to the state, so no status of a person is shown here (the
 * assistant asks them to sign in on the web). Platform ids stay in this process's memory as
 * the key of the conversation; transcripts get the channel's name only.
 */
import { LANGS, LIMITS, type Lang, type Option, type ReplyFrame } from '../protocol/frames.js';
import type { Logger } from '../logger.js';
import { offeredOptions, readTypedAnswer, renderReply, type ChannelMessage } from './render.js';
import { CHANNEL_TEXTS } from './texts.js';
import type { ChannelInput, ChannelTurns } from './turns.js';

export interface IncomingMessage {
  /** The channel's name, as transcripts and metrics show it (e.g. msteams, slack, webchat). */
  channel: string;
  /** Who writes where, unique within the channel: one conversation per key. */
  key: string;
  /** The platform's message id; a resent message with the same id is answered once. */
  id?: string;
  /** Undefined when the message has no text (a picture, a sticker, a file). */
  text?: string;
  /** The platform's locale (et-EE, ru, en-US...): the language of a new conversation. */
  locale?: string;
}

export interface ChannelCapabilities {
  /** How many suggested actions (buttons) the channel shows; 0: none. */
  suggestedActions: number;
}

export interface GatewayLimits {
  /** Messages per window before the person is asked to slow down (the socket's WS_RATE_LIMIT). */
  rateLimit: number;
  rateWindowMs: number;
  /** A conversation unused this long starts afresh (SESSION_TTL_MS). */
  idleMs: number;
  /** Conversations kept at most; the least recently used go first. */
  maxConversations: number;
}

export interface GatewayOptions {
  turns: ChannelTurns;
  logger: Logger;
  limits: GatewayLimits;
  now?: () => number;
  newId?: () => string;
}

export interface ChannelGateway {
  /** The first contact (a member joined the conversation): the greeting, once. */
  greet(
    contact: Omit<IncomingMessage, 'text' | 'id'>,
    caps: ChannelCapabilities,
  ): Promise<ChannelMessage[]>;
  /** One message of the person: what to send back, in order. */
  receive(message: IncomingMessage, caps: ChannelCapabilities): Promise<ChannelMessage[]>;
}

interface Conversation {
  sessionId: string;
  /** The highest seq sent to the person. */
  sentSeq: number;
  lang: Lang;
  offered: Option[];
  recent: number[];
  /** Told to slow down in this window already: further messages are dropped silently. */
  warned: boolean;
  usedAt: number;
}

export function createChannelGateway(options: GatewayOptions): ChannelGateway {
  const { turns, logger, limits } = options;
  const now = options.now ?? Date.now;
  const newId = options.newId ?? (() => crypto.randomUUID());
  // Insertion order is use order (re-inserted on use): the first key is the least recent.
  const conversations = new Map<string, Conversation>();
  const queues = new Map<string, Promise<unknown>>();

  /** One message at a time per conversation, so two quick ones never open two sessions. */
  function serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
    const next = (queues.get(key) ?? Promise.resolve()).then(work, work);
    const settled = next.catch(() => undefined);
    queues.set(key, settled);
    void settled.then(() => {
      if (queues.get(key) === settled) queues.delete(key);
    });
    return next;
  }

  function remembered(key: string): Conversation | undefined {
    const c = conversations.get(key);
    if (!c) return undefined;
    conversations.delete(key);
    if (now() - c.usedAt > limits.idleMs) return undefined;
    conversations.set(key, c);
    return c;
  }

  async function open(message: Omit<IncomingMessage, 'text' | 'id'>) {
    const lang = langOf(message.locale);
    const { sessionId, replies } = await turns.open(lang, message.channel);
    const c: Conversation = {
      sessionId,
      sentSeq: 0,
      lang,
      offered: [],
      recent: [],
      warned: false,
      usedAt: now(),
    };
    conversations.set(message.key, c);
    while (conversations.size > limits.maxConversations) {
      const oldest = conversations.keys().next().value;
      if (oldest === undefined) break;
      conversations.delete(oldest);
    }
    return { c, replies };
  }

  /**
   * A conversation opened by a message: its greeting is not sent, the answer to the message
   * follows at once and says what matters.
   */
  async function openQuietly(message: IncomingMessage): Promise<Conversation> {
    const { c, replies } = await open(message);
    c.sentSeq = Math.max(0, ...replies.map((r) => r.seq));
    return c;
  }

  function deliver(c: Conversation, replies: ReplyFrame[], caps: ChannelCapabilities) {
    const out: ChannelMessage[] = [];
    for (const reply of replies) {
      if (reply.seq <= c.sentSeq) continue;
      c.sentSeq = reply.seq;
      if (reply.lang) c.lang = reply.lang;
      const offered = offeredOptions(reply);
      // A reply without quick replies ends the last offer: a number then means a number.
      c.offered = offered;
      out.push(renderReply(reply, { suggestedActions: caps.suggestedActions, lang: c.lang }));
    }
    return out;
  }

  /** Inside the window: true when the message may go on. */
  function withinRate(c: Conversation): boolean {
    const t = now();
    c.recent = c.recent.filter((at) => t - at < limits.rateWindowMs);
    if (c.recent.length < limits.rateLimit) {
      c.recent.push(t);
      c.warned = false;
      return true;
    }
    return false;
  }

  const take = (c: Conversation, input: ChannelInput) => turns.send(c.sessionId, input, c.sentSeq);

  return {
    greet(contact, caps) {
      return serialized(contact.key, async () => {
        if (remembered(contact.key)) return [];
        const { c, replies } = await open(contact);
        return deliver(c, replies, caps);
      });
    },

    receive(message, caps) {
      return serialized(message.key, async () => {
        let c = remembered(message.key) ?? (await openQuietly(message));
        c.usedAt = now();
        const say = (text: string): ChannelMessage[] => [{ text }];

        if (!withinRate(c)) {
          if (c.warned) return [];
          c.warned = true;
          return say(CHANNEL_TEXTS.rateLimited[c.lang]());
        }
        const text = message.text?.trim();
        if (!text) return say(CHANNEL_TEXTS.notText[c.lang]());
        if (text.length > LIMITS.textMaxChars)
          return say(CHANNEL_TEXTS.tooLong[c.lang](LIMITS.textMaxChars));

        const answer = readTypedAnswer(text, c.offered);
        if (answer.type === 'no-such-number')
          return say(CHANNEL_TEXTS.noSuchNumber[c.lang](answer.count));
        const id = message.id && message.id.length <= LIMITS.idMaxChars ? message.id : newId();
        const input: ChannelInput =
          answer.type === 'choose'
            ? { type: 'choose', id, optionId: answer.optionId }
            : { type: 'message', id, text };
        try {
          let replies = await take(c, input);
          if (!replies) {
            // The session expired (or the server restarted): a new conversation, same message.
            c = await openQuietly(message);
            replies = (await take(c, { type: 'message', id, text })) ?? [];
          }
          return deliver(c, replies, caps);
        } catch (err) {
          logger.error({ err, channel: message.channel }, 'channel turn failed');
          return say(CHANNEL_TEXTS.failed[c.lang]());
        }
      });
    },
  };
}

/** et-EE -> et; anything not ours -> et (the fallback language). */
export function langOf(locale: string | undefined): Lang {
  const base = locale?.slice(0, 2).toLowerCase();
  return LANGS.find((l) => l === base) ?? 'et';
}

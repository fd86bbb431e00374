/**
 * Live handover. When the assistant asks for a person (`handover-request`), the citizen joins
 * the queue inside office hours and is told their position and an estimated wait; outside them
 * they are told so and their next message is kept as a contact request for staff. An agent
 * takes a conversation; from then on the citizen's messages go to the agent, not the assistant,
 * until the agent hands it back or ends it.
 *
 * The pipeline asks this module where a message goes (`routing.route`) and what a handover
 * request does (`routing.request`), inside the turn; the conversation's own place in the
 * handover is part of its session state, committed with the turn. The queue and who holds what
 * live behind a port (queue.ts: memory, or Redis for several instances). Agents' actions and
 * queue moves reach conversations as pushes (their own turns); nothing re-enters a turn.
 *
 * A person waiting can leave by word ("cancel", "tühista", "отмена"), by the button, or by
 * naming a topic (which leaves the queue and starts that topic). A tab that is closed stops
 * being seen (presence, from the open sockets of every instance) and leaves the queue.
 */
import type { AssistantReply } from '../core/assistant.js';
import type { Logger } from '../logger.js';
import { redact } from '../privacy/redact.js';
import type { HistoryFrame, Lang, ServerFrame } from '../protocol/frames.js';
import { LIMITS } from '../protocol/frames.js';
import {
  UnknownSessionError,
  type ChatService,
  type CommittedTurn,
  type HandoverRouting,
  type RouteDecision,
  type TurnEvent,
} from '../session/chat-service.js';
import type { Bus } from '../session/redis.js';
import type { Session } from '../session/session.js';
import type { HandoverQueuePort, QueueEntry } from './queue.js';
import { LEAVE_OPTION, QUEUE_TEXTS as Q, asksToLeave } from './queue-texts.js';
import { HANDOVER_TEXTS as T, type OfficeWhen } from './texts.js';

export interface QueueItem {
  sessionId: string;
  position: number;
  since: number;
  lang: Lang;
  lifeEvents: string[];
  /** The person's question before they asked for a person (redacted). */
  question?: string;
  /** Estimated wait in ms, when recent handling times allow an estimate. */
  estimatedWaitMs?: number;
}

export interface LiveItem {
  sessionId: string;
  agent: string;
  since: number;
  lang: Lang;
}

export interface HandoverSnapshot {
  queued: QueueItem[];
  live: LiveItem[];
}

export type HandoverEvent =
  | { type: 'changed' }
  | { type: 'frame'; sessionId: string; agent: string | undefined; frame: HistoryFrame };

export interface HandoverOptions {
  queue: HandoverQueuePort;
  /** Tells the other instances the queue changed; default: this process only. */
  bus?: Bus;
  isOpen: (at: number) => boolean;
  /** Office hours and when staff are back, in words in `lang` (office-hours.ts). */
  officeWhen: (lang: Lang, at: number) => OfficeWhen;
  saveContactRequest: (request: {
    conversationId: string;
    lang: Lang;
    text: string;
    at: number;
  }) => Promise<void>;
  /** The life event a message names, if any (the NLU); a queued person naming one leaves for it. */
  understand?: (text: string, lang: Lang) => string | undefined;
  logger: Logger;
  /** How long after "unavailable" the next message is still taken as contact details. */
  contactWindowMs?: number;
  /** A queued conversation whose tab has not been seen this long leaves the queue. */
  presenceTimeoutMs?: number;
  now?: () => number;
}

export class HandoverError extends Error {
  override name = 'HandoverError';
  constructor(
    readonly code: 'NOT_QUEUED' | 'NOT_YOURS' | 'UNKNOWN_CONVERSATION',
    message: string,
  ) {
    super(message);
  }
}

export type Handover = ReturnType<typeof createHandover>;

const CHANGED = 'handover:changed';

export function createHandover(options: HandoverOptions) {
  const { logger, queue } = options;
  const now = options.now ?? Date.now;
  const contactWindowMs = options.contactWindowMs ?? 30 * 60_000;
  const presenceTimeoutMs = options.presenceTimeoutMs ?? 45_000;
  const listeners = new Set<(e: HandoverEvent) => void>();
  /** Conversations an agent on this instance holds: their frames go to the agent. */
  const watched = new Map<string, () => void>();
  let chat: ChatService | undefined;

  const emit = (e: HandoverEvent) => {
    for (const l of listeners) {
      try {
        l(e);
      } catch (err) {
        logger.error({ err }, 'handover listener failed');
      }
    }
  };
  // A notice missed while this instance's Redis subscription was away: the views refresh anyway.
  const unsubscribeBus = options.bus?.subscribe(CHANGED, () => emit({ type: 'changed' }), {
    onResync: () => emit({ type: 'changed' }),
  });
  const changed = () => {
    if (options.bus) options.bus.publish(CHANGED, {});
    else emit({ type: 'changed' });
  };

  const chatOf = () => {
    if (!chat) throw new Error('handover: bind the chat service first');
    return chat;
  };

  const pushLater = (
    sessionId: string,
    reply: AssistantReply,
    extra: Parameters<ChatService['push']>[3] = {},
  ) => {
    chatOf()
      .push(sessionId, reply, 'system', extra)
      .catch((err: unknown) => logger.warn({ err, sessionId }, 'handover message not delivered'));
  };

  async function estimateMs(position: number): Promise<number | undefined> {
    const recent = await queue.recentHandled();
    if (recent.length === 0) return undefined;
    const ms = recent.map((h) => h.ms).sort((a, b) => a - b);
    const median = ms[Math.floor(ms.length / 2)] ?? 0;
    const hourAgo = now() - 3_600_000;
    const agents = new Set(recent.filter((h) => h.at > hourAgo).map((h) => h.agent)).size || 1;
    return Math.ceil(position / agents) * median;
  }

  async function queuedNotice(lang: Lang, position: number): Promise<AssistantReply> {
    const wait = await estimateMs(position);
    const text =
      wait === undefined
        ? T.queued[lang](position)
        : `${T.queued[lang](position)} ${Q.wait[lang](Math.max(1, Math.round(wait / 60_000)))}`;
    return {
      text,
      blocks: [
        { type: 'handover', state: 'queued', position },
        { type: 'options', options: [{ id: LEAVE_OPTION, label: Q.leaveButton[lang]() }] },
      ],
    };
  }

  /** Tells everyone queued from `fromPosition` on their new position. */
  async function announcePositions(fromPosition: number): Promise<void> {
    const entries = (await queue.list()).filter((e) => e.state === 'queued');
    for (const [i, e] of entries.entries()) {
      if (i + 1 < fromPosition) continue;
      pushLater(e.sessionId, await queuedNotice(e.lang, i + 1), {
        onlyIf: (s) => s.handover?.state === 'queued',
      });
    }
  }

  function watch(sessionId: string, agent: string): void {
    if (watched.has(sessionId)) return;
    // The highest seq passed on; when this instance may have missed frames (its Redis
    // subscription came back), the ones after it are read from history. The agent's view
    // keeps each seq once, in seq order (staff/src/live.ts), so one that came both ways is
    // shown once.
    let last = 0;
    const pass = (frame: HistoryFrame) => {
      last = Math.max(last, frame.seq);
      emit({ type: 'frame', sessionId, agent, frame });
    };
    const unsubscribe = chatOf().hub.subscribe(
      sessionId,
      (frame: ServerFrame) => {
        if (frame.type === 'user' || frame.type === 'reply') pass(frame);
      },
      {
        // Read with the sockets' catch-up: one read for every conversation of the instance.
        onResync: () => {
          chatOf()
            .replay(sessionId, last)
            .then(
              (frames) => {
                if (watched.get(sessionId) === unsubscribe) for (const f of frames) pass(f);
              },
              (err: unknown) => {
                if (!(err instanceof UnknownSessionError))
                  logger.warn({ err, sessionId }, 'agent view could not catch up');
              },
            );
        },
      },
    );
    watched.set(sessionId, unsubscribe);
  }
  function unwatch(sessionId: string): void {
    watched.get(sessionId)?.();
    watched.delete(sessionId);
  }

  const left = (position: number, why: 'word' | 'topic' | 'away'): TurnEvent => ({
    type: 'handed-over',
    change: 'left',
    handover: undefined,
    reason: why,
    position,
  });

  const routing: HandoverRouting = {
    async request(session: Session, question?: string): Promise<RouteDecision> {
      const t = now();
      if (options.isOpen(t)) {
        const entry: QueueEntry = {
          sessionId: session.id,
          state: 'queued',
          since: t,
          queuedAt: t,
          lang: session.lang,
          lifeEvents: session.lifeEvents ?? [],
        };
        if (question) entry.question = queueQuestion(question);
        const position = await queue.enqueue(entry);
        const handover = { state: 'queued' as const, since: t };
        return {
          to: 'assistant',
          handover,
          notices: [await queuedNotice(session.lang, position)],
          events: [{ type: 'handed-over', change: 'queued', handover, position }],
        };
      }
      const handover = { state: 'contact' as const, since: t };
      return {
        to: 'assistant',
        handover,
        notices: [
          {
            text: T.unavailable[session.lang](options.officeWhen(session.lang, now())),
            blocks: [{ type: 'handover', state: 'unavailable' }],
          },
        ],
        events: [{ type: 'handed-over', change: 'contact', handover }],
      };
    },

    async route(session: Session, text: string, optionId?: string): Promise<RouteDecision> {
      const h = session.handover;
      if (!h) return { to: 'assistant' };
      const lang = session.lang;
      if (h.state === 'contact') {
        // A person who comes back long after "unavailable" is talking to the assistant again.
        if (now() - h.since > contactWindowMs) return { to: 'assistant', handover: null };
        await options.saveContactRequest({
          conversationId: session.id,
          lang,
          text: text.slice(0, LIMITS.textMaxChars),
          at: now(),
        });
        return {
          to: 'agent',
          handover: null,
          notices: [{ text: T.contactSaved[lang](), blocks: [] }],
          events: [{ type: 'handed-over', change: 'contact-saved', handover: undefined }],
        };
      }
      if (h.state === 'connected') return { to: 'agent' };
      // Queued: the person may leave by the button, by word, or by naming a topic.
      const entry = await queue.get(session.id);
      if (!entry) return { to: 'assistant', handover: null };
      await queue.touch([session.id], now());
      const topic = optionId ? undefined : options.understand?.(text, lang);
      const leaving = optionId === LEAVE_OPTION || asksToLeave(text);
      if (!topic && !leaving) return { to: 'agent' };
      const removed = await queue.remove(session.id);
      return {
        // Naming a topic starts it: the assistant reads the same message.
        to: topic ? 'assistant' : 'agent',
        handover: null,
        notices: [{ text: Q.left[lang](), blocks: [{ type: 'handover', state: 'ended' }] }],
        events: [left(removed?.position ?? 0, topic ? 'topic' : 'word')],
      };
    },
  };

  /** After the commit: the queue moved for those behind, and staff see the change. */
  function consume(turn: CommittedTurn): void {
    for (const e of turn.events) {
      if (e.type !== 'handed-over') continue;
      if (e.change === 'left' && e.position) {
        void announcePositions(e.position).catch((err: unknown) =>
          logger.warn({ err }, 'queue positions not announced'),
        );
      }
      if (e.change === 'queued' || e.change === 'left') changed();
    }
  }

  async function mine(sessionId: string, agent: string): Promise<QueueEntry> {
    const e = await queue.get(sessionId);
    if (!e)
      throw new HandoverError(
        'UNKNOWN_CONVERSATION',
        'This conversation is not waiting for a person.',
      );
    if (e.state === 'connected' && e.agent !== agent)
      throw new HandoverError(
        'NOT_YOURS',
        `This conversation is with ${e.agent ?? 'another agent'}.`,
      );
    return e;
  }

  /** Removes a conversation an agent held or that was queued, then tells the citizen. */
  async function release(
    sessionId: string,
    agent: string,
    reply: (lang: Lang) => AssistantReply,
    change: 'handed-back' | 'ended',
  ): Promise<void> {
    const e = await mine(sessionId, agent);
    const removed = await queue.remove(sessionId);
    if (!removed)
      throw new HandoverError('NOT_QUEUED', 'This conversation has just left the queue.');
    unwatch(sessionId);
    const taken = e.state === 'connected';
    if (taken) await queue.recordHandled({ ms: now() - e.since, agent, at: now() });
    const events: TurnEvent[] = [
      { type: 'handed-over', change, handover: undefined, agent, taken },
    ];
    if (change === 'ended' && taken) events.push({ type: 'outcome', outcome: 'handed-over' });
    pushLater(sessionId, reply(e.lang), { handover: null, events });
    if (removed.position > 0) await announcePositions(removed.position);
    changed();
  }

  /** Drops queued conversations whose tab has not been seen (closed) and tells those behind. */
  async function prune(): Promise<void> {
    const stale = await queue.stale(now() - presenceTimeoutMs);
    let first = 0;
    for (const id of stale) {
      const removed = await queue.remove(id);
      if (!removed) continue;
      if (removed.position > 0 && (first === 0 || removed.position < first))
        first = removed.position;
      pushLater(
        id,
        { text: Q.leftAway[removed.entry.lang](), blocks: [{ type: 'handover', state: 'ended' }] },
        {
          handover: null,
          events: [left(removed.position, 'away')],
          onlyIf: (s) => s.handover?.state === 'queued',
        },
      );
    }
    if (first > 0) {
      await announcePositions(first);
      changed();
    }
  }

  return {
    routing,
    consume,
    /** Binds the chat service (created after the handover, which it routes through). */
    bind(service: ChatService): void {
      chat = service;
    },
    subscribe(listener: (e: HandoverEvent) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** A REST client used these conversations (a turn or a poll): they are still there. */
    async touch(sessionIds: string[]): Promise<void> {
      await queue.touch(sessionIds, now());
    },

    /** The conversations whose tabs are open on this instance are still there. */
    async presence(sessionIds: string[]): Promise<void> {
      await queue.touch(sessionIds, now());
      await prune();
    },
    prune,

    async snapshot(): Promise<HandoverSnapshot> {
      const queued: QueueItem[] = [];
      const live: LiveItem[] = [];
      for (const e of await queue.list()) {
        if (e.state === 'queued') {
          const item: QueueItem = {
            sessionId: e.sessionId,
            position: queued.length + 1,
            since: e.since,
            lang: e.lang,
            lifeEvents: e.lifeEvents,
          };
          if (e.question) item.question = e.question;
          const wait = await estimateMs(item.position);
          if (wait !== undefined) item.estimatedWaitMs = wait;
          queued.push(item);
        } else if (e.agent) {
          live.push({ sessionId: e.sessionId, agent: e.agent, since: e.since, lang: e.lang });
        }
      }
      return { queued, live };
    },

    async queueLength(): Promise<number> {
      return (await queue.list()).filter((e) => e.state === 'queued').length;
    },

    /** The agent takes a queued conversation; answers its recent frames. */
    async take(sessionId: string, agent: string): Promise<HistoryFrame[]> {
      const e = await queue.assign(sessionId, agent, now());
      if (!e)
        throw new HandoverError('NOT_QUEUED', 'This conversation is not in the queue any more.');
      watch(sessionId, agent);
      const handover = { state: 'connected' as const, since: e.since, agent };
      await chatOf().push(
        sessionId,
        { text: T.connected[e.lang](), blocks: [{ type: 'handover', state: 'connected' }] },
        'system',
        {
          handover,
          events: [{ type: 'handed-over', change: 'connected', handover, agent, taken: true }],
        },
      );
      await announcePositions(1);
      changed();
      return (await chatOf().historyAfter(sessionId, 0)) ?? [];
    },

    /**
     * The conversations `agent` holds, with their recent frames, watched again on this
     * instance: after a restart (or a reconnect to another instance) the agent's new socket
     * gets their history and every new frame, as right after taking them.
     */
    async resume(agent: string): Promise<{ sessionId: string; frames: HistoryFrame[] }[]> {
      const mineNow = (await queue.list()).filter(
        (e) => e.state === 'connected' && e.agent === agent,
      );
      const out: { sessionId: string; frames: HistoryFrame[] }[] = [];
      for (const e of mineNow) {
        watch(e.sessionId, agent);
        out.push({
          sessionId: e.sessionId,
          frames: (await chatOf().historyAfter(e.sessionId, 0)) ?? [],
        });
      }
      return out;
    },

    async say(sessionId: string, agent: string, text: string): Promise<void> {
      const e = await mine(sessionId, agent);
      if (e.state !== 'connected')
        throw new HandoverError('NOT_YOURS', 'Take the conversation before writing in it.');
      watch(sessionId, agent);
      await chatOf().push(sessionId, { text, blocks: [] }, 'agent');
    },

    /** Back to the assistant. */
    handBack: (sessionId: string, agent: string) =>
      release(
        sessionId,
        agent,
        (lang) => ({
          text: T.handedBack[lang](),
          blocks: [{ type: 'handover', state: 'ended' }],
        }),
        'handed-back',
      ),

    /** Ends the conversation: outcome handed-over (when a person took it). */
    end: (sessionId: string, agent: string) =>
      release(
        sessionId,
        agent,
        (lang) => ({
          text: T.ended[lang](),
          blocks: [{ type: 'handover', state: 'ended' }, { type: 'feedback' }],
        }),
        'ended',
      ),

    close(): void {
      unsubscribeBus?.();
      for (const u of watched.values()) u();
      watched.clear();
      listeners.clear();
    },
  };
}

/** The person's question for the queue row: redacted and short. */
export function queueQuestion(text: string): string {
  return redact(text).text.slice(0, 200);
}

/**
 * Live handover. When the assistant asks for a person (`handover-request`), the citizen joins
 * a queue inside office hours and is told their position as it moves; outside them they are
 * told so and their next message is kept as a contact request for staff. An agent takes a
 * conversation; from then on the citizen's messages go to the agent, not the assistant
 * (the chat service's router), until the agent hands it back or ends it.
 *
 * State lives in this process: one instance serves the live handover (docs/staff.md).
 */
import type { AssistantEffect, AssistantReply } from '../core/assistant.js';
import type { Logger } from '../logger.js';
import type { HistoryFrame, Lang } from '../protocol/frames.js';
import type { ChatObserver, ChatRouter } from '../session/chat-service.js';
import type { Session } from '../session/session.js';
import { LIMITS } from '../protocol/frames.js';
import { HANDOVER_TEXTS as T, type OfficeWhen } from './texts.js';

export interface QueueItem {
  sessionId: string;
  position: number;
  since: number;
  lang: Lang;
  lifeEvents: string[];
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
  /** Adds a frame to a session (chat.push); bound after the chat service is created. */
  push: (sessionId: string, reply: AssistantReply, role: 'agent' | 'system') => Promise<void>;
  /** The session's recent frames, for the agent who takes it. */
  history: (sessionId: string) => Promise<HistoryFrame[] | undefined>;
  isOpen: (at: number) => boolean;
  /** Office hours and when staff are back, in words in `lang` (office-hours.ts). */
  officeWhen: (lang: Lang, at: number) => OfficeWhen;
  saveContactRequest: (request: {
    conversationId: string;
    lang: Lang;
    text: string;
    at: number;
  }) => Promise<void>;
  /** An agent took the conversation (handedOver) or ended it (outcome handed-over). */
  mark: (
    session: Session,
    change: { outcome?: 'handed-over'; handedOver?: boolean; ended?: boolean },
  ) => void;
  logger: Logger;
  /** How long after "unavailable" the next message is still taken as contact details. */
  contactWindowMs?: number;
  /** A queued citizen silent this long (the tab was closed) leaves the queue. */
  queueIdleMs?: number;
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

interface Entry {
  state: 'queued' | 'connected' | 'contact';
  session: Session;
  since: number;
  /** The citizen's last message or request, to drop queue entries nobody waits on. */
  lastSeen: number;
  agent?: string;
  lifeEvents: string[];
}

export type Handover = ReturnType<typeof createHandover>;

export function createHandover(options: HandoverOptions) {
  const { logger } = options;
  const now = options.now ?? Date.now;
  const contactWindowMs = options.contactWindowMs ?? 30 * 60_000;
  const queueIdleMs = options.queueIdleMs ?? 30 * 60_000;
  const entries = new Map<string, Entry>();
  const listeners = new Set<(e: HandoverEvent) => void>();

  const emit = (e: HandoverEvent) => {
    for (const l of listeners) {
      try {
        l(e);
      } catch (err) {
        logger.error({ err }, 'handover listener failed');
      }
    }
  };

  const queuedIds = () =>
    [...entries.entries()].filter(([, e]) => e.state === 'queued').map(([id]) => id);

  const pushLater = (
    sessionId: string,
    reply: AssistantReply,
    role: 'agent' | 'system' = 'system',
  ) => {
    options.push(sessionId, reply, role).catch((err: unknown) => {
      logger.warn({ err, sessionId }, 'handover message not delivered');
    });
  };

  /** Drops queued citizens who have gone quiet for too long (the rest move up) and expired offers to leave contact details. */
  function prune(): void {
    for (const [id, e] of entries) {
      if (e.state === 'contact' && now() - e.since > contactWindowMs) entries.delete(id);
    }
    const ids = queuedIds();
    const first = ids.findIndex((id) => now() - (entries.get(id)?.lastSeen ?? 0) > queueIdleMs);
    if (first < 0) return;
    for (const id of ids.slice(first)) {
      const e = entries.get(id);
      if (e && now() - e.lastSeen > queueIdleMs) entries.delete(id);
    }
    announcePositions(first);
    emit({ type: 'changed' });
  }

  /** Tells everyone in the queue from `fromIndex` on their new position. */
  function announcePositions(fromIndex: number): void {
    queuedIds().forEach((id, i) => {
      if (i < fromIndex) return;
      const e = entries.get(id);
      if (!e) return;
      pushLater(id, {
        text: T.queued[e.session.lang](i + 1),
        blocks: [{ type: 'handover', state: 'queued', position: i + 1 }],
      });
    });
  }

  function request(session: Session): void {
    const existing = entries.get(session.id);
    if (existing && existing.state !== 'contact') return;
    if (options.isOpen(now())) {
      prune();
      entries.set(session.id, {
        state: 'queued',
        session,
        since: now(),
        lastSeen: now(),
        lifeEvents: [],
      });
      const position = queuedIds().length;
      pushLater(session.id, {
        text: T.queued[session.lang](position),
        blocks: [{ type: 'handover', state: 'queued', position }],
      });
      emit({ type: 'changed' });
    } else {
      entries.set(session.id, {
        state: 'contact',
        session,
        since: now(),
        lastSeen: now(),
        lifeEvents: [],
      });
      pushLater(session.id, {
        text: T.unavailable[session.lang](options.officeWhen(session.lang, now())),
        blocks: [{ type: 'handover', state: 'unavailable' }],
      });
    }
  }

  const observer: ChatObserver = {
    onEffect(session: Session, effect: AssistantEffect) {
      if (effect.type === 'handover-request') request(session);
    },
    onFrame(session: Session, frame: HistoryFrame, info) {
      const e = entries.get(session.id);
      if (!e) return;
      e.session = session;
      if (frame.type === 'user') e.lastSeen = now();
      if (info?.lifeEvent && !e.lifeEvents.includes(info.lifeEvent))
        e.lifeEvents.push(info.lifeEvent);
      if (e.state === 'contact') {
        if (frame.type !== 'user') return;
        entries.delete(session.id);
        options
          .saveContactRequest({
            conversationId: session.id,
            lang: session.lang,
            text: frame.text.slice(0, LIMITS.textMaxChars),
            at: now(),
          })
          .then(
            () => pushLater(session.id, { text: T.contactSaved[session.lang](), blocks: [] }),
            (err: unknown) => logger.error({ err }, 'contact request not saved'),
          );
        return;
      }
      emit({ type: 'frame', sessionId: session.id, agent: e.agent, frame });
    },
  };

  /** Messages wait for the person while queued or connected; contact details too. */
  const router: ChatRouter = (session) => {
    const e = entries.get(session.id);
    if (!e) return 'assistant';
    // A person who comes back long after "unavailable" is talking to the assistant again.
    if (e.state === 'contact' && now() - e.since > contactWindowMs) {
      entries.delete(session.id);
      return 'assistant';
    }
    return 'agent';
  };

  function mine(sessionId: string, agent: string): Entry {
    const e = entries.get(sessionId);
    if (!e || e.state === 'contact')
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

  return {
    observer,
    router,
    subscribe(listener: (e: HandoverEvent) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    snapshot(): HandoverSnapshot {
      prune();
      const queued: QueueItem[] = [];
      const live: LiveItem[] = [];
      for (const [id, e] of entries) {
        if (e.state === 'queued')
          queued.push({
            sessionId: id,
            position: queued.length + 1,
            since: e.since,
            lang: e.session.lang,
            lifeEvents: e.lifeEvents,
          });
        else if (e.state === 'connected' && e.agent)
          live.push({ sessionId: id, agent: e.agent, since: e.since, lang: e.session.lang });
      }
      return { queued, live };
    },

    queueLength: () => {
      prune();
      return queuedIds().length;
    },

    /** The agent takes a queued conversation; answers its recent frames. */
    async take(sessionId: string, agent: string): Promise<HistoryFrame[]> {
      prune();
      const e = entries.get(sessionId);
      if (!e || e.state !== 'queued')
        throw new HandoverError('NOT_QUEUED', 'This conversation is not in the queue any more.');
      const index = queuedIds().indexOf(sessionId);
      e.state = 'connected';
      e.agent = agent;
      e.since = now();
      options.mark(e.session, { handedOver: true });
      pushLater(sessionId, {
        text: T.connected[e.session.lang](),
        blocks: [{ type: 'handover', state: 'connected' }],
      });
      announcePositions(index);
      emit({ type: 'changed' });
      return (await options.history(sessionId)) ?? [];
    },

    async say(sessionId: string, agent: string, text: string): Promise<void> {
      const e = mine(sessionId, agent);
      if (e.state !== 'connected')
        throw new HandoverError('NOT_YOURS', 'Take the conversation before writing in it.');
      await options.push(sessionId, { text, blocks: [] }, 'agent');
    },

    /** Back to the assistant. */
    handBack(sessionId: string, agent: string): void {
      const e = mine(sessionId, agent);
      const index = queuedIds().indexOf(sessionId);
      entries.delete(sessionId);
      pushLater(sessionId, {
        text: T.handedBack[e.session.lang](),
        blocks: [{ type: 'handover', state: 'ended' }],
      });
      if (index >= 0) announcePositions(index);
      emit({ type: 'changed' });
    },

    /** Ends the conversation: outcome handed-over (when a person took it). */
    end(sessionId: string, agent: string): void {
      const e = mine(sessionId, agent);
      const index = queuedIds().indexOf(sessionId);
      entries.delete(sessionId);
      if (e.state === 'connected') options.mark(e.session, { outcome: 'handed-over', ended: true });
      pushLater(sessionId, {
        text: T.ended[e.session.lang](),
        blocks: [{ type: 'handover', state: 'ended' }, { type: 'feedback' }],
      });
      if (index >= 0) announcePositions(index);
      emit({ type: 'changed' });
    },

    close(): void {
      listeners.clear();
      entries.clear();
    },
  };
}

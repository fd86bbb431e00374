/**
 * The session layer: turns client frames into assistant events, keeps each session's history
 * with a monotonically increasing seq, carries out the assistant's effects, and publishes
 * every new frame to whoever listens to that session (its open sockets, on any instance).
 * It knows nothing of sockets or HTTP.
 */
import type {
  AssistantEffect,
  AssistantEvent,
  Assistant,
  AssistantReply,
  TurnInfo,
} from '../core/assistant.js';
import type { StatusLookup } from '../core/status.js';
import type { LifeEventId } from '../nlu/types.js';
import type {
  AnswerFeedbackReason,
  HistoryFrame,
  Lang,
  ReplyFrame,
  ServerFrame,
  TurnMeta,
  UserFrame,
} from '../protocol/frames.js';
import type { Logger } from '../logger.js';
import {
  HISTORY_LIMIT,
  SEEN_IDS_LIMIT,
  SESSION_VERSION,
  type Identity,
  type Session,
  type SessionStore,
} from './session.js';

/** Frames published for a session: history frames and transient ones (typing). */
export interface SessionHub {
  publish(sessionId: string, frame: ServerFrame): void;
  subscribe(sessionId: string, listener: (frame: ServerFrame) => void): () => void;
  close(): Promise<void>;
}

/** Listeners per session, shared by the hubs: each delivers to the listeners in its process. */
export function createListeners() {
  const listeners = new Map<string, Set<(frame: ServerFrame) => void>>();
  return {
    deliver(sessionId: string, frame: ServerFrame): void {
      for (const l of listeners.get(sessionId) ?? []) l(frame);
    },
    add(sessionId: string, listener: (frame: ServerFrame) => void): () => void {
      let set = listeners.get(sessionId);
      if (!set) listeners.set(sessionId, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(sessionId);
      };
    },
    clear: () => listeners.clear(),
  };
}

export function createMemoryHub(): SessionHub {
  const listeners = createListeners();
  return {
    publish: (sessionId, frame) => listeners.deliver(sessionId, frame),
    subscribe: (sessionId, listener) => listeners.add(sessionId, listener),
    close() {
      listeners.clear();
      return Promise.resolve();
    },
  };
}

/** Looks up the signed-in person's status; the adapter handles timeouts and failures. */
export type StatusLookupFn = (
  identity: Identity | undefined,
  lifeEvent?: LifeEventId,
) => Promise<StatusLookup>;

/** Told of every recorded frame, for transcripts and metrics. Must not throw or block. */
export interface ChatObserver {
  onFrame?(session: Session, frame: HistoryFrame, info?: TurnInfo): void;
  onEffect?(session: Session, effect: AssistantEffect): void;
  /** The person rated the conversation (the feedback frame). */
  onFeedback?(session: Session, rating: number, comment?: string): void;
  /** "Not helpful" / "wrong topic" on the assistant reply `seq`, with the intent of its turn. */
  onAnswerFeedback?(session: Session, feedback: AnswerFeedback): void;
}

export interface AnswerFeedback {
  seq: number;
  reason: AnswerFeedbackReason;
  /** The intent the turn that produced the reply was answered with, when known. */
  intent?: string;
}

/**
 * Who answers a citizen's message. 'agent' (a live handover, or a contact-details request):
 * the message is recorded and published like any other, but the assistant does not see it.
 */
export type ChatRouter = (session: Session) => 'assistant' | 'agent';

export interface ChatServiceOptions<S> {
  assistant: Assistant<S>;
  store: SessionStore;
  hub: SessionHub;
  logger: Logger;
  lookupStatus?: StatusLookupFn;
  observer?: ChatObserver;
  /** Serialises turns across instances (Redis); within one process turns are queued anyway. */
  lock?: { run<T>(sessionId: string, work: () => Promise<T>): Promise<T> };
  router?: ChatRouter;
  now?: () => number;
  newId?: () => string;
}

export interface OpenRequest {
  lang: Lang;
  channel: string;
  sessionId?: string;
  lastSeq?: number;
  identity?: Identity;
}

export interface OpenResult {
  session: Session;
  resumed: boolean;
  /** History frames after the client's lastSeq, in order, to send before anything new. */
  replay: HistoryFrame[];
}

export type ClientInput =
  | { type: 'message'; id: string; text: string }
  | { type: 'choose'; id: string; optionId: string }
  | { type: 'set-lang'; lang: Lang }
  | { type: 'feedback'; rating: number; comment?: string }
  | { type: 'answer-feedback'; seq: number; reason: AnswerFeedbackReason };

export interface ChatService {
  open(request: OpenRequest): Promise<OpenResult>;
  /** Handles one client input; resolves when its frames are stored and published. */
  handle(sessionId: string, input: ClientInput): Promise<void>;
  /** Frames after `lastSeq` (used by the REST channel to return a turn's replies). */
  historyAfter(sessionId: string, lastSeq: number): Promise<HistoryFrame[] | undefined>;
  /** Adds a frame from outside the assistant (an agent, a status change) to a session. */
  push(sessionId: string, reply: AssistantReply, role: 'agent' | 'system'): Promise<void>;
  hub: SessionHub;
}

export class UnknownSessionError extends Error {
  override name = 'UnknownSessionError';
  readonly code = 'UNKNOWN_SESSION';
}

export function createChatService<S>(options: ChatServiceOptions<S>): ChatService {
  const { assistant, store, hub, logger, observer } = options;
  const now = options.now ?? Date.now;
  const newId = options.newId ?? (() => crypto.randomUUID());
  const lookupStatus: StatusLookupFn =
    options.lookupStatus ?? (() => Promise.resolve({ type: 'signed-out' }));

  // One turn at a time per session, so seq and state never race within this process.
  const queues = new Map<string, Promise<unknown>>();
  function serialized<T>(sessionId: string, work: () => Promise<T>): Promise<T> {
    const prev = queues.get(sessionId) ?? Promise.resolve();
    const lock = options.lock;
    const locked = lock ? () => lock.run(sessionId, work) : work;
    const next = prev.then(locked, locked);
    const settled = next.catch(() => undefined);
    queues.set(sessionId, settled);
    void settled.then(() => {
      if (queues.get(sessionId) === settled) queues.delete(sessionId);
    });
    return next;
  }

  function record(session: Session, frame: HistoryFrame, info?: TurnInfo): void {
    session.history.push(frame);
    if (session.history.length > HISTORY_LIMIT)
      session.history.splice(0, session.history.length - HISTORY_LIMIT);
    try {
      observer?.onFrame?.(session, frame, info);
    } catch (err) {
      logger.error({ err }, 'observer failed');
    }
  }

  /** Per-answer feedback: no turn, only recorded with the intent of the reply's turn. */
  function answerFeedback(
    session: Session,
    input: { seq: number; reason: AnswerFeedbackReason },
  ): void {
    const at = session.history.findIndex((f) => f.seq === input.seq);
    if (at < 0 || session.history[at]?.type !== 'reply') return;
    // The turn's meta is on its first reply: walk back to it, not past the person's message.
    let intent: string | undefined;
    for (let i = at; i >= 0 && !intent; i--) {
      const f = session.history[i];
      if (!f || f.type === 'user') break;
      intent = f.meta?.intent;
    }
    try {
      observer?.onAnswerFeedback?.(session, { ...input, ...(intent && { intent }) });
    } catch (err) {
      logger.error({ err }, 'observer failed');
    }
  }

  function replyFrame(
    session: Session,
    reply: AssistantReply,
    role: ReplyFrame['role'],
    replyTo?: string,
  ): ReplyFrame {
    session.seq += 1;
    const frame: ReplyFrame = {
      type: 'reply',
      seq: session.seq,
      role,
      text: reply.text,
      blocks: reply.blocks,
      ts: now(),
    };
    if (replyTo !== undefined) frame.replyTo = replyTo;
    return frame;
  }

  /** Runs the assistant on one event and then on the answers to its effects. */
  async function runTurn(
    session: Session,
    event: AssistantEvent,
    replyTo?: string,
  ): Promise<HistoryFrame[]> {
    const produced: HistoryFrame[] = [];
    let state = assistant.restore(session.assistantState) ?? assistant.initial(session.lang);
    let pending: AssistantEvent | undefined = event;
    let carried: TurnInfo = {};
    // Effects may feed events back (a status lookup); bounded so a dialog bug cannot loop.
    for (let round = 0; pending && round < 4; round++) {
      const turn = assistant.step(state, pending, {
        signedIn: session.identity !== undefined,
        now: now(),
      });
      state = turn.state;
      session.lang = turn.lang;
      // What the person's message meant is told by the round that read it, even when that
      // round only asked for a lookup and the answer comes in the next one.
      const info: TurnInfo = {
        ...turn.info,
        ...carried,
        visited: [...(carried.visited ?? []), ...(turn.info.visited ?? [])],
      };
      const meta = turnMeta(info);
      turn.replies.forEach((reply, i) => {
        const frame = replyFrame(session, reply, 'assistant', replyTo);
        frame.lang = turn.lang;
        if (i === 0 && meta) frame.meta = meta;
        record(session, frame, i === 0 ? info : undefined);
        produced.push(frame);
      });
      carried = turn.replies.length === 0 ? info : {};
      pending = undefined;
      for (const effect of turn.effects) {
        try {
          observer?.onEffect?.(session, effect);
        } catch (err) {
          logger.error({ err }, 'observer failed');
        }
        if (effect.type === 'status-lookup') {
          const lookup = await lookupStatus(session.identity, effect.lifeEvent).catch(
            (err: unknown) => {
              logger.warn({ err }, 'status lookup failed');
              return { type: 'unavailable' } as const;
            },
          );
          pending = { type: 'status', lookup };
        }
      }
    }
    session.assistantState = state;
    return produced;
  }

  async function load(sessionId: string): Promise<Session> {
    const session = await store.get(sessionId);
    if (!session) throw new UnknownSessionError(`No session ${sessionId}; it may have expired.`);
    return session;
  }

  async function save(session: Session, frames: ServerFrame[]): Promise<void> {
    session.updatedAt = now();
    await store.set(session);
    for (const frame of frames) hub.publish(session.id, frame);
  }

  return {
    hub,
    async open(request) {
      if (request.sessionId) {
        const existing = await store.get(request.sessionId);
        // A signed-in conversation resumes only for the same verified person: its history may
        // hold their status. Anyone else (or no one) starts a new conversation.
        const sameOwner =
          !existing?.identity || existing.identity.subject === request.identity?.subject;
        if (existing && sameOwner) {
          return serialized(existing.id, async () => {
            const session = (await store.get(existing.id)) ?? existing;
            // A verified identity may be added on resume, never swapped for another one.
            if (
              request.identity &&
              (!session.identity || session.identity.subject === request.identity.subject)
            ) {
              session.identity = request.identity;
            }
            await save(session, []);
            const lastSeq = request.lastSeq ?? 0;
            return {
              session,
              resumed: true,
              replay: session.history.filter((f) => f.seq > lastSeq),
            };
          });
        }
      }
      const t = now();
      const session: Session = {
        v: SESSION_VERSION,
        id: newId(),
        createdAt: t,
        updatedAt: t,
        lang: request.lang,
        channel: request.channel,
        seq: 0,
        history: [],
        seenIds: [],
        assistantState: assistant.initial(request.lang),
      };
      if (request.identity) session.identity = request.identity;
      return serialized(session.id, async () => {
        const frames = await runTurn(session, { type: 'start' });
        await save(session, []);
        return { session, resumed: false, replay: frames };
      });
    },

    handle(sessionId, input) {
      return serialized(sessionId, async () => {
        const session = await load(sessionId);
        if (input.type === 'answer-feedback') return answerFeedback(session, input);
        const frames: ServerFrame[] = [];
        let event: AssistantEvent;
        let replyTo: string | undefined;
        switch (input.type) {
          case 'message':
          case 'choose': {
            if (session.seenIds.includes(input.id)) {
              logger.debug({ sessionId, id: input.id }, 'duplicate client message dropped');
              return;
            }
            session.seenIds.push(input.id);
            if (session.seenIds.length > SEEN_IDS_LIMIT) session.seenIds.shift();
            replyTo = input.id;
            session.seq += 1;
            const text =
              input.type === 'message' ? input.text : optionLabel(session, input.optionId);
            const userFrame: UserFrame = {
              type: 'user',
              seq: session.seq,
              id: input.id,
              text,
              ts: now(),
            };
            // Decided before the frame is recorded: observers may change the route on it.
            const route = options.router?.(session) ?? 'assistant';
            record(session, userFrame);
            frames.push(userFrame);
            hub.publish(session.id, userFrame);
            if (route === 'agent') {
              await save(session, []);
              return;
            }
            hub.publish(session.id, { type: 'typing', on: true });
            event =
              input.type === 'message'
                ? { type: 'text', text: input.text }
                : { type: 'choose', optionId: input.optionId };
            break;
          }
          case 'set-lang':
            event = { type: 'set-lang', lang: input.lang };
            break;
          case 'feedback':
            try {
              observer?.onFeedback?.(session, input.rating, input.comment);
            } catch (err) {
              logger.error({ err }, 'observer failed');
            }
            event =
              input.comment === undefined
                ? { type: 'feedback', rating: input.rating }
                : { type: 'feedback', rating: input.rating, comment: input.comment };
            break;
        }
        try {
          const replies = await runTurn(session, event, replyTo);
          await save(session, replies);
        } catch (err) {
          // Keep the person's message even when the turn failed; the transport reports the error.
          await save(session, []);
          throw err;
        } finally {
          if (replyTo !== undefined) hub.publish(session.id, { type: 'typing', on: false });
        }
      });
    },

    async historyAfter(sessionId, lastSeq) {
      const session = await store.get(sessionId);
      return session?.history.filter((f) => f.seq > lastSeq);
    },

    push(sessionId, reply, role) {
      return serialized(sessionId, async () => {
        const session = await load(sessionId);
        const frame = replyFrame(session, reply, role);
        record(session, frame);
        await save(session, [frame]);
      });
    },
  };
}

function turnMeta(info: TurnInfo): TurnMeta | undefined {
  const meta: TurnMeta = {};
  if (info.nlu) {
    meta.intent = info.nlu.intent;
    meta.confidence = Math.round(info.nlu.confidence * 1000) / 1000;
    meta.lang = info.nlu.lang;
  }
  if (info.lifeEvent) meta.lifeEvent = info.lifeEvent;
  if (info.node) meta.node = info.node;
  if (info.visited?.length) meta.visited = info.visited;
  if (info.answered) meta.answered = info.answered;
  return Object.keys(meta).length > 0 ? meta : undefined;
}

/** The label the person saw for a quick reply, so history shows what they chose. */
function optionLabel(session: Session, optionId: string): string {
  for (let i = session.history.length - 1; i >= 0; i--) {
    const frame = session.history[i];
    if (frame?.type !== 'reply') continue;
    for (const block of frame.blocks) {
      if (block.type === 'options') {
        const option = block.options.find((o) => o.id === optionId);
        if (option) return option.label;
      }
    }
  }
  return optionId;
}

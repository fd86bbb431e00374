/**
 * The session layer: one explicit, ordered turn pipeline with one error boundary.
 *
 *   receive → access (resume rule) → dedupe → route (assistant or live agent)
 *           → understand + step (the pure core) → effects (bounded rounds) → commit
 *           → publish → consumers
 *
 * Every turn (a client input, the opening, an agent's or the system's message) runs through
 * `runTurn` and yields one list of typed events (events.ts). Transcripts, metrics and the
 * handover queue consume that list after the commit; nothing observes a turn while it runs,
 * patches rows afterwards or pushes back into the session from inside a turn. It knows nothing
 * of sockets or HTTP.
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
import type { CommittedTurn, TurnConsumer, TurnEvent } from './events.js';
import { accessTo } from './resume.js';
import {
  SEEN_IDS_LIMIT,
  SESSION_VERSION,
  type HandoverStatus,
  type Identity,
  type Session,
  type SessionSnapshot,
  type SessionStore,
} from './session.js';

export type { CommittedTurn, TurnConsumer, TurnEvent } from './events.js';

export interface HubSubscribeOptions {
  /** Names this listener, so `revoke` can keep it while dropping the others. */
  token?: string;
  /** Called when the listener was dropped by `revoke` (the conversation's identity changed). */
  onRevoke?: () => void;
  /**
   * Called when the hub may have missed frames for this listener: its pub/sub subscription
   * came back after a fault, and frames published meanwhile never reached this instance. The
   * listener catches up from history (src/session/follow.ts).
   */
  onResync?: () => void;
}

/** Frames published for a session: history frames and transient ones (typing). */
export interface SessionHub {
  publish(sessionId: string, ...frames: ServerFrame[]): void;
  subscribe(
    sessionId: string,
    listener: (frame: ServerFrame) => void,
    options?: HubSubscribeOptions,
  ): () => void;
  /** Drops every listener of the session on every instance, except the one named `keep`. */
  revoke(sessionId: string, keep?: string): void;
  close(): Promise<void>;
}

interface Listener {
  deliver: (frame: ServerFrame) => void;
  token: string | undefined;
  onRevoke: (() => void) | undefined;
  onResync: (() => void) | undefined;
}

/** Listeners per session, shared by the hubs: each delivers to the listeners in its process. */
export function createListeners() {
  const listeners = new Map<string, Set<Listener>>();
  return {
    deliver(sessionId: string, frames: readonly ServerFrame[]): void {
      const set = listeners.get(sessionId);
      if (!set) return;
      for (const l of set) for (const f of frames) l.deliver(f);
    },
    revoke(sessionId: string, keep: string | undefined): void {
      const set = listeners.get(sessionId);
      if (!set) return;
      for (const l of [...set]) {
        if (keep !== undefined && l.token === keep) continue;
        set.delete(l);
        l.onRevoke?.();
      }
      if (set.size === 0) listeners.delete(sessionId);
    },
    /** Tells the listeners in this process (of one session, or all) that frames may have been missed. */
    resync(sessionId?: string): void {
      const sets = sessionId === undefined ? listeners.values() : [listeners.get(sessionId)];
      for (const set of sets) for (const l of [...(set ?? [])]) l.onResync?.();
    },
    add(
      sessionId: string,
      deliver: (frame: ServerFrame) => void,
      options: HubSubscribeOptions = {},
    ): () => void {
      let set = listeners.get(sessionId);
      if (!set) listeners.set(sessionId, (set = new Set()));
      const l: Listener = {
        deliver,
        token: options.token,
        onRevoke: options.onRevoke,
        onResync: options.onResync,
      };
      set.add(l);
      const own = set;
      return () => {
        own.delete(l);
        if (own.size === 0 && listeners.get(sessionId) === own) listeners.delete(sessionId);
      };
    },
    /** Session ids with a listener in this process (the open tabs here). */
    sessionIds: () => [...listeners.keys()],
    clear: () => listeners.clear(),
  };
}

export function createMemoryHub(): SessionHub & { sessionIds(): string[] } {
  const listeners = createListeners();
  return {
    publish: (sessionId, ...frames) => listeners.deliver(sessionId, frames),
    subscribe: (sessionId, listener, options) => listeners.add(sessionId, listener, options),
    revoke: (sessionId, keep) => listeners.revoke(sessionId, keep),
    sessionIds: listeners.sessionIds,
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

/** A notice to add to the turn (system role), beside a route's decision. */
export interface RouteDecision {
  /** Who answers the message: the assistant, or a person (the message waits for them). */
  to: 'assistant' | 'agent';
  /** The conversation's new place in the handover: null leaves it, undefined keeps it. */
  handover?: HandoverStatus | null;
  notices?: AssistantReply[];
  events?: TurnEvent[];
}

/** The live handover as the pipeline sees it (src/handover/handover.ts implements it). */
export interface HandoverRouting {
  /** A message of a conversation that is in the handover (session.handover is set). */
  route(session: Session, text: string, optionId?: string): Promise<RouteDecision>;
  /** The assistant asked for a person (the `handover-request` effect); `question` is the message that led to it. */
  request(session: Session, question?: string): Promise<RouteDecision>;
}

export interface ChatServiceOptions<S> {
  assistant: Assistant<S>;
  store: SessionStore;
  hub: SessionHub;
  logger: Logger;
  lookupStatus?: StatusLookupFn;
  /** The proactive greeting of a person who signs in; resolves quickly (the lookup is bounded). */
  greet?: (identity: Identity, lang: Lang) => Promise<AssistantReply | undefined>;
  /** Who answers when the conversation is with the live handover. */
  handover?: HandoverRouting;
  /** Consumers of committed turns, in order. */
  consumers?: TurnConsumer[];
  /**
   * A system notice about the person's own message, said right after it (the redaction notice:
   * "your message contained a personal code; removed from the record").
   */
  noticeFor?: (text: string, lang: Lang) => string | undefined;
  /** Told of a turn that failed (metrics); the error still goes to the caller. */
  onError?: (err: unknown) => void;
  /** Kept for compatibility: instances no longer lock; commits are compare-and-set on seq. */
  lock?: unknown;
  now?: () => number;
  newId?: () => string;
}

export interface OpenRequest {
  lang: Lang;
  channel: string;
  sessionId?: string;
  lastSeq?: number;
  identity?: Identity;
  /** The opener's hub token: when this open signs the conversation in, other listeners are dropped. */
  listener?: string;
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

/** A message from outside the assistant: an agent, the handover, a status change. */
export interface PushInput {
  reply: AssistantReply;
  role: 'agent' | 'system';
  /** The conversation's new place in the handover: null leaves it, undefined keeps it. */
  handover?: HandoverStatus | null;
  events?: TurnEvent[];
  /** Push only when the session is (still) in this handover state; otherwise nothing happens. */
  onlyIf?: (session: Session) => boolean;
}

/**
 * Who is acting on a conversation. Channels (socket, REST) always pass one, and the resume rule
 * is checked on every turn; in-process callers (scripted conversations, tools) pass none.
 */
export interface Caller {
  identity?: Identity;
}

export interface ChatService {
  open(request: OpenRequest): Promise<OpenResult>;
  /** Handles one client input; resolves with the committed turn (undefined: dropped duplicate). */
  handle(
    sessionId: string,
    input: ClientInput,
    caller?: Caller,
  ): Promise<CommittedTurn | undefined>;
  /**
   * The resume rule for a listener that is already open: the frames after `lastSeq` for a
   * caller who may still follow the conversation (ForbiddenSessionError when it was signed in
   * by someone else meanwhile; UnknownSessionError when it expired). Used to bring an open
   * socket up to date (src/session/follow.ts). Without a caller (in-process: an agent's view
   * of a conversation it holds) the resume rule is not checked. The reads of every
   * conversation asked for in one turn of the event loop are read together (`readMany`, in
   * chunks of REPLAY_CHUNK).
   */
  replay(sessionId: string, lastSeq: number, caller?: Caller): Promise<HistoryFrame[]>;
  /** Frames after `lastSeq` (used by the REST channel and the agent taking a conversation). */
  historyAfter(sessionId: string, lastSeq: number): Promise<HistoryFrame[] | undefined>;
  /** The session's stored state (undefined when unknown or expired). */
  load(sessionId: string): Promise<Session | undefined>;
  /** Adds a frame from outside the assistant (an agent, a status change) to a session. */
  push(
    sessionId: string,
    reply: AssistantReply,
    role: 'agent' | 'system',
    extra?: Omit<PushInput, 'reply' | 'role'>,
  ): Promise<CommittedTurn | undefined>;
  hub: SessionHub;
}

export class UnknownSessionError extends Error {
  override name = 'UnknownSessionError';
  readonly code = 'UNKNOWN_SESSION';
}

/** A turn for a signed-in conversation by someone else (REST with another or no token). */
export class ForbiddenSessionError extends Error {
  override name = 'ForbiddenSessionError';
  readonly code = 'FORBIDDEN_SESSION';
}

/** How often a turn is retried when another instance committed the session first. */
const COMMIT_ATTEMPTS = 4;
/** Rounds of effects fed back to the assistant; bounded so a dialog bug cannot loop. */
const EFFECT_ROUNDS = 4;
/** Conversations per `readMany` when listeners catch up together (a comeback). */
export const REPLAY_CHUNK = 200;

/** The catch-up reads asked for in one turn of the event loop (`readForReplay`). */
interface ReplayBatch {
  /** The lowest seq asked for, per conversation. */
  after: Map<string, number>;
  waiting: Map<
    string,
    { resolve: (read: SessionSnapshot | undefined) => void; reject: (err: unknown) => void }[]
  >;
}

/**
 * The answers of a turn's effects that do I/O (a status lookup, a handover request, the route
 * of a message in the handover), kept across the attempts of the turn: an attempt that lost the
 * race to another instance runs the turn again on the fresh state, but the effects it asks for
 * again are answered from the first attempt, so each runs once per committed turn (one lookup,
 * one place in the queue). Made empty per turn; its map only when a turn asks for one (most
 * turns ask for none).
 */
class TurnMemory {
  private kept: Map<string, unknown[]> | undefined;

  /** The `n`th answer kept for `key`, or `run`'s (kept for the next attempt). */
  async answer<V>(key: string, n: number, run: () => Promise<V>): Promise<V> {
    const kept = this.kept?.get(key);
    if (kept && n < kept.length) return kept[n] as V;
    const answer = await run();
    this.kept ??= new Map();
    let list = this.kept.get(key);
    if (!list) this.kept.set(key, (list = []));
    list.push(answer);
    return answer;
  }
}

/** What one turn builds before its commit. */
class Draft {
  readonly frames: HistoryFrame[] = [];
  readonly events: TurnEvent[] = [];
  /** Frames to publish after the commit, besides `frames` (typing off). */
  readonly after: ServerFrame[] = [];
  /** The person's message, committed and shown first if the turn waits for I/O (`showPending`). */
  pendingFrame: UserFrame | undefined;
  /**
   * The person's message, already committed and shown live before the turn's own commit: by
   * this attempt (`showPending`), or by an earlier attempt that then lost the race (`carry`).
   */
  early: UserFrame | undefined;
  /** How many of `frames` are already committed (the person's message, committed first). */
  stored = 0;
  /** Drop other listeners after the commit (the conversation's identity changed). */
  revokeExcept: string | undefined | null = null;
  /** The seq the commit expects stored (-1: the session is new and must not exist yet). */
  baseSeq: number;
  /**
   * The stored state the turn builds on, as the store gave it (loaded, or committed early by
   * `showPending`): the commit expects it is still the one stored.
   */
  base: Session;
  readonly startedAt = Date.now();
  session: Session;
  /** This attempt's calls per key of `once` (the nth call gets the turn's nth answer). */
  private taken: Map<string, number> | undefined;

  constructor(
    readonly loaded: Session,
    readonly now: number,
    readonly kind: CommittedTurn['kind'],
    baseSeq = loaded.seq,
    /** The person's message committed by an earlier attempt of this turn that lost the race. */
    readonly carry?: UserFrame,
    private readonly memory = new TurnMemory(),
  ) {
    this.session = { ...loaded };
    this.baseSeq = baseSeq;
    this.base = loaded;
  }

  /** An effect's answer, once per committed turn whatever the attempts (TurnMemory). */
  once<V>(key: string, run: () => Promise<V>): Promise<V> {
    const taken = (this.taken ??= new Map<string, number>());
    const n = taken.get(key) ?? 0;
    taken.set(key, n + 1);
    return this.memory.answer(key, n, run);
  }

  reply(reply: AssistantReply, role: ReplyFrame['role'], replyTo?: string): ReplyFrame {
    const s = this.session;
    s.seq += 1;
    const frame: ReplyFrame = {
      type: 'reply',
      seq: s.seq,
      role,
      text: reply.text,
      blocks: reply.blocks,
      ts: this.now,
    };
    if (replyTo !== undefined) frame.replyTo = replyTo;
    for (const block of reply.blocks) {
      if (block.type === 'options' && block.options.length > 0)
        s.offered = block.options.map((o) => [o.id, o.label]);
    }
    this.frames.push(frame);
    return frame;
  }

  say(reply: AssistantReply, role: ReplyFrame['role'], info?: TurnInfo): ReplyFrame {
    const frame = this.reply(reply, role);
    this.events.push(
      info ? { type: 'assistant-said', frame, info } : { type: 'assistant-said', frame },
    );
    return frame;
  }

  setHandover(handover: HandoverStatus | null | undefined): void {
    if (handover === undefined) return;
    if (handover === null) delete this.session.handover;
    else this.session.handover = handover;
  }
}

export function createChatService<S>(options: ChatServiceOptions<S>): ChatService {
  const { assistant, store, hub, logger } = options;
  const consumers = options.consumers ?? [];
  const now = options.now ?? Date.now;
  const newId = options.newId ?? (() => crypto.randomUUID());
  const lookupStatus: StatusLookupFn =
    options.lookupStatus ?? (() => Promise.resolve({ type: 'signed-out' }));
  /** Assistant states made in this process: no need to validate them again on the next turn. */
  const trusted = new WeakSet<object>();

  // One turn at a time per session in this process, so seq and state never race here; across
  // instances the commit is compare-and-set on seq and a lost race runs the turn again.
  const queues = new Map<string, Promise<unknown>>();
  function serialized<T>(sessionId: string, work: () => Promise<T>): Promise<T> {
    const prev = queues.get(sessionId);
    const next = prev ? prev.then(work, work) : work();
    const settled = next.catch(() => undefined);
    queues.set(sessionId, settled);
    void settled.then(() => {
      if (queues.get(sessionId) === settled) queues.delete(sessionId);
    });
    return next;
  }

  function restoreState(session: Session): S {
    const stored = session.assistantState;
    if (typeof stored === 'object' && stored !== null && trusted.has(stored)) return stored as S;
    return assistant.restore(stored) ?? assistant.initial(session.lang);
  }

  /** understand + step + effects: runs the core on one event, then on its effects' answers. */
  async function runAssistant(
    draft: Draft,
    event: AssistantEvent,
    replyTo?: string,
    userEvent?: Extract<TurnEvent, { type: 'user-said' }>,
  ): Promise<void> {
    const session = draft.session;
    let state = restoreState(session);
    let pending: AssistantEvent | undefined = event;
    let carried: TurnInfo | undefined;
    for (let round = 0; pending && round < EFFECT_ROUNDS; round++) {
      const turn = assistant.step(state, pending, {
        signedIn: session.identity !== undefined,
        now: draft.now,
      });
      state = turn.state;
      if (typeof state === 'object' && state !== null) trusted.add(state);
      session.lang = turn.lang;
      // What the person's message meant is told by the round that read it, even when that
      // round only asked for a lookup and the answer comes in the next one.
      const info: TurnInfo = carried
        ? {
            ...turn.info,
            ...carried,
            visited: [...(carried.visited ?? []), ...(turn.info.visited ?? [])],
          }
        : turn.info;
      if (userEvent && round === 0) userEvent.understanding = info;
      if (info.lifeEvent && !session.lifeEvents?.includes(info.lifeEvent))
        session.lifeEvents = [...(session.lifeEvents ?? []), info.lifeEvent];
      const meta = turn.replies.length > 0 ? turnMeta(info) : undefined;
      turn.replies.forEach((reply, i) => {
        const frame = draft.reply(reply, 'assistant', replyTo);
        frame.lang = turn.lang;
        if (i === 0 && meta) frame.meta = meta;
        draft.events.push(
          i === 0 ? { type: 'assistant-said', frame, info } : { type: 'assistant-said', frame },
        );
      });
      carried = turn.replies.length === 0 ? info : undefined;
      pending = undefined;
      for (const effect of turn.effects) {
        draft.events.push({ type: 'effect-requested', effect });
        pending = (await runEffect(draft, effect)) ?? pending;
      }
    }
    session.assistantState = state;
  }

  /** Carries out one effect; answers the event to feed back to the assistant, if any. */
  async function runEffect(
    draft: Draft,
    effect: AssistantEffect,
  ): Promise<AssistantEvent | undefined> {
    switch (effect.type) {
      case 'status-lookup': {
        await showPending(draft);
        const lookup = await draft.once(`lookup:${effect.lifeEvent ?? ''}`, () =>
          lookupStatus(draft.session.identity, effect.lifeEvent).catch((err: unknown) => {
            logger.warn({ err }, 'status lookup failed');
            return { type: 'unavailable' } as const;
          }),
        );
        draft.events.push({ type: 'effect-answered', effect, answer: lookup.type });
        return { type: 'status', lookup };
      }
      case 'handover-request': {
        if (!options.handover || draft.session.handover) return undefined;
        await showPending(draft);
        const said = draft.events.find((e) => e.type === 'user-said');
        const question = said?.type === 'user-said' ? said.frame.text : undefined;
        const handover = options.handover;
        applyDecision(
          draft,
          await draft.once('request', () => handover.request(draft.session, question)),
        );
        return undefined;
      }
      case 'outcome':
        draft.events.push({ type: 'outcome', outcome: effect.outcome });
        return undefined;
    }
  }

  /**
   * Before the turn waits for I/O (a status lookup, the shared queue), the person's message is
   * committed on its own and then shown with the typing indicator; a turn that needs no I/O
   * commits and publishes everything at once. Committed first, the message keeps its seq
   * whatever happens next: when the turn's own commit loses the race to another instance, the
   * turn runs again after it without taking the message again (`carry`), and when the turn
   * fails, the message is already kept. Nothing is shown that is not stored.
   */
  async function showPending(draft: Draft): Promise<void> {
    const frame = draft.pendingFrame;
    if (!frame || draft.early) return;
    // The person's message is the turn's first frame; the rest of the state is the loaded one
    // until the turn commits (a message with no answer yet, as when the turn fails).
    const upTo = draft.frames.indexOf(frame) + 1;
    const kept: Session = {
      ...draft.loaded,
      seq: frame.seq,
      seenIds: draft.session.seenIds,
      updatedAt: draft.now,
    };
    if (!(await store.commit(kept, draft.frames.slice(0, upTo), draft.baseSeq, draft.base)))
      throw new LostRace();
    draft.baseSeq = frame.seq;
    draft.base = kept;
    draft.stored = upTo;
    draft.early = frame;
    hub.publish(draft.session.id, frame, { type: 'typing', on: true });
  }

  function applyDecision(draft: Draft, decision: RouteDecision): void {
    draft.setHandover(decision.handover);
    for (const notice of decision.notices ?? []) draft.say(notice, 'system');
    draft.events.push(...(decision.events ?? []));
  }

  /** commit → publish → consumers. False when another instance committed first. */
  async function commit(draft: Draft): Promise<CommittedTurn | undefined> {
    const session = draft.session;
    session.updatedAt = draft.now;
    const rest = draft.frames.slice(draft.stored);
    const ok = await store.commit(session, rest, draft.baseSeq, draft.base);
    if (!ok) return undefined;
    if (draft.revokeExcept !== null) hub.revoke(session.id, draft.revokeExcept);
    const out: ServerFrame[] = [...rest, ...draft.after];
    if (out.length > 0) hub.publish(session.id, ...out);
    return consume({
      kind: draft.kind,
      session,
      events: draft.events,
      startedAt: draft.startedAt,
    });
  }

  function consume(turn: CommittedTurn): CommittedTurn {
    for (const consumer of consumers) {
      try {
        consumer(turn);
      } catch (err) {
        logger.error({ err }, 'turn consumer failed');
      }
    }
    return turn;
  }

  /**
   * The one error boundary: loads the session, builds the turn, commits it; a lost race with
   * another instance runs the turn again on the fresh state. When the turn fails after the
   * person's message was taken, the message is still kept and the error goes to the caller.
   */
  async function runTurn(
    sessionId: string,
    kind: CommittedTurn['kind'],
    build: (draft: Draft) => Promise<void>,
  ): Promise<CommittedTurn | undefined> {
    let carry: UserFrame | undefined;
    const memory = new TurnMemory();
    for (let attempt = 0; attempt < COMMIT_ATTEMPTS; attempt++) {
      const loaded = await store.load(sessionId);
      if (!loaded) throw new UnknownSessionError(`No session ${sessionId}; it may have expired.`);
      const draft = new Draft(loaded, now(), kind, loaded.seq, carry, memory);
      let committed: CommittedTurn | undefined;
      try {
        await build(draft);
        committed = await commit(draft);
      } catch (err) {
        if (err instanceof LostRace) continue;
        if (err instanceof Skip) return undefined;
        if (err instanceof ForbiddenSessionError) throw err;
        options.onError?.(err);
        await keepUserFrame(loaded, draft).catch(() => undefined);
        throw err;
      }
      if (committed) return committed;
      carry = draft.early;
      logger.debug({ sessionId, attempt }, 'session changed on another instance; turn run again');
    }
    throw new Error(`session ${sessionId} is busy on another instance`);
  }

  /** A failed turn still keeps the person's message (and tells the consumers of it). */
  async function keepUserFrame(loaded: Session, failed: Draft): Promise<void> {
    const said = failed.events.find((e) => e.type === 'user-said');
    if (!said || said.type !== 'user-said') return;
    if (failed.early) {
      // Committed and shown already: the typing indicator goes off, the consumers hear of it.
      hub.publish(loaded.id, { type: 'typing', on: false });
      consume({
        kind: failed.kind,
        session: { ...loaded, seq: failed.early.seq, seenIds: failed.session.seenIds },
        events: [said],
        startedAt: failed.startedAt,
      });
      return;
    }
    const draft = new Draft(loaded, failed.now, failed.kind);
    draft.session.seq = said.frame.seq;
    draft.session.seenIds = failed.session.seenIds;
    draft.frames.push(said.frame);
    draft.events.push(said);
    draft.after.push({ type: 'typing', on: false });
    await commit(draft);
  }

  function userTurn(input: ClientInput, caller: Caller | undefined) {
    return async (draft: Draft): Promise<void> => {
      const session = draft.session;
      // access: the resume rule, on every turn from a channel (in-process callers pass none).
      if (caller && accessTo(session, caller.identity) === 'refuse')
        throw new ForbiddenSessionError('This conversation belongs to a signed-in person.');
      switch (input.type) {
        case 'message':
        case 'choose': {
          // The message committed by an earlier attempt of this turn, which lost the race after:
          // the turn goes on from it on the fresh state.
          let frame = draft.carry?.id === input.id ? draft.carry : undefined;
          if (frame) draft.early = frame;
          else {
            // dedupe
            if (session.seenIds.includes(input.id)) {
              logger.debug(
                { sessionId: session.id, id: input.id },
                'duplicate client message dropped',
              );
              throw new Skip();
            }
            session.seenIds =
              session.seenIds.length >= SEEN_IDS_LIMIT
                ? [...session.seenIds.slice(1 - SEEN_IDS_LIMIT), input.id]
                : [...session.seenIds, input.id];
            session.seq += 1;
            frame = {
              type: 'user',
              seq: session.seq,
              id: input.id,
              text: input.type === 'message' ? input.text : optionLabel(session, input.optionId),
              ts: draft.now,
            };
            draft.frames.push(frame);
          }
          const text = frame.text;
          // route
          // (its side effects once per committed turn: a contact request saved, the queue
          // left; an attempt after a lost race takes the decision made on the same place in
          // the handover, and routes again only if that place changed meanwhile)
          let decision: RouteDecision = { to: 'assistant' };
          const handover = options.handover;
          if (session.handover && handover)
            decision = await draft.once(`route:${JSON.stringify(session.handover)}`, () =>
              handover.route(session, text, input.type === 'choose' ? input.optionId : undefined),
            );
          const said: Extract<TurnEvent, { type: 'user-said' }> = {
            type: 'user-said',
            frame,
            route: decision.to,
          };
          draft.events.push(said);
          if (input.type === 'message') {
            const notice = options.noticeFor?.(input.text, session.lang);
            if (notice) draft.say({ text: notice, blocks: [] }, 'system');
          }
          applyDecision(draft, decision);
          if (decision.to === 'agent') return;
          draft.pendingFrame = frame;
          draft.after.push({ type: 'typing', on: false });
          await runAssistant(
            draft,
            input.type === 'message'
              ? { type: 'text', text: input.text }
              : { type: 'choose', optionId: input.optionId },
            input.id,
            said,
          );
          return;
        }
        case 'set-lang':
          return runAssistant(draft, { type: 'set-lang', lang: input.lang });
        case 'answer-feedback': {
          // No reply: recorded (a turn event) with the intent of the answer's turn, whose meta
          // is on its first reply: walk back from the answer, not past the person's message.
          const frames = (await store.history(session.id, Math.max(0, input.seq - 20))) ?? [];
          const at = frames.findIndex((f) => f.seq === input.seq);
          if (at < 0 || frames[at]?.type !== 'reply') throw new Skip();
          let intent: string | undefined;
          for (let i = at; i >= 0 && !intent; i--) {
            const f = frames[i];
            if (!f || f.type === 'user') break;
            intent = f.meta?.intent;
          }
          draft.events.push({
            type: 'answer-feedback',
            seq: input.seq,
            reason: input.reason,
            ...(intent && { intent }),
          });
          return;
        }
        case 'feedback': {
          const event: AssistantEvent =
            input.comment === undefined
              ? { type: 'feedback', rating: input.rating }
              : { type: 'feedback', rating: input.rating, comment: input.comment };
          draft.events.push({ ...event, type: 'feedback' });
          return runAssistant(draft, event);
        }
      }
    };
  }

  async function greet(draft: Draft, identity: Identity): Promise<void> {
    if (!options.greet) return;
    const reply = await options.greet(identity, draft.session.lang).catch((err: unknown) => {
      logger.warn({ err }, 'proactive greeting failed');
      return undefined;
    });
    if (reply) draft.say(reply, 'system');
  }

  async function openNew(request: OpenRequest): Promise<OpenResult> {
    const t = now();
    const session: Session = {
      v: SESSION_VERSION,
      id: newId(),
      createdAt: t,
      updatedAt: t,
      lang: request.lang,
      channel: request.channel,
      seq: 0,
      seenIds: [],
      assistantState: assistant.initial(request.lang),
    };
    if (request.identity) session.identity = request.identity;
    const draft = new Draft(session, t, 'open', -1);
    draft.events.push({ type: 'conversation-started' });
    await runAssistant(draft, { type: 'start' });
    if (request.identity) {
      draft.events.push({ type: 'signed-in' });
      await greet(draft, request.identity);
    }
    const turn = await commit(draft);
    if (!turn) throw new Error('session id collision');
    return { session: turn.session, resumed: false, replay: draft.frames };
  }

  /** What a resuming listener gets: the frames after the last seq it has, in order. */
  async function historyOf(sessionId: string, lastSeq: number): Promise<HistoryFrame[]> {
    return (await store.history(sessionId, lastSeq)) ?? [];
  }

  /**
   * The state and frames of the conversations for `replay`, read at once for every listener
   * that asks in the same turn of the event loop (a comeback tells every listener on the
   * instance at once): `readMany` in chunks of at most REPLAY_CHUNK conversations, one after
   * another (Redis: one round trip each, so a comeback with thousands of open conversations
   * sends no unbounded pipeline nor holds every answer at once), each conversation read after
   * the lowest seq asked for it and answered as soon as its chunk is read. The read starts
   * after all of them asked, so none misses a frame committed before it asked.
   */
  let batch: ReplayBatch | undefined;
  function readForReplay(
    sessionId: string,
    afterSeq: number,
  ): Promise<SessionSnapshot | undefined> {
    if (!batch) {
      const started: ReplayBatch = { after: new Map(), waiting: new Map() };
      batch = started;
      setImmediate(() => {
        batch = undefined;
        void readBatch(started);
      });
    }
    const { after, waiting } = batch;
    after.set(sessionId, Math.min(afterSeq, after.get(sessionId) ?? afterSeq));
    return new Promise((resolve, reject) => {
      let list = waiting.get(sessionId);
      if (!list) waiting.set(sessionId, (list = []));
      list.push({ resolve, reject });
    });
  }

  async function readBatch({ after, waiting }: ReplayBatch): Promise<void> {
    const ids = [...after.keys()];
    for (let i = 0; i < ids.length; i += REPLAY_CHUNK) {
      const chunk = new Map<string, number>();
      for (const id of ids.slice(i, i + REPLAY_CHUNK)) chunk.set(id, after.get(id) ?? 0);
      // A chunk that cannot be read fails its own listeners only (they read again).
      const read = await store.readMany(chunk).then(
        (all) => ({ all }),
        (err: unknown) => ({ err }),
      );
      for (const id of chunk.keys())
        for (const w of waiting.get(id) ?? [])
          if ('all' in read) w.resolve(read.all.get(id));
          else w.reject(read.err);
    }
  }

  return {
    hub,
    async open(request) {
      if (request.sessionId) {
        const existing = await store.load(request.sessionId, { fresh: true });
        const access = existing ? accessTo(existing, request.identity) : 'refuse';
        if (existing && access === 'refuse')
          logger.info(
            { sessionId: existing.id },
            'signed-in session not resumed by another person',
          );
        if (existing && access !== 'refuse') {
          const id = existing.id;
          const lastSeq = request.lastSeq ?? 0;
          if (access === 'continue')
            return { session: existing, resumed: true, replay: await historyOf(id, lastSeq) };
          // sign-in: the conversation becomes this person's; every other listener is dropped.
          const identity = request.identity as Identity;
          const turn = await serialized(id, () =>
            runTurn(id, 'open', async (draft) => {
              if (accessTo(draft.session, identity) === 'refuse')
                throw new ForbiddenSessionError('This conversation belongs to another person.');
              draft.session.identity = identity;
              draft.revokeExcept = request.listener;
              draft.events.push({ type: 'signed-in' });
              await greet(draft, identity);
            }),
          ).catch((err: unknown) => {
            if (err instanceof ForbiddenSessionError) return undefined;
            throw err;
          });
          if (turn)
            return { session: turn.session, resumed: true, replay: await historyOf(id, lastSeq) };
        }
      }
      return openNew(request);
    },

    handle(sessionId, input, caller) {
      return serialized(sessionId, () => runTurn(sessionId, 'input', userTurn(input, caller)));
    },

    async replay(sessionId, lastSeq, caller) {
      const read = await readForReplay(sessionId, lastSeq);
      if (!read) throw new UnknownSessionError(`No session ${sessionId}; it may have expired.`);
      if (caller && accessTo(read.session, caller.identity) === 'refuse')
        throw new ForbiddenSessionError('This conversation belongs to a signed-in person.');
      return read.frames.filter((f) => f.seq > lastSeq);
    },

    historyAfter: (sessionId, lastSeq) => store.history(sessionId, lastSeq),

    load: (sessionId) => store.load(sessionId),

    push(sessionId, reply, role, extra = {}) {
      return serialized(sessionId, () =>
        runTurn(sessionId, 'push', (draft) => {
          if (extra.onlyIf && !extra.onlyIf(draft.session)) throw new Skip();
          draft.setHandover(extra.handover);
          draft.say(reply, role);
          draft.events.push(...(extra.events ?? []));
          return Promise.resolve();
        }),
      );
    },
  };
}

/** Ends a turn without a commit (a duplicate, or a push whose condition no longer holds). */
class Skip extends Error {}

/** Another instance committed the session first: the turn runs again on the fresh state. */
class LostRace extends Error {}

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
  for (const [id, label] of session.offered ?? []) if (id === optionId) return label;
  return optionId;
}

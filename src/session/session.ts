/**
 * A chat session as it is stored, in two parts: its small state (read and written once per
 * turn) and its append-only history (frames with seq, read only on resume and by the REST
 * channel). Plain versioned JSON, so it can live in memory, Redis or SQL and survive
 * restarts; a stored session of another version is dropped, not misread.
 */
import { z } from 'zod';
import { Lang, type HistoryFrame } from '../protocol/frames.js';

export const SESSION_VERSION = 2;

/** How many frames a session keeps for replay after a reconnect. */
export const HISTORY_LIMIT = 200;
/** How many recent client message ids are remembered to drop resent duplicates. */
export const SEEN_IDS_LIMIT = 100;

export interface Identity {
  /** The verified subject (personal code); kept in the live session only, never in transcripts. */
  subject: string;
  /** Display name for the greeting. */
  name: string;
}

/** Where a conversation stands with the live handover; absent when the assistant answers. */
export interface HandoverStatus {
  /** queued: waiting for a person; connected: a person answers; contact: the next message is kept as a contact request. */
  state: 'queued' | 'connected' | 'contact';
  since: number;
  agent?: string;
}

export interface Session {
  v: typeof SESSION_VERSION;
  id: string;
  createdAt: number;
  updatedAt: number;
  lang: Lang;
  channel: string;
  /** Highest seq given to a frame of this session. */
  seq: number;
  /** Client message ids already handled, newest last. */
  seenIds: string[];
  assistantState: unknown;
  identity?: Identity;
  /** The quick replies of the latest reply that offered some, as [id, label]. */
  offered?: [string, string][];
  /** Life events the conversation has been about, in order. */
  lifeEvents?: string[];
  handover?: HandoverStatus;
}

const StoredSessionShape = z.object({
  v: z.literal(SESSION_VERSION),
  id: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  lang: Lang,
  channel: z.string(),
  seq: z.number(),
  seenIds: z.array(z.string()),
  assistantState: z.unknown(),
  identity: z.object({ subject: z.string(), name: z.string() }).optional(),
  offered: z.array(z.tuple([z.string(), z.string()])).optional(),
  lifeEvents: z.array(z.string()).optional(),
  handover: z
    .object({
      state: z.enum(['queued', 'connected', 'contact']),
      since: z.number(),
      agent: z.string().optional(),
    })
    .optional(),
});

/** Parses a stored session; undefined when it is of another version or shape. */
export function restoreSession(stored: unknown): Session | undefined {
  const parsed = StoredSessionShape.safeParse(stored);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Where sessions live. One `commit` per turn writes the new small state and appends the
 * turn's frames; it succeeds only when the stored seq is still `expectedSeq` (-1: the session
 * must not exist yet), so two instances never both write the same turn.
 */
export interface SessionStore {
  /**
   * The session's state. A store may answer from its own recent copy (the commit still checks
   * nothing changed since); `fresh` reads the shared store, for decisions made outside a turn
   * (who may resume a conversation).
   */
  load(id: string, options?: { fresh?: boolean }): Promise<Session | undefined>;
  /** Frames with seq above `afterSeq`, oldest first; undefined when the session is unknown. */
  history(id: string, afterSeq: number): Promise<HistoryFrame[] | undefined>;
  /**
   * Several sessions' state (a fresh read) and frames after a seq each, in one read (Redis: one
   * pipeline, one round trip, and only the frames after the seq leave Redis): what brings every
   * open conversation of an instance up to date at once. Unknown sessions are left out.
   */
  readMany(afterSeq: ReadonlyMap<string, number>): Promise<Map<string, SessionSnapshot>>;
  /**
   * `base`: the state the turn started from, as `load` or an earlier `commit` of this store gave
   * it; a store that counts revisions expects the revision of `base` still stored (not that of
   * whatever it read last: a fresh read outside the turn may have seen another instance's
   * commit since the turn started).
   */
  commit(
    session: Session,
    frames: HistoryFrame[],
    expectedSeq: number,
    base?: Session,
  ): Promise<boolean>;
  delete(id: string): Promise<void>;
  close(): Promise<void>;
}

/** A session's state and the frames after a seq (`SessionStore.readMany`). */
export interface SessionSnapshot {
  session: Session;
  frames: HistoryFrame[];
}

interface MemoryEntry {
  session: Session;
  history: HistoryFrame[];
  expires: number;
}

/**
 * The embedded default: one process, sessions forgotten after `ttlMs` unused. Objects are kept
 * as they are: the pipeline never mutates a loaded session or a committed frame (it builds the
 * next state), so nothing is serialised per turn.
 */
export function createMemorySessionStore(options: {
  ttlMs: number;
  now?: () => number;
}): SessionStore {
  const now = options.now ?? Date.now;
  const entries = new Map<string, MemoryEntry>();
  const sweep = () => {
    const t = now();
    for (const [id, e] of entries) if (e.expires <= t) entries.delete(id);
  };
  const timer = setInterval(sweep, Math.min(options.ttlMs, 60_000));
  timer.unref();
  const live = (id: string) => {
    const e = entries.get(id);
    return e && e.expires > now() ? e : undefined;
  };
  const after = (e: MemoryEntry, afterSeq: number) => {
    const h = e.history;
    // Frames are in seq order: find the first after `afterSeq` from the end.
    let i = h.length;
    while (i > 0 && (h[i - 1]?.seq ?? 0) > afterSeq) i--;
    return h.slice(Math.max(i, h.length - HISTORY_LIMIT));
  };
  return {
    load: (id) => Promise.resolve(live(id)?.session),
    history(id, afterSeq) {
      const e = live(id);
      return Promise.resolve(e && after(e, afterSeq));
    },
    readMany(afterSeq) {
      const read = new Map<string, SessionSnapshot>();
      for (const [id, seq] of afterSeq) {
        const e = live(id);
        if (e) read.set(id, { session: e.session, frames: after(e, seq) });
      }
      return Promise.resolve(read);
    },
    commit(session, frames, expectedSeq) {
      const e = live(session.id);
      if (expectedSeq < 0 ? e !== undefined : e?.session.seq !== expectedSeq)
        return Promise.resolve(false);
      const history = e?.history ?? [];
      history.push(...frames);
      // Trimmed in steps, so a long conversation does not copy its history on every turn.
      if (history.length > HISTORY_LIMIT + 50) history.splice(0, history.length - HISTORY_LIMIT);
      entries.set(session.id, { session, history, expires: now() + options.ttlMs });
      return Promise.resolve(true);
    },
    delete(id) {
      entries.delete(id);
      return Promise.resolve();
    },
    close() {
      clearInterval(timer);
      return Promise.resolve();
    },
  };
}

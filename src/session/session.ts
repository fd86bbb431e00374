/**
 * A chat session as it is stored: plain versioned JSON, so it can live in memory, Redis or
 * SQL and survive restarts. A stored session of another version is dropped, not misread.
 */
import { z } from 'zod';
import { Lang, type HistoryFrame } from '../protocol/frames.js';

export const SESSION_VERSION = 1;

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

export interface Session {
  v: typeof SESSION_VERSION;
  id: string;
  createdAt: number;
  updatedAt: number;
  lang: Lang;
  channel: string;
  /** Highest seq given to a frame of this session. */
  seq: number;
  history: HistoryFrame[];
  /** Client message ids already handled, newest last. */
  seenIds: string[];
  assistantState: unknown;
  identity?: Identity;
}

const StoredSessionShape = z.object({
  v: z.literal(SESSION_VERSION),
  id: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  lang: Lang,
  channel: z.string(),
  seq: z.number(),
  history: z.array(z.any()),
  seenIds: z.array(z.string()),
  assistantState: z.unknown(),
  identity: z.object({ subject: z.string(), name: z.string() }).optional(),
});

/** Parses a stored session; undefined when it is of another version or shape. */
export function restoreSession(stored: unknown): Session | undefined {
  const parsed = StoredSessionShape.safeParse(stored);
  return parsed.success ? parsed.data : undefined;
}

export interface SessionStore {
  get(id: string): Promise<Session | undefined>;
  set(session: Session): Promise<void>;
  delete(id: string): Promise<void>;
  close(): Promise<void>;
}

/** The embedded default: one process, sessions forgotten after `ttlMs` unused. */
export function createMemorySessionStore(options: {
  ttlMs: number;
  now?: () => number;
}): SessionStore {
  const now = options.now ?? Date.now;
  const sessions = new Map<string, string>();
  const expiry = new Map<string, number>();
  const sweep = () => {
    const t = now();
    for (const [id, at] of expiry) {
      if (at <= t) {
        expiry.delete(id);
        sessions.delete(id);
      }
    }
  };
  const timer = setInterval(sweep, Math.min(options.ttlMs, 60_000));
  timer.unref();
  return {
    get(id) {
      const at = expiry.get(id);
      if (at === undefined || at <= now()) return Promise.resolve(undefined);
      const raw = sessions.get(id);
      // Stored as JSON text so the memory store behaves like the shared ones (no aliasing).
      return Promise.resolve(raw === undefined ? undefined : restoreSession(JSON.parse(raw)));
    },
    set(session) {
      sessions.set(session.id, JSON.stringify(session));
      expiry.set(session.id, now() + options.ttlMs);
      return Promise.resolve();
    },
    delete(id) {
      sessions.delete(id);
      expiry.delete(id);
      return Promise.resolve();
    },
    close() {
      clearInterval(timer);
      return Promise.resolve();
    },
  };
}

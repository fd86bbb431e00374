/**
 * Redis adapters for running several instances behind one widget population:
 *
 * - sessions: the small state in a hash (`rev`, `seq`, `state` JSON) and the history in a list
 *   of frames, both with a TTL. A turn's commit is one script call (one round trip): it checks
 *   the stored revision is still the one the turn started from, writes the state, appends the
 *   frames and trims the list. The instance keeps the state it committed last, so the next turn
 *   of the conversation on this instance starts without a read: one round trip per turn.
 *   Nothing serialises the whole history per turn.
 * - the hub over pub/sub, so a frame produced on one instance reaches sockets on every other,
 *   and a conversation's other listeners are dropped everywhere when its identity changes.
 *   Pub/sub keeps nothing for a subscriber that is away: when the subscription comes back
 *   after a fault, every listener on this instance is told (`onResync`) and catches up from
 *   the stored history (src/session/follow.ts);
 * - a small bus for other shared notices (the handover queue changed).
 */
import { Redis, type Result } from 'ioredis';
import type { HistoryFrame, ServerFrame } from '../protocol/frames.js';
import type { Logger } from '../logger.js';
import { createListeners, type SessionHub } from './chat-service.js';
import {
  HISTORY_LIMIT,
  restoreSession,
  type Session,
  type SessionSnapshot,
  type SessionStore,
} from './session.js';

export interface RedisOptions {
  url: string;
  /** Prefix of every key and channel, so deployments (and tests) can share a server. */
  prefix: string;
  logger: Logger;
}

/** Topic messages between instances (JSON payloads). */
export interface Bus {
  publish(topic: string, payload: unknown): void;
  /**
   * `onResync`: messages of the topic may have been missed (the pub/sub subscription came back
   * after a fault); the listener refreshes what it derives from them.
   */
  subscribe(
    topic: string,
    listener: (payload: unknown) => void,
    options?: { onResync?: () => void },
  ): () => void;
}

interface TopicListener {
  listener: (payload: unknown) => void;
  onResync?: (() => void) | undefined;
}

/** Adds a listener to a topic's set; answers its removal. */
function addTopicListener(
  topics: Map<string, Set<TopicListener>>,
  topic: string,
  listener: TopicListener,
): () => void {
  let set = topics.get(topic);
  if (!set) topics.set(topic, (set = new Set()));
  set.add(listener);
  const own = set;
  return () => own.delete(listener);
}

export interface RedisSessionBackend {
  /** The command connection, for other shared state (e.g. the status subject index). */
  client: Redis;
  store: SessionStore;
  hub: SessionHub & { sessionIds(): string[] };
  bus: Bus;
  /** Resolves once the pub/sub subscription is active (first time; never rejects). */
  ready: Promise<void>;
  /**
   * Resolves once the subscription is active or the first connection attempt failed: what the
   * server waits for before it listens. Redis down at start-up does not stop the server; it
   * listens, not ready, and subscribes when Redis comes (docs/operations.md).
   */
  started: Promise<void>;
  /** Why the subscription is not active (the last connection error), undefined while it is. */
  problem(): string | undefined;
  /**
   * Whether the pub/sub subscription is active now (Redis confirmed it). Replies reach this
   * instance's sockets through it: while it is away, replies published are not delivered here
   * live (the sockets catch up from history when it is back), so the instance is not ready
   * (GET /ready) until it is up again.
   */
  subscribed(): boolean;
  close(): Promise<void>;
}

// KEYS: state hash, history list. ARGV: expected revision (-1: must not exist), new seq, state
// JSON, ttl ms, history limit, frames... Answers the new revision, or 0 when the stored one
// moved on (another instance committed a turn since this one read the state).
const COMMIT = `
local cur = redis.call('HGET', KEYS[1], 'rev')
if ARGV[1] == '-1' then
  if cur then return 0 end
elseif cur ~= ARGV[1] then
  return 0
end
local rev = redis.call('HINCRBY', KEYS[1], 'rev', 1)
redis.call('HSET', KEYS[1], 'seq', ARGV[2], 'state', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
if #ARGV > 5 then
  redis.call('RPUSH', KEYS[2], unpack(ARGV, 6))
  redis.call('LTRIM', KEYS[2], -tonumber(ARGV[5]), -1)
end
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return rev
`;

// KEYS: state hash, history list. ARGV: seq, history limit. Answers {state JSON, revision,
// {frames after the seq}}, or nothing when the session is unknown. The history holds the
// frames in seq order, one seq each, ending at the stored seq: the frames after `seq` are its
// last (stored seq - seq) entries.
const READ_AFTER = `
local v = redis.call('HMGET', KEYS[1], 'state', 'rev', 'seq')
if not v[1] then return {} end
local n = math.min(tonumber(v[3]) - tonumber(ARGV[1]), tonumber(ARGV[2]))
local frames = {}
if n > 0 then frames = redis.call('LRANGE', KEYS[2], -n, -1) end
return {v[1], v[2], frames}
`;

/** Attempts of a publish, and the pause before the next one (times the attempt). */
const PUBLISH_ATTEMPTS = 4;
const PUBLISH_RETRY_MS = 250;

/** Sessions whose state this instance read or wrote last, kept to skip the read next turn. */
const CACHE_LIMIT = 10_000;

type Message =
  | { s: string; f: ServerFrame[]; r?: undefined }
  | { s: string; r: { keep?: string }; f?: undefined }
  | { t: string; p: unknown; s?: undefined };

declare module 'ioredis' {
  interface RedisCommander<Context> {
    sessionCommit(
      stateKey: string,
      historyKey: string,
      ...args: (string | number)[]
    ): Result<number, Context>;
    sessionReadAfter(
      stateKey: string,
      historyKey: string,
      afterSeq: number,
      limit: number,
    ): Result<[] | [string, string, string[]], Context>;
  }
}

export function createRedisSessionBackend(
  options: RedisOptions & { ttlMs: number },
): RedisSessionBackend {
  const { prefix, logger, ttlMs } = options;
  const client = new Redis(options.url, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const subscriber = client.duplicate();
  // The last connection error, told by /health and /ready while the subscription is away.
  let lastError: string | undefined;
  client.on('error', (err) => {
    lastError = err.message;
    logger.warn({ err: err.message }, 'redis error');
  });
  subscriber.on('error', (err) => {
    lastError = err.message;
    logger.warn({ err: err.message }, 'redis subscriber error');
  });
  client.defineCommand('sessionCommit', { numberOfKeys: 2, lua: COMMIT });
  client.defineCommand('sessionReadAfter', { numberOfKeys: 2, lua: READ_AFTER });

  const stateKey = (id: string) => `${prefix}s:${id}`;
  const historyKey = (id: string) => `${prefix}h:${id}`;
  const channel = `${prefix}frames`;

  // The state this instance committed or read last, with its revision: a turn starts from it
  // without a read, and the commit (compare-and-set on the revision) fails if another
  // instance committed since; the pipeline then runs the turn again on a fresh read.
  const cache = new Map<string, { session: Session; rev: number; at: number }>();
  // The revision of every state this store answered or committed: a commit expects the one of
  // the state its turn started from (`base`), whatever was read into the cache since.
  const revs = new WeakMap<Session, number>();
  const remember = (session: Session, rev: number) => {
    revs.set(session, rev);
    cache.delete(session.id);
    if (cache.size >= CACHE_LIMIT) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    cache.set(session.id, { session, rev, at: Date.now() });
  };

  const store: SessionStore = {
    async load(id, opts) {
      const cached = cache.get(id);
      if (cached && !opts?.fresh && Date.now() - cached.at < ttlMs) return cached.session;
      const [raw, rev] = await client.hmget(stateKey(id), 'state', 'rev');
      if (raw === null || raw === undefined) {
        cache.delete(id);
        return undefined;
      }
      const session = restoreSession(JSON.parse(raw));
      if (session) remember(session, Number(rev ?? 0));
      else cache.delete(id);
      return session;
    },
    async history(id, afterSeq) {
      const [[, exists], [, raw]] = (await client
        .multi()
        .exists(stateKey(id))
        .lrange(historyKey(id), -HISTORY_LIMIT, -1)
        .exec()) as [[null, number], [null, string[]]];
      if (!exists) return undefined;
      const frames: HistoryFrame[] = [];
      for (const r of raw) {
        const f = JSON.parse(r) as HistoryFrame;
        if (f.seq > afterSeq) frames.push(f);
      }
      return frames;
    },
    async readMany(afterSeq) {
      const read = new Map<string, SessionSnapshot>();
      if (afterSeq.size === 0) return read;
      const pipeline = client.pipeline();
      for (const [id, seq] of afterSeq)
        pipeline.sessionReadAfter(stateKey(id), historyKey(id), seq, HISTORY_LIMIT);
      const answers = (await pipeline.exec()) ?? [];
      let i = 0;
      for (const [id, seq] of afterSeq) {
        const [err, answer] = answers[i++] ?? [];
        if (err) throw err;
        const [raw, rev, frames] = (answer ?? []) as [] | [string, string, string[]];
        if (raw === undefined || frames === undefined) continue;
        const session = restoreSession(JSON.parse(raw));
        if (!session) continue;
        remember(session, Number(rev));
        read.set(id, {
          session,
          frames: frames.map((f) => JSON.parse(f) as HistoryFrame).filter((f) => f.seq > seq),
        });
      }
      return read;
    },
    async commit(session, frames, expectedSeq, base) {
      const expected =
        expectedSeq < 0 ? -1 : base ? (revs.get(base) ?? 0) : (cache.get(session.id)?.rev ?? 0);
      const rev = await client.sessionCommit(
        stateKey(session.id),
        historyKey(session.id),
        String(expected),
        String(session.seq),
        JSON.stringify(session),
        ttlMs,
        HISTORY_LIMIT,
        ...frames.map((f) => JSON.stringify(f)),
      );
      if (rev === 0) {
        cache.delete(session.id);
        return false;
      }
      remember(session, rev);
      return true;
    },
    async delete(id) {
      cache.delete(id);
      await client.del(stateKey(id), historyKey(id));
    },
    close: () => Promise.resolve(),
  };

  const listeners = createListeners();
  let closing = false;
  const topics = new Map<string, Set<TopicListener>>();
  // Subscribed again on every reconnection: ioredis subscribes again by itself too (once it
  // has been subscribed), and this SUBSCRIBE is answered after its own. Once Redis confirms it
  // after a fault, the listeners here catch up on what was published while the subscription
  // was away. Redis down at start-up: the first SUBSCRIBE fails after ioredis' retries, and the
  // one sent when the connection is ready at last makes the instance live.
  let live = false;
  let wasLive = false;
  let becameLive!: () => void;
  const ready = new Promise<void>((resolve) => (becameLive = resolve));
  const onSubscribed = () => {
    if (live || subscriber.status !== 'ready') return;
    live = true;
    if (wasLive) {
      logger.info('redis subscription back: listeners catch up from history');
      listeners.resync();
      for (const set of topics.values()) for (const t of set) t.onResync?.();
    } else logger.info('redis subscription active');
    wasLive = true;
    becameLive();
  };
  let subscribing = false;
  const subscribe = () => {
    if (subscribing || closing) return;
    subscribing = true;
    subscriber
      .subscribe(channel)
      .then(onSubscribed, (err: unknown) => {
        if (!closing) logger.warn({ err }, 'redis subscribe failed; tried again on reconnection');
      })
      .finally(() => (subscribing = false));
  };
  subscribe();
  const started = Promise.race([
    ready,
    new Promise<void>((resolve) => subscriber.once('error', () => resolve())),
  ]);
  subscriber.on('close', () => (live = false));
  subscriber.on('ready', () => {
    if (!live) subscribe();
  });
  subscriber.on('message', (_channel: string, message: string) => {
    let m: Message;
    try {
      m = JSON.parse(message) as Message;
    } catch {
      return;
    }
    if (m.s === undefined) {
      for (const l of topics.get(m.t) ?? []) l.listener(m.p);
    } else if (m.r) listeners.revoke(m.s, m.r.keep);
    else if (m.f) listeners.deliver(m.s, m.f);
  });
  // A publish that fails after its turn was committed is tried again (bounded): the frames are
  // in history, but without a later frame (a seq gap) or a comeback of the subscription
  // nothing would make the sockets catch up. When every attempt fails, the listeners of the
  // conversation on this instance catch up from history; those elsewhere catch up on their
  // next frame or when their own subscription comes back (Redis was away).
  const send = (m: Message, attempt = 1) => {
    client.publish(channel, JSON.stringify(m)).catch((err: unknown) => {
      if (closing) return;
      if (attempt < PUBLISH_ATTEMPTS) {
        setTimeout(() => send(m, attempt + 1), PUBLISH_RETRY_MS * attempt).unref();
        return;
      }
      logger.warn({ err }, 'redis publish failed');
      if (m.s !== undefined) listeners.resync(m.s);
    });
  };

  const hub: RedisSessionBackend['hub'] = {
    publish: (sessionId, ...frames) => send({ s: sessionId, f: frames }),
    subscribe: (sessionId, listener, opts) => listeners.add(sessionId, listener, opts),
    revoke: (sessionId, keep) => send({ s: sessionId, r: keep === undefined ? {} : { keep } }),
    sessionIds: listeners.sessionIds,
    close: () => Promise.resolve(),
  };

  const bus: Bus = {
    publish: (topic, payload) => send({ t: topic, p: payload }),
    subscribe: (topic, listener, opts) =>
      addTopicListener(topics, topic, { listener, onResync: opts?.onResync }),
  };

  return {
    client,
    store,
    hub,
    bus,
    ready,
    started,
    subscribed: () => live,
    problem: () => (live ? undefined : (lastError ?? 'subscribing')),
    async close() {
      closing = true;
      listeners.clear();
      topics.clear();
      // A connection that is not up (Redis away) is dropped: QUIT would wait for it.
      const end = (c: Redis) => (c.status === 'ready' ? c.quit() : (c.disconnect(), undefined));
      await Promise.allSettled([end(subscriber), end(client)]);
    },
  };
}

/** The same bus in one process (no Redis). */
export function createMemoryBus(): Bus {
  const topics = new Map<string, Set<TopicListener>>();
  return {
    publish(topic, payload) {
      for (const l of topics.get(topic) ?? []) l.listener(payload);
    },
    // In one process nothing is missed: `onResync` is never called.
    subscribe: (topic, listener) => addTopicListener(topics, topic, { listener }),
  };
}

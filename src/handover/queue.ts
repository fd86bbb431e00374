/**
 * The live handover's shared state behind one port: who waits in the queue (in order), who is
 * with which agent, when each waiting tab was last seen, and recent handling times (for the
 * estimated wait). In memory for one instance; in Redis when several instances serve the same
 * people and staff, so a conversation queued on one instance is taken by an agent on another.
 */
import type { Redis, Result } from 'ioredis';
import type { Lang } from '../protocol/frames.js';

export interface QueueEntry {
  sessionId: string;
  state: 'queued' | 'connected';
  /** When it joined the queue, or (connected) when the agent took it. */
  since: number;
  /** When it joined the queue. */
  queuedAt: number;
  lang: Lang;
  lifeEvents: string[];
  /** The person's last message before asking for a person, redacted. */
  question?: string;
  agent?: string;
}

export interface Handled {
  /** How long an agent had the conversation. */
  ms: number;
  agent: string;
  at: number;
}

export interface HandoverQueuePort {
  /** Adds the entry at the end (unless already there); answers its 1-based position. */
  enqueue(entry: QueueEntry): Promise<number>;
  /** Removes the entry; answers it with its queue position when it was queued (0 otherwise). */
  remove(sessionId: string): Promise<{ entry: QueueEntry; position: number } | undefined>;
  /** Atomically gives a queued entry to `agent`; undefined when it is not queued any more. */
  assign(sessionId: string, agent: string, at: number): Promise<QueueEntry | undefined>;
  get(sessionId: string): Promise<QueueEntry | undefined>;
  /** Queued entries in order, then the connected ones. */
  list(): Promise<QueueEntry[]>;
  /** The tabs of these conversations are open (presence); keeps them in the queue. */
  touch(sessionIds: string[], at: number): Promise<void>;
  /** Queued entries not seen since `before` (their tab was closed). */
  stale(before: number): Promise<string[]>;
  recordHandled(handled: Handled): Promise<void>;
  /** The most recent handling times, newest first. */
  recentHandled(): Promise<Handled[]>;
  close(): Promise<void>;
}

const RECENT = 20;

export function createMemoryHandoverQueue(): HandoverQueuePort {
  const entries = new Map<string, QueueEntry>();
  const seen = new Map<string, number>();
  let handled: Handled[] = [];
  const queued = () => [...entries.values()].filter((e) => e.state === 'queued');
  return {
    enqueue(entry) {
      if (!entries.has(entry.sessionId)) {
        entries.set(entry.sessionId, entry);
        seen.set(entry.sessionId, entry.queuedAt);
      }
      return Promise.resolve(queued().findIndex((e) => e.sessionId === entry.sessionId) + 1);
    },
    remove(sessionId) {
      const entry = entries.get(sessionId);
      if (!entry) return Promise.resolve(undefined);
      const position = queued().indexOf(entry) + 1;
      entries.delete(sessionId);
      seen.delete(sessionId);
      return Promise.resolve({ entry, position });
    },
    assign(sessionId, agent, at) {
      const entry = entries.get(sessionId);
      if (entry?.state !== 'queued') return Promise.resolve(undefined);
      const next: QueueEntry = { ...entry, state: 'connected', agent, since: at };
      // Connected entries keep their place in the map, after the queued ones in `list`.
      entries.delete(sessionId);
      entries.set(sessionId, next);
      seen.delete(sessionId);
      return Promise.resolve(next);
    },
    get: (sessionId) => Promise.resolve(entries.get(sessionId)),
    list: () =>
      Promise.resolve([...queued(), ...[...entries.values()].filter((e) => e.state !== 'queued')]),
    touch(sessionIds, at) {
      for (const id of sessionIds) if (seen.has(id)) seen.set(id, at);
      return Promise.resolve();
    },
    stale(before) {
      return Promise.resolve([...seen].filter(([, at]) => at < before).map(([id]) => id));
    },
    recordHandled(h) {
      handled = [h, ...handled].slice(0, RECENT);
      return Promise.resolve();
    },
    recentHandled: () => Promise.resolve([...handled]),
    close() {
      entries.clear();
      seen.clear();
      return Promise.resolve();
    },
  };
}

// KEYS: entries hash, queue zset, seen zset. ARGV: session id, agent, at.
const ASSIGN = `
if redis.call('ZREM', KEYS[2], ARGV[1]) == 0 then return false end
redis.call('ZREM', KEYS[3], ARGV[1])
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return false end
local e = cjson.decode(raw)
e.state = 'connected'
e.agent = ARGV[2]
e.since = tonumber(ARGV[3])
local out = cjson.encode(e)
redis.call('HSET', KEYS[1], ARGV[1], out)
return out
`;

// KEYS: entries hash, queue zset, seen zset. ARGV: session id. Answers [entry, position].
const REMOVE = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return false end
local rank = redis.call('ZRANK', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
if rank then return {raw, rank + 1} end
return {raw, 0}
`;

// KEYS: entries hash, queue zset, seen zset. ARGV: session id, entry JSON, queued at.
const ENQUEUE = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  local seq = redis.call('HINCRBY', KEYS[1], '#seq', 1)
  redis.call('ZADD', KEYS[2], seq, ARGV[1])
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
end
local rank = redis.call('ZRANK', KEYS[2], ARGV[1])
if rank then return rank + 1 end
return 0
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    handoverAssign(
      entries: string,
      queue: string,
      seen: string,
      sessionId: string,
      agent: string,
      at: number,
    ): Result<string | null, Context>;
    handoverRemove(
      entries: string,
      queue: string,
      seen: string,
      sessionId: string,
    ): Result<[string, number] | null, Context>;
    handoverEnqueue(
      entries: string,
      queue: string,
      seen: string,
      sessionId: string,
      entry: string,
      at: number,
    ): Result<number, Context>;
  }
}

export function createRedisHandoverQueue(options: {
  client: Redis;
  prefix: string;
}): HandoverQueuePort {
  const { client, prefix } = options;
  const K = {
    entries: `${prefix}hq:entries`,
    queue: `${prefix}hq:queue`,
    seen: `${prefix}hq:seen`,
    handled: `${prefix}hq:handled`,
  };
  client.defineCommand('handoverAssign', { numberOfKeys: 3, lua: ASSIGN });
  client.defineCommand('handoverRemove', { numberOfKeys: 3, lua: REMOVE });
  client.defineCommand('handoverEnqueue', { numberOfKeys: 3, lua: ENQUEUE });
  const parse = (raw: string) => {
    const e = JSON.parse(raw) as QueueEntry;
    // Redis' cjson writes an empty array as an empty object.
    if (!Array.isArray(e.lifeEvents)) e.lifeEvents = [];
    return e;
  };
  return {
    enqueue: (entry) =>
      client.handoverEnqueue(
        K.entries,
        K.queue,
        K.seen,
        entry.sessionId,
        JSON.stringify(entry),
        entry.queuedAt,
      ),
    async remove(sessionId) {
      const r = await client.handoverRemove(K.entries, K.queue, K.seen, sessionId);
      return r ? { entry: parse(r[0]), position: Number(r[1]) } : undefined;
    },
    async assign(sessionId, agent, at) {
      const raw = await client.handoverAssign(K.entries, K.queue, K.seen, sessionId, agent, at);
      return raw ? parse(raw) : undefined;
    },
    async get(sessionId) {
      const raw = await client.hget(K.entries, sessionId);
      return raw ? parse(raw) : undefined;
    },
    async list() {
      const [[, order], [, all]] = (await client
        .multi()
        .zrange(K.queue, 0, -1)
        .hgetall(K.entries)
        .exec()) as [[null, string[]], [null, Record<string, string>]];
      const byId = new Map<string, QueueEntry>();
      for (const [id, raw] of Object.entries(all)) if (id !== '#seq') byId.set(id, parse(raw));
      const queued = order.flatMap((id) => {
        const e = byId.get(id);
        return e ? [e] : [];
      });
      const connected = [...byId.values()].filter((e) => e.state === 'connected');
      return [...queued, ...connected];
    },
    async touch(sessionIds, at) {
      if (sessionIds.length === 0) return;
      const m = client.multi();
      for (const id of sessionIds) m.zadd(K.seen, 'XX', at, id);
      await m.exec();
    },
    stale: (before) => client.zrangebyscore(K.seen, '-inf', `(${before}`),
    async recordHandled(h) {
      await client
        .multi()
        .lpush(K.handled, JSON.stringify(h))
        .ltrim(K.handled, 0, RECENT - 1)
        .exec();
    },
    async recentHandled() {
      const raw = await client.lrange(K.handled, 0, RECENT - 1);
      return raw.map((r) => JSON.parse(r) as Handled);
    },
    close: () => Promise.resolve(),
  };
}

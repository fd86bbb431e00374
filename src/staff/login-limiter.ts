/**
 * Staff sign-in attempts, counted before any password is hashed. A port with two adapters:
 * in memory (one instance, the default) and Redis (several instances count together).
 *
 * `attempt` is atomic: it either counts one attempt against every key or, when one of them
 * has reached its limit, counts nothing and answers how long the lock lasts. So 30 parallel
 * wrong passwords get at most `limit` checks and the rest are refused before hashing; the
 * right password arriving in the same burst is refused too while the lock holds.
 */
import type { Redis } from 'ioredis';

export interface AttemptKey {
  key: string;
  /** Attempts allowed in the window; the next one is refused. */
  limit: number;
}

export type AttemptResult = { type: 'counted' } | { type: 'locked'; retryAfterMs: number };

export interface LoginLimiter {
  /** Counts one attempt against every key, unless one of them is locked (then counts none). */
  attempt(keys: readonly AttemptKey[], windowMs: number): Promise<AttemptResult>;
  /** A successful sign-in: forgets the failures of `clear`, gives back one attempt of `refund`. */
  succeeded(clear: readonly string[], refund: readonly string[]): Promise<void>;
}

export function createMemoryLoginLimiter(now: () => number = Date.now): LoginLimiter {
  const counts = new Map<string, { n: number; until: number }>();
  const live = (key: string, t: number) => {
    const c = counts.get(key);
    if (c && c.until <= t) {
      counts.delete(key);
      return undefined;
    }
    return c;
  };
  return {
    attempt(keys, windowMs) {
      const t = now();
      let wait = 0;
      for (const k of keys) {
        const c = live(k.key, t);
        if (c && c.n >= k.limit) wait = Math.max(wait, c.until - t);
      }
      if (wait > 0) return Promise.resolve({ type: 'locked', retryAfterMs: wait });
      // Every attempt restarts the window: the lock lasts windowMs after the last counted one.
      for (const k of keys) {
        const c = live(k.key, t);
        counts.set(k.key, { n: (c?.n ?? 0) + 1, until: t + windowMs });
      }
      if (counts.size > 50_000) for (const key of [...counts.keys()]) live(key, t);
      return Promise.resolve({ type: 'counted' });
    },
    succeeded(clear, refund) {
      for (const key of clear) counts.delete(key);
      for (const key of refund) {
        const c = live(key, now());
        if (c) c.n = Math.max(0, c.n - 1);
      }
      return Promise.resolve();
    },
  };
}

/**
 * KEYS: the counters; ARGV: window ms, then one limit per key. Locked: {0, ms left};
 * counted: {1}. Runs as one script, so two instances never both take the last attempt.
 */
const ATTEMPT_SCRIPT = `
local wait = 0
for i, key in ipairs(KEYS) do
  local n = tonumber(redis.call('GET', key) or '0')
  if n >= tonumber(ARGV[i + 1]) then
    local ttl = redis.call('PTTL', key)
    if ttl > wait then wait = ttl end
  end
end
if wait > 0 then return {0, wait} end
for _, key in ipairs(KEYS) do
  redis.call('INCR', key)
  redis.call('PEXPIRE', key, ARGV[1])
end
return {1}
`;

const SUCCEEDED_SCRIPT = `
for i, key in ipairs(KEYS) do
  if i <= tonumber(ARGV[1]) then
    redis.call('DEL', key)
  elseif tonumber(redis.call('GET', key) or '0') > 0 then
    redis.call('DECR', key)
  end
end
return 1
`;

export interface RedisLoginLimiterOptions {
  client: Redis;
  /** Key prefix of the deployment (REDIS_PREFIX). */
  prefix: string;
}

export function createRedisLoginLimiter(options: RedisLoginLimiterOptions): LoginLimiter {
  const { client } = options;
  const k = (key: string) => `${options.prefix}staff-login:${key}`;
  return {
    async attempt(keys, windowMs) {
      const result = (await client.eval(
        ATTEMPT_SCRIPT,
        keys.length,
        ...keys.map((x) => k(x.key)),
        String(windowMs),
        ...keys.map((x) => String(x.limit)),
      )) as number[];
      return result[0] === 1
        ? { type: 'counted' }
        : { type: 'locked', retryAfterMs: Math.max(1, Number(result[1])) };
    },
    async succeeded(clear, refund) {
      await client.eval(
        SUCCEEDED_SCRIPT,
        clear.length + refund.length,
        ...[...clear, ...refund].map(k),
        String(clear.length),
      );
    },
  };
}

/**
 * At most `max` password hashes at once (scrypt takes 32 MiB and ~50-100 ms of a core each);
 * up to `queue` more wait their turn, beyond that the sign-in is refused as busy.
 */
export function createHashGate(max: number, queue: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  let peak = 0;
  return {
    /** Runs `work` when a slot is free; undefined when too many are already waiting. */
    async run<T>(work: () => Promise<T>): Promise<T | undefined> {
      if (running >= max) {
        if (waiting.length >= queue) return undefined;
        await new Promise<void>((resolve) => waiting.push(resolve));
      } else running += 1;
      peak = Math.max(peak, running);
      try {
        return await work();
      } finally {
        const next = waiting.shift();
        // The slot passes straight to the next in line; `running` stays the same then.
        if (next) next();
        else running -= 1;
      }
    },
    get running() {
      return running;
    },
    /** Most hashes that ran at once (for tests and metrics). */
    get peak() {
      return peak;
    },
  };
}

/**
 * The status webhook's replay guard behind a port: an event id is accepted once within the
 * window, on whichever instance receives it. In memory for one instance; in Redis (SET NX with
 * an expiry, one atomic command) when several instances share the traffic, so a replayed event
 * is refused by the other instance too.
 */
import type { Redis } from 'ioredis';
import { createReplayGuard } from './status-events.js';

export interface ReplayGuardPort {
  /** True the first time `id` is seen within the window. */
  firstTime(id: string): Promise<boolean>;
}

export function createMemoryReplayGuard(options: {
  ttlMs: number;
  maxEntries?: number;
  now?: () => number;
}): ReplayGuardPort {
  const guard = createReplayGuard({
    ttlMs: options.ttlMs,
    maxEntries: options.maxEntries ?? 100_000,
    now: options.now ?? Date.now,
  });
  return { firstTime: (id) => Promise.resolve(guard.firstTime(id)) };
}

export function createRedisReplayGuard(options: {
  client: Redis;
  prefix: string;
  ttlMs: number;
}): ReplayGuardPort {
  const { client, prefix, ttlMs } = options;
  return {
    async firstTime(id) {
      const ok = await client.set(`${prefix}webhook:${id}`, '1', 'PX', ttlMs, 'NX');
      return ok === 'OK';
    },
  };
}

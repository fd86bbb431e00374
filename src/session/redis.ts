/**
 * Redis adapters for running several instances behind one widget population: sessions as
 * JSON with a TTL, a per-session lock so two instances never interleave a turn, and a hub
 * over pub/sub so a frame produced on one instance reaches sockets on every other.
 */
import { Redis } from 'ioredis';
import type { ServerFrame } from '../protocol/frames.js';
import type { Logger } from '../logger.js';
import { createListeners, type SessionHub } from './chat-service.js';
import { restoreSession, type SessionStore } from './session.js';

export interface RedisOptions {
  url: string;
  /** Prefix of every key and channel, so deployments (and tests) can share a server. */
  prefix: string;
  logger: Logger;
}

export interface SessionLock {
  /** Runs `work` while no other instance runs work for the same session. */
  run<T>(sessionId: string, work: () => Promise<T>): Promise<T>;
}

export interface RedisSessionBackend {
  /** The command connection, for other shared state (e.g. the status subject index). */
  client: Redis;
  store: SessionStore;
  hub: SessionHub;
  lock: SessionLock;
  /** Resolves once the pub/sub subscription is active. */
  ready: Promise<void>;
  close(): Promise<void>;
}

const LOCK_TTL_MS = 10_000;
const LOCK_WAIT_MS = 5_000;

export function createRedisSessionBackend(
  options: RedisOptions & { ttlMs: number },
): RedisSessionBackend {
  const { prefix, logger, ttlMs } = options;
  const client = new Redis(options.url, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const subscriber = client.duplicate();
  client.on('error', (err) => logger.warn({ err: err.message }, 'redis error'));
  subscriber.on('error', (err) => logger.warn({ err: err.message }, 'redis subscriber error'));

  const key = (id: string) => `${prefix}session:${id}`;
  const channel = `${prefix}frames`;

  const store: SessionStore = {
    async get(id) {
      const raw = await client.get(key(id));
      if (raw === null) return undefined;
      return restoreSession(JSON.parse(raw));
    },
    async set(session) {
      await client.set(key(session.id), JSON.stringify(session), 'PX', ttlMs);
    },
    async delete(id) {
      await client.del(key(id));
    },
    close: () => Promise.resolve(),
  };

  const listeners = createListeners();
  const ready = subscriber.subscribe(channel).then(() => undefined);
  subscriber.on('message', (_channel: string, message: string) => {
    let parsed: { sessionId: string; frame: ServerFrame };
    try {
      parsed = JSON.parse(message) as { sessionId: string; frame: ServerFrame };
    } catch {
      return;
    }
    listeners.deliver(parsed.sessionId, parsed.frame);
  });

  const hub: SessionHub = {
    publish(sessionId, frame) {
      client.publish(channel, JSON.stringify({ sessionId, frame })).catch((err: unknown) => {
        logger.warn({ err }, 'redis publish failed');
      });
    },
    subscribe: (sessionId, listener) => listeners.add(sessionId, listener),
    close: () => Promise.resolve(),
  };

  const lock: SessionLock = {
    async run(sessionId, work) {
      const lockKey = `${prefix}lock:${sessionId}`;
      const token = crypto.randomUUID();
      const deadline = Date.now() + LOCK_WAIT_MS;
      for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
        const ok = await client.set(lockKey, token, 'PX', LOCK_TTL_MS, 'NX');
        if (ok === 'OK') break;
        if (Date.now() > deadline)
          throw new Error(`session ${sessionId} is busy on another instance`);
        await new Promise((r) => setTimeout(r, wait));
      }
      try {
        return await work();
      } finally {
        // Release only our own lock (it may have expired and been taken by another).
        await client.eval(
          "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
          1,
          lockKey,
          token,
        );
      }
    },
  };

  return {
    client,
    store,
    hub,
    lock,
    ready,
    async close() {
      listeners.clear();
      await ready.catch(() => undefined);
      await Promise.allSettled([subscriber.quit(), client.quit()]);
    },
  };
}

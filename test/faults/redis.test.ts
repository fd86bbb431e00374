/**
 * Redis stopped and restarted under a running server (issue 15): the process stays up, /health
 * stays 200 while /ready says Redis is down, a chat that needs Redis gets a clear error frame
 * instead of hanging, and everything works again once Redis is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chat } from '../helpers/faults.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/redis-server.js';
import { startServer, TestClient, type TestServer } from '../helpers/server.js';

/** Polls wait long: real servers on a shared, loaded machine. */
const POLL = { timeout: 30_000, interval: 100 };

let redis: PrivateRedis;
let server: TestServer;

beforeAll(async () => {
  redis = await startPrivateRedis();
  server = await startServer({ REDIS_URL: redis.url, PSEUDONYM_KEY: 'r'.repeat(32) });
});
afterAll(async () => {
  await server?.close();
  await redis?.stop();
});

async function ready(): Promise<{
  code: number;
  body: { status: string; checks: Record<string, string> };
}> {
  const res = await fetch(`${server.url}/ready`);
  return {
    code: res.status,
    body: (await res.json()) as { status: string; checks: Record<string, string> },
  };
}

describe('Redis stopped and restarted', () => {
  it('degrades clearly while Redis is down and recovers when it returns', async () => {
    expect(await ready()).toMatchObject({
      code: 200,
      body: { checks: { redis: 'ok', database: 'ok' } },
    });
    const before = await chat(server.wsUrl, 1);
    await before.client.close();

    await redis.stop();
    await expect.poll(async () => (await ready()).code, POLL).toBe(503);
    expect((await ready()).body.checks.redis).toMatch(/^down/);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);

    // A new conversation needs Redis: the client is told, the server does not hang or crash.
    const client = await TestClient.connect(server.wsUrl);
    client.send({ type: 'hello', v: 1, lang: 'et' });
    const error = await client.next('error', 15_000);
    expect(error.code).toBe('INTERNAL');
    await client.close();

    await redis.start();
    await expect.poll(async () => (await ready()).code, POLL).toBe(200);
    const after = await chat(server.wsUrl, 2);
    await after.client.close();
  }, 120_000);
});

describe('the pub/sub connection that carries replies', () => {
  it('is reported while it reconnects, and frames published after it is back arrive', async () => {
    const { createRedisSessionBackend } = await import('../../src/session/redis.js');
    const { pino } = await import('pino');
    const backend = createRedisSessionBackend({
      url: redis.url,
      prefix: `t-pubsub-${process.pid}:`,
      logger: pino({ level: 'silent' }),
      ttlMs: 60_000,
    });
    try {
      await backend.ready;
      expect(backend.subscribed()).toBe(true);
      await redis.stop();
      await expect.poll(() => backend.subscribed(), POLL).toBe(false);
      await redis.start();
      await expect.poll(() => backend.subscribed(), POLL).toBe(true);
      const got: unknown[] = [];
      backend.hub.subscribe('s1', (frame) => got.push(frame));
      backend.hub.publish('s1', { type: 'typing', on: true });
      await expect.poll(() => got.length, POLL).toBe(1);
    } finally {
      await backend.close();
    }
  }, 120_000);
});

/**
 * Redis down when the server starts (issue 14): the server listens anyway, /ready is 503 and
 * /health (still 200) says why, and it becomes ready, and chats, once Redis comes. Before, the
 * first SUBSCRIBE failed after ioredis' retries and `listen()` failed with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chat } from '../helpers/faults.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/redis-server.js';
import { startServer, type TestServer } from '../helpers/server.js';

/** Polls wait long: a real server on a shared, loaded machine. */
const POLL = { timeout: 30_000, interval: 100 };

let redis: PrivateRedis;
let server: TestServer | undefined;

beforeAll(async () => {
  redis = await startPrivateRedis();
  await redis.stop();
});
afterAll(async () => {
  await server?.close();
  await redis?.stop();
});

async function get(path: string): Promise<{ code: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server?.url}${path}`);
  return { code: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('Redis down at start-up', () => {
  it('starts not ready, says why, and becomes ready when Redis comes', async () => {
    server = await startServer({ REDIS_URL: redis.url, PSEUDONYM_KEY: 's'.repeat(32) });

    const ready = await get('/ready');
    expect(ready.code).toBe(503);
    expect(ready.body.status).toBe('not-ready');
    const checks = ready.body.checks as Record<string, string>;
    expect(checks.database).toBe('ok');
    expect(checks.redis).toMatch(/^down: not subscribed: .*ECONNREFUSED/);
    const health = await get('/health');
    expect(health.code).toBe(200);
    expect(health.body.status).toBe('ok');
    expect((health.body.problems as Record<string, string>).redis).toMatch(
      /^not subscribed: .*ECONNREFUSED/,
    );

    await redis.start();
    await expect.poll(async () => (await get('/ready')).code, POLL).toBe(200);
    expect((await get('/health')).body.problems).toBeUndefined();
    const { client } = await chat(server.wsUrl, 2);
    await client.close();
  }, 120_000);
});

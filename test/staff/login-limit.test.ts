import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHashGate,
  createMemoryLoginLimiter,
  createRedisLoginLimiter,
  type LoginLimiter,
} from '../../src/staff/login-limiter.js';
import { PASSWORD, StaffClient, startStaffServer, type StaffTestServer } from '../helpers/staff.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const keys = [
  { key: 'u', limit: 3 },
  { key: 'a', limit: 12 },
];

describe.each([
  ['memory', () => ({ limiter: createMemoryLoginLimiter(), close: () => Promise.resolve() })],
  [
    'redis',
    () => {
      const client = new Redis(REDIS_URL);
      const prefix = `test-limiter-${randomUUID()}:`;
      return {
        limiter: createRedisLoginLimiter({ client, prefix }),
        close: async () => {
          const found = await client.keys(`${prefix}*`);
          if (found.length) await client.del(...found);
          client.disconnect();
        },
      };
    },
  ],
] as const)('login limiter (%s)', (_name, make) => {
  let limiter: LoginLimiter;
  let close: () => Promise<void>;
  beforeAll(() => {
    ({ limiter, close } = make());
  });
  afterAll(() => close());

  it('counts parallel attempts atomically: exactly the limit is let through', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, () => limiter.attempt(keys, 60_000)),
    );
    expect(results.filter((r) => r.type === 'counted')).toHaveLength(3);
    const locked = results.find((r) => r.type === 'locked');
    expect(locked?.type === 'locked' && locked.retryAfterMs).toBeGreaterThan(50_000);
  });

  it('forgets a user key on success and gives back the address attempt', async () => {
    const mine = [
      { key: 'u2', limit: 2 },
      { key: 'a2', limit: 3 },
    ];
    expect((await limiter.attempt(mine, 60_000)).type).toBe('counted');
    expect((await limiter.attempt(mine, 60_000)).type).toBe('counted');
    expect((await limiter.attempt(mine, 60_000)).type).toBe('locked');
    await limiter.succeeded(['u2'], ['a2']);
    // The address had 2 of 3; one given back leaves room for two more.
    expect((await limiter.attempt(mine, 60_000)).type).toBe('counted');
    expect((await limiter.attempt(mine, 60_000)).type).toBe('counted');
    expect((await limiter.attempt(mine, 60_000)).type).toBe('locked');
  });
});

describe('hash gate', () => {
  it('runs at most `max` at once and refuses beyond the queue', async () => {
    const gate = createHashGate(2, 3);
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const runs = Array.from({ length: 7 }, () => gate.run(() => hold.then(() => 'done')));
    await expect.poll(() => gate.running).toBe(2);
    release();
    const results = await Promise.all(runs);
    expect(results.filter((r) => r === 'done')).toHaveLength(5);
    expect(results.filter((r) => r === undefined)).toHaveLength(2);
    expect(gate.peak).toBe(2);
  });
});

/** Fires `n` wrong sign-ins at once; as soon as the first is refused, the right password. */
async function burst(clients: StaffClient[], username: string, n: number) {
  let rightOne: Promise<number> | undefined;
  const started = performance.now();
  const wrong = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const client = clients[i % clients.length] as StaffClient;
      const { status } = await client.login(username, `wrong password ${i}`);
      if (status === 429 && !rightOne)
        rightOne = new StaffClient(client.base).login(username, PASSWORD).then((r) => r.status);
      return status;
    }),
  );
  return { wrong, right: await rightOne, ms: performance.now() - started };
}

describe('staff sign-in under a parallel burst', () => {
  let server: StaffTestServer;
  beforeAll(async () => {
    server = await startStaffServer({ STAFF_LOGIN_MAX_FAILURES: '5' }, [['anu', 'agent']]);
  });
  afterAll(() => server.close());

  it('checks only five of 30 parallel wrong passwords and refuses the right one meanwhile', async () => {
    const { wrong, right } = await burst([new StaffClient(server.url)], 'anu', 30);
    expect(wrong.filter((s) => s === 401)).toHaveLength(5);
    expect(wrong.filter((s) => s === 429)).toHaveLength(25);
    expect(right).toBe(429);
  });
});

describe('two instances sharing Redis', () => {
  let a: StaffTestServer;
  let b: StaffTestServer;
  const prefix = `test-staff-${randomUUID()}:`;
  const dataDir = mkdtempSync(join(tmpdir(), 'staff-two-'));
  beforeAll(async () => {
    const env = {
      STAFF_LOGIN_MAX_FAILURES: '5',
      REDIS_URL,
      REDIS_PREFIX: prefix,
      DATA_DIR: dataDir,
    };
    a = await startStaffServer(env, [['ada', 'admin']]);
    b = await startStaffServer(env, []);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    const redis = new Redis(REDIS_URL);
    const found = await redis.keys(`${prefix}*`);
    if (found.length) await redis.del(...found);
    redis.disconnect();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts a burst spread over both together and locks the user on both', async () => {
    const { wrong, right } = await burst(
      [new StaffClient(a.url), new StaffClient(b.url)],
      'ada',
      30,
    );
    expect(wrong.filter((s) => s === 401)).toHaveLength(5);
    expect(wrong.filter((s) => s === 429)).toHaveLength(25);
    expect(right).toBe(429);
    expect((await new StaffClient(a.url).login('ada')).status).toBe(429);
    expect((await new StaffClient(b.url).login('ada')).status).toBe(429);
  });
});

/**
 * Redis stopped and restarted under a running server (issue 15): the process stays up, /health
 * stays 200 while /ready says Redis is down, a chat that needs Redis gets a clear error frame
 * instead of hanging, and everything works again once Redis is back. And a reply published
 * while an instance's pub/sub subscription is away reaches that instance's open socket once it
 * is back, once and in order, and the agent's view of a conversation it holds too (issue 14).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../src/protocol/frames.js';
import { CLOSE_CODES } from '../../src/transport/ws-server.js';
import { chat, lastSeq, say } from '../helpers/faults.js';
import { SocketClient } from '../helpers/socket-client.js';
import { StaffClient, startStaffServer, type StaffTestServer } from '../helpers/staff.js';
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
      let resyncs = 0;
      backend.hub.subscribe('s0', () => undefined, { onResync: () => resyncs++ });
      await backend.ready;
      expect(backend.subscribed()).toBe(true);
      expect(resyncs).toBe(0);
      await redis.stop();
      await expect.poll(() => backend.subscribed(), POLL).toBe(false);
      await redis.start();
      await expect.poll(() => backend.subscribed(), POLL).toBe(true);
      // The listeners here are told they may have missed frames, once per comeback.
      expect(resyncs).toBe(1);
      const got: unknown[] = [];
      backend.hub.subscribe('s1', (frame) => got.push(frame));
      backend.hub.publish('s1', { type: 'typing', on: true });
      await expect.poll(() => got.length, POLL).toBe(1);
    } finally {
      await backend.close();
    }
  }, 120_000);
});

/**
 * Drops every pub/sub connection but `keep` (the instances' subscriptions) and refuses new
 * connections, so no instance subscribes again until the answered function lets them.
 */
async function cutSubscriptions(
  admin: Redis,
  maxClients: string,
  keep?: number,
): Promise<() => Promise<void>> {
  const clients = ((await admin.client('LIST')) as string).split('\n').filter(Boolean);
  const subscribers = clients
    .filter((line) => /\bflags=\S*P/.test(line))
    .map((line) => Number(/\bid=(\d+)/.exec(line)?.[1]))
    .filter((id) => id !== keep);
  expect(subscribers.length).toBeGreaterThanOrEqual(2);
  await admin.config('SET', 'maxclients', String(clients.length - subscribers.length));
  for (const id of subscribers) await admin.client('KILL', 'ID', String(id));
  return async () => {
    await admin.config('SET', 'maxclients', maxClients);
  };
}

const readyCode = async (server: TestServer) => (await fetch(`${server.url}/ready`)).status;

describe('a reply published while the subscription of an instance is away', () => {
  const prefix = `t-replay-${process.pid}:`;
  const env = () => ({
    REDIS_URL: redis.url,
    REDIS_PREFIX: prefix,
    PSEUDONYM_KEY: 'r'.repeat(32),
    AUTH_MODE: 'demo',
  });
  let a: TestServer;
  let b: TestServer;
  let admin: Redis;
  let spy: Redis;
  let spyId: number;
  let maxClients: string;
  /** Seqs of the frames the spy heard published on the frames channel. */
  const heard: number[] = [];

  beforeAll(async () => {
    a = await startServer(env());
    b = await startServer(env());
    admin = new Redis(redis.url);
    maxClients = ((await admin.config('GET', 'maxclients')) as string[])[1] ?? '10000';
    spy = new Redis(redis.url);
    spyId = Number(await spy.client('ID'));
    spy.on('message', (_channel: string, message: string) => {
      const m = JSON.parse(message) as { f?: { seq?: number }[] };
      for (const f of m.f ?? []) if (f.seq !== undefined) heard.push(f.seq);
    });
    await spy.subscribe(`${prefix}frames`);
  });
  afterAll(async () => {
    await admin?.config('SET', 'maxclients', maxClients);
    await Promise.all([a?.close(), b?.close()]);
    await Promise.allSettled([spy?.quit(), admin?.quit()]);
  });

  /** After the comeback: A is ready, a turn on it works, and every seq came once, in order. */
  async function goesOnWithNothingRepeated(client: Awaited<ReturnType<typeof chat>>['client']) {
    await expect.poll(() => readyCode(a), POLL).toBe(200);
    await say(client, 1);
    expect(seqs(client.frames)).toEqual(oneToN(lastSeq(client)));
    await client.close();
  }

  /** A turn of the conversation on instance `server` over REST; answers its last reply's seq. */
  async function restTurn(server: TestServer, sessionId: string, text: string): Promise<number> {
    const res = await fetch(`${server.url}/api/v1/conversations/${sessionId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    });
    expect(res.status).toBe(200);
    const { replies } = (await res.json()) as { replies: { seq: number }[] };
    expect(replies.length).toBeGreaterThan(0);
    return Math.max(...replies.map((r) => r.seq));
  }

  /** Every frame with a seq the socket got, in the order it got them. */
  const seqs = (frames: ServerFrame[]) => frames.flatMap((f) => ('seq' in f ? [f.seq] : []));
  const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  it('reaches the open socket when the subscription is back, once and in order', async () => {
    const { client, sessionId } = await chat(a.wsUrl, 1);
    const reopen = await cutSubscriptions(admin, maxClients, spyId);
    let last: number;
    try {
      await expect.poll(() => readyCode(a), POLL).toBe(503);
      const before = client.frames.length;
      // Instance B answers a turn of the conversation while A's subscription is away.
      last = await restTurn(b, sessionId, 'kuidas registreerida sünd?');
      await expect.poll(() => heard.includes(last), POLL).toBe(true);
      // It was published (the spy heard it), and A's socket did not get it.
      expect(seqs(client.frames.slice(before))).toEqual([]);
    } finally {
      await reopen();
    }
    await expect.poll(() => readyCode(a), POLL).toBe(200);
    await expect.poll(() => lastSeq(client), POLL).toBe(last);
    expect(seqs(client.frames)).toEqual(oneToN(last));
    // The conversation goes on, on A, with nothing repeated.
    await say(client, 1);
    expect(seqs(client.frames)).toEqual(oneToN(lastSeq(client)));
    await client.close();
  }, 120_000);

  it('brings the socket its own turn while the subscription stays away', async () => {
    const { client } = await chat(a.wsUrl, 1);
    const reopen = await cutSubscriptions(admin, maxClients, spyId);
    try {
      await expect.poll(() => readyCode(a), POLL).toBe(503);
      // A turn on A: committed and published, but A hears nothing of its own publish. The
      // socket knows the seq its turn committed and reads it from history after 2 s. Before,
      // it showed nothing until the subscription came back (here: not before the reopen).
      const id = 'own-turn';
      client.send({ type: 'message', id, text: 'kuidas registreerida sünd?' });
      const reply = await client.wait((f) => f.type === 'reply' && f.replyTo === id, 15_000);
      expect(reply.type).toBe('reply');
      expect(await readyCode(a)).toBe(503);
    } finally {
      await reopen();
    }
    await goesOnWithNothingRepeated(client);
  }, 120_000);

  it('repeats nothing when the subscription comes back and nothing was missed', async () => {
    const { client, sessionId } = await chat(a.wsUrl, 1);
    // A reply from B while A is subscribed arrives live.
    const last = await restTurn(b, sessionId, 'aitäh');
    await expect.poll(() => lastSeq(client), POLL).toBe(last);
    const reopen = await cutSubscriptions(admin, maxClients, spyId);
    try {
      await expect.poll(() => readyCode(a), POLL).toBe(503);
    } finally {
      await reopen();
    }
    await goesOnWithNothingRepeated(client);
  }, 120_000);

  it('drops a socket whose conversation was signed in elsewhere meanwhile', async () => {
    const { client, sessionId } = await chat(a.wsUrl, 1);
    const closed = new Promise<number>((resolve) => client.ws.once('close', resolve));
    const res = await fetch(`${b.url}/api/v1/demo/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ personId: 'olga-ojamaa' }),
    });
    const { token } = (await res.json()) as { token: string };
    const reopen = await cutSubscriptions(admin, maxClients, spyId);
    const signedIn = await TestClient.connect(b.wsUrl);
    try {
      await expect.poll(() => readyCode(a), POLL).toBe(503);
      // Signed in on B while A's subscription is away: A never hears the revoke.
      signedIn.send({ type: 'hello', v: 1, lang: 'en', sessionId, lastSeq: 0, token });
      expect((await signedIn.next('welcome', 15_000)).identity?.name).toContain('Olga');
    } finally {
      await reopen();
    }
    // When A is back, its socket catches up by the resume rule, which refuses it.
    expect(await closed).toBe(CLOSE_CODES.identityChanged);
    expect(JSON.stringify(client.frames)).not.toContain('Olga');
    await signedIn.close();
  }, 120_000);
});

describe('an agent holding a conversation while the subscription of its instance is away', () => {
  let a: StaffTestServer;
  let b: StaffTestServer;
  let admin: Redis;
  let maxClients: string;
  const dataDir = mkdtempSync(join(tmpdir(), 'redis-fault-agent-'));
  const prefix = `t-agent-${process.pid}:`;

  beforeAll(async () => {
    const env = {
      REDIS_URL: redis.url,
      REDIS_PREFIX: prefix,
      PSEUDONYM_KEY: 'r'.repeat(32),
      DATA_DIR: dataDir,
    };
    a = await startStaffServer(env);
    b = await startStaffServer(env, []);
    admin = new Redis(redis.url);
    maxClients = ((await admin.config('GET', 'maxclients')) as string[])[1] ?? '10000';
  });
  afterAll(async () => {
    await admin?.config('SET', 'maxclients', maxClients);
    await Promise.all([a?.close(), b?.close()]);
    await admin?.quit();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sees the message written meanwhile once it is back', async () => {
    const citizen = await TestClient.connect(b.wsUrl);
    citizen.send({ type: 'hello', v: 1, lang: 'en' });
    const { sessionId } = await citizen.next('welcome');
    citizen.send({ type: 'message', id: 'c1', text: 'a person please' });
    await citizen.wait((f) => f.type === 'reply' && f.blocks.some((x) => x.type === 'handover'));

    const staff = new StaffClient(a.url);
    await staff.login('anu');
    const agent = await SocketClient.connect<{ type: string } & Record<string, unknown>>(
      `${a.url.replace('http', 'ws')}/staff/ws`,
      { headers: { cookie: staff.cookie, origin: a.url } },
    );
    agent.send({ type: 'take', sessionId });
    await agent.wait((f) => f.type === 'history', 15_000);

    const isC2 = (f: Record<string, unknown>) =>
      f.type === 'frame' && (f.frame as { id?: string }).id === 'c2';
    const reopen = await cutSubscriptions(admin, maxClients);
    try {
      await expect.poll(() => readyCode(a), POLL).toBe(503);
      // Written on B, whose subscription is away too: stored, published, heard by no one.
      citizen.send({ type: 'message', id: 'c2', text: 'are you there?' });
      await expect
        .poll(async () => (await admin.lrange(`${prefix}h:${sessionId}`, 0, -1)).join(), POLL)
        .toContain('"id":"c2"');
      expect(agent.frames.some(isC2)).toBe(false);
    } finally {
      await reopen();
    }
    await agent.wait(isC2, 30_000);
    expect(agent.frames.filter(isC2)).toHaveLength(1);
    agent.ws.close();
    await citizen.close();
  }, 120_000);
});

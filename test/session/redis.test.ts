import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/status/status-events.js';
import { startServer, TestClient, type TestServer } from '../helpers/server.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = 'webhook-secret-for-tests-0123456789abcdef';
const prefix = `test-${process.pid}-${Date.now()}:`;

let a: TestServer;
let b: TestServer;
beforeAll(async () => {
  const env = {
    REDIS_URL,
    REDIS_PREFIX: prefix,
    AUTH_MODE: 'demo',
    STATUS_WEBHOOK_SECRET: SECRET,
    PSEUDONYM_KEY: 'p'.repeat(32),
  };
  [a, b] = await Promise.all([startServer(env), startServer(env)]);
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe('two instances sharing Redis', () => {
  it('resume on the other instance with the full history', async () => {
    const onA = await TestClient.connect(a.wsUrl);
    onA.send({ type: 'hello', v: 1, lang: 'en' });
    const welcome = await onA.next('welcome');
    await onA.next('reply');
    onA.send({ type: 'message', id: 'm1', text: 'hello' });
    await onA.next('reply');
    await onA.close();

    const onB = await TestClient.connect(b.wsUrl);
    onB.send({ type: 'hello', v: 1, lang: 'en', sessionId: welcome.sessionId, lastSeq: 0 });
    const resumed = await onB.next('welcome');
    expect(resumed).toMatchObject({ resumed: true, lastSeq: 3 });
    const seqs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const f = await (i === 1 ? onB.next('user') : onB.next('reply'));
      seqs.push(f.seq);
    }
    expect(seqs).toEqual([1, 2, 3]);
    await onB.close();
  });

  it('deliver a turn taken on one instance to a tab open on the other', async () => {
    const tab1 = await TestClient.connect(a.wsUrl);
    tab1.send({ type: 'hello', v: 1, lang: 'et' });
    const welcome = await tab1.next('welcome');
    await tab1.next('reply');

    const tab2 = await TestClient.connect(b.wsUrl);
    tab2.send({ type: 'hello', v: 1, lang: 'et', sessionId: welcome.sessionId, lastSeq: 1 });
    await tab2.next('welcome');
    tab2.send({ type: 'message', id: 'from-tab-2', text: 'tere' });

    const echoed = await tab1.next('user');
    expect(echoed.id).toBe('from-tab-2');
    const reply = await tab1.next('reply');
    expect(reply.replyTo).toBe('from-tab-2');

    // Back on the first instance, whose copy of the state is now behind: the turn runs again
    // on the fresh state and nothing is lost or numbered twice.
    tab1.send({ type: 'message', id: 'from-tab-1', text: 'aitäh' });
    const mine = await tab1.next('user');
    const answer = await tab1.next('reply');
    expect(mine.seq).toBe(reply.seq + 1);
    expect(answer).toMatchObject({ replyTo: 'from-tab-1', seq: mine.seq + 1 });
    await Promise.all([tab1.close(), tab2.close()]);
  });
});

describe('a status change with two instances', () => {
  it('reaches the person whichever instance received it', async () => {
    const signIn = await fetch(`${a.url}/api/v1/demo/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ personId: 'olga-ojamaa' }),
    });
    const { token } = (await signIn.json()) as { token: string };
    const onA = await TestClient.connect(a.wsUrl);
    onA.send({ type: 'hello', v: 1, lang: 'en', token });
    await onA.next('welcome');
    await new Promise((r) => setTimeout(r, 300)); // greeting and proactive message settle

    const raw = JSON.stringify({
      id: `evt-${Date.now()}`,
      type: 'service-changed',
      occurredAt: new Date().toISOString(),
      personalCode: '48803040009',
      lifeEvent: 'settling-in-estonia',
      service: { serviceId: 'settle-id-card', state: 'done', date: '2026-11-24' },
    });
    const t = Math.floor(Date.now() / 1000);
    const res = await fetch(`${b.url}/api/v1/status-events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': signWebhook(SECRET, raw, t) },
      body: raw,
    });
    expect(res.status).toBeLessThan(300);
    for (;;) {
      const reply = await onA.next('reply');
      if (reply.role !== 'system') continue;
      const items = reply.blocks.flatMap((x) => (x.type === 'status' ? x.items : []));
      if (items.some((i) => i.serviceId === 'settle-id-card' && i.state === 'done')) break;
    }
    // The index keys people by a keyed pseudonym, never by the personal code.
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    await redis.quit();
    expect(keys.some((k) => k.includes('48803040009'))).toBe(false);
    expect(keys.some((k) => k.startsWith(`${prefix}subject:`))).toBe(true);
    await onA.close();
  });
});

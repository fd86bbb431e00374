/**
 * Two real instances sharing Redis (and one staff database) behave as one: a conversation
 * queued on one is taken by an agent on the other, and a status event accepted by one is
 * refused as a replay by the other.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ReplyFrame } from '../../src/protocol/frames.js';
import { signWebhook } from '../../src/status/status-events.js';
import { TestClient } from '../helpers/server.js';
import { StaffClient, startStaffServer, type StaffTestServer } from '../helpers/staff.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = 'webhook-secret-for-tests-0123456789abcdef';
const prefix = `test-two-${process.pid}-${Date.now()}:`;
const dataDir = mkdtempSync(join(tmpdir(), 'two-instances-'));

let a: StaffTestServer;
let b: StaffTestServer;
beforeAll(async () => {
  const env = {
    REDIS_URL,
    REDIS_PREFIX: prefix,
    DATA_DIR: dataDir,
    STATUS_WEBHOOK_SECRET: SECRET,
    PSEUDONYM_KEY: 'p'.repeat(32),
  };
  a = await startStaffServer(env);
  b = await startStaffServer(env, []);
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Frames of an agent socket; `wait` takes the first that matches. */
async function agentOn(server: StaffTestServer, username: string) {
  const staff = new StaffClient(server.url);
  await staff.login(username);
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/staff/ws`, {
    headers: { cookie: staff.cookie, origin: server.url },
  });
  const frames: Record<string, unknown>[] = [];
  ws.on('message', (d: Buffer) => frames.push(JSON.parse(d.toString('utf8')) as never));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return {
    send: (f: object) => ws.send(JSON.stringify(f)),
    async wait(match: (f: Record<string, unknown>) => boolean) {
      await expect.poll(() => frames.some(match), { timeout: 5000 }).toBe(true);
      const f = frames.find(match) as Record<string, unknown>;
      frames.splice(frames.indexOf(f), 1);
      return f;
    },
    close: () => ws.close(),
  };
}

async function handoverBlock(c: TestClient) {
  for (;;) {
    const r: ReplyFrame = await c.next('reply');
    const block = r.blocks.find((x) => x.type === 'handover');
    if (block) return block;
  }
}

describe('two instances behind one load balancer', () => {
  it('hand a conversation queued on one instance to an agent on the other', async () => {
    const citizen = await TestClient.connect(a.wsUrl);
    citizen.send({ type: 'hello', v: 1, lang: 'en' });
    const { sessionId } = await citizen.next('welcome');
    await citizen.next('reply');
    citizen.send({ type: 'message', id: 'c1', text: 'a person please' });
    expect(await handoverBlock(citizen)).toMatchObject({ state: 'queued', position: 1 });

    const agent = await agentOn(b, 'anu');
    const queue = await agent.wait((f) => f.type === 'queue' && (f.queued as unknown[]).length > 0);
    expect(queue.queued).toEqual([expect.objectContaining({ sessionId, position: 1 })]);

    agent.send({ type: 'take', sessionId });
    const history = await agent.wait((f) => f.type === 'history');
    expect(JSON.stringify(history.frames)).toContain('a person please');
    expect(await handoverBlock(citizen)).toMatchObject({ state: 'connected' });

    // The citizen writes on A; the agent on B reads it and answers.
    citizen.send({ type: 'message', id: 'c2', text: 'are you a real person?' });
    const forwarded = await agent.wait(
      (f) => f.type === 'frame' && (f.frame as { type: string }).type === 'user',
    );
    expect(forwarded).toMatchObject({ sessionId, frame: { text: 'are you a real person?' } });
    agent.send({ type: 'say', sessionId, text: 'Yes, I am Anu.' });
    expect(await citizen.next('reply')).toMatchObject({ role: 'agent', text: 'Yes, I am Anu.' });

    // A second agent on A cannot take it: the assignment is shared.
    const other = await agentOn(a, 'ada');
    other.send({ type: 'take', sessionId });
    expect(await other.wait((f) => f.type === 'error')).toMatchObject({ code: 'NOT_QUEUED' });

    agent.send({ type: 'end', sessionId });
    expect(await handoverBlock(citizen)).toMatchObject({ state: 'ended' });
    agent.close();
    other.close();
    await citizen.close();
  });

  it('refuse on one instance a status event already accepted by the other', async () => {
    const raw = JSON.stringify({
      id: `evt-replay-${Date.now()}`,
      type: 'service-changed',
      occurredAt: new Date().toISOString(),
      personalCode: '48803040009',
      lifeEvent: 'settling-in-estonia',
      service: { serviceId: 'settle-id-card', state: 'done', date: '2026-11-24' },
    });
    const post = (server: StaffTestServer) =>
      fetch(`${server.url}/api/v1/status-events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-signature': signWebhook(SECRET, raw, Math.floor(Date.now() / 1000)),
        },
        body: raw,
      });
    expect((await post(a)).status).toBe(202);
    const replayed = await post(b);
    expect(replayed.status).toBe(409);
    expect(await replayed.json()).toMatchObject({ error: { code: 'REPLAYED_EVENT' } });
  });
});

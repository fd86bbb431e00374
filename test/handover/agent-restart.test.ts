/**
 * An agent's conversation survives a server restart: the handover state lives in Redis, and
 * the agent's new socket gets the conversations they hold (their history) and every new frame
 * of them, without taking them again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ReplyFrame } from '../../src/protocol/frames.js';
import { TestClient } from '../helpers/server.js';
import { StaffClient, startStaffServer, type StaffTestServer } from '../helpers/staff.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `test-agent-restart-${process.pid}-${Date.now()}:`;
const dataDir = mkdtempSync(join(tmpdir(), 'agent-restart-'));
const env = {
  REDIS_URL,
  REDIS_PREFIX: prefix,
  DATA_DIR: dataDir,
  PSEUDONYM_KEY: 'p'.repeat(32),
};
const servers: StaffTestServer[] = [];

afterAll(async () => {
  for (const s of servers) await s.close().catch(() => undefined);
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  rmSync(dataDir, { recursive: true, force: true });
});

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

async function nextHandover(c: TestClient) {
  for (;;) {
    const r: ReplyFrame = await c.next('reply');
    const block = r.blocks.find((x) => x.type === 'handover');
    if (block) return block;
  }
}

describe('an agent after a server restart', () => {
  it('still receives the frames of the conversation they took, and can answer', async () => {
    const first = await startStaffServer(env);
    servers.push(first);
    const citizen = await TestClient.connect(first.wsUrl);
    citizen.send({ type: 'hello', v: 1, lang: 'en' });
    const { sessionId } = await citizen.next('welcome');
    await citizen.next('reply');
    citizen.send({ type: 'message', id: 'c1', text: 'a person please' });
    expect(await nextHandover(citizen)).toMatchObject({ state: 'queued' });
    const agent = await agentOn(first, 'anu');
    agent.send({ type: 'take', sessionId });
    await agent.wait((f) => f.type === 'history');
    expect(await nextHandover(citizen)).toMatchObject({ state: 'connected' });
    agent.close();
    await citizen.close();

    await first.close();
    const second = await startStaffServer(env, []);
    servers.push(second);

    // Both come back: the agent gets the conversation they hold, without taking it again.
    const again = await agentOn(second, 'anu');
    const history = await again.wait((f) => f.type === 'history' && f.sessionId === sessionId);
    expect(JSON.stringify(history.frames)).toContain('a person please');
    const back = await TestClient.connect(second.wsUrl);
    back.send({ type: 'hello', v: 1, lang: 'en', sessionId, lastSeq: 0 });
    expect(await back.next('welcome')).toMatchObject({ sessionId, resumed: true });

    back.send({ type: 'message', id: 'c2', text: 'are you still there?' });
    const forwarded = await again.wait(
      (f) => f.type === 'frame' && (f.frame as { type: string }).type === 'user',
    );
    expect(forwarded).toMatchObject({ sessionId, frame: { text: 'are you still there?' } });
    again.send({ type: 'say', sessionId, text: 'Yes, still here.' });
    await expect
      .poll(() => back.frames.some((f) => f.type === 'reply' && f.role === 'agent'))
      .toBe(true);
    again.close();
    await back.close();
  });
});

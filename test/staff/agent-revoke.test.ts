import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openDatabase } from '../../src/store/database.js';
import { createStaffStore } from '../../src/store/staff-store.js';
import {
  citizenChat,
  StaffClient,
  startStaffServer,
  type StaffTestServer,
} from '../helpers/staff.js';

let server: StaffTestServer;
beforeAll(async () => {
  server = await startStaffServer({}, [
    ['anu', 'agent'],
    ['mari', 'agent'],
    ['peeter', 'agent'],
    ['ada', 'admin'],
  ]);
});
afterAll(() => server.close());

/** An agent's socket that remembers every frame and how it closed. */
async function agent(username: string) {
  const staff = new StaffClient(server.url);
  await staff.login(username);
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/staff/ws`, {
    headers: { cookie: staff.cookie, origin: server.url },
  });
  const frames: { type: string; [k: string]: unknown }[] = [];
  const closed: { code?: number } = {};
  ws.on('message', (d: Buffer) => frames.push(JSON.parse(d.toString('utf8')) as never));
  ws.on('close', (code) => (closed.code = code));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  await expect.poll(() => frames.some((f) => f.type === 'queue')).toBe(true);
  return { staff, ws, frames, closed };
}

async function withStore<T>(work: (s: ReturnType<typeof createStaffStore>) => Promise<T>) {
  const db = await openDatabase({ dataDir: server.dataDir });
  try {
    return await work(createStaffStore(db));
  } finally {
    await db.close();
  }
}

describe('agent socket revocation', () => {
  it('closes the socket at once when the agent signs out', async () => {
    const a = await agent('anu');
    expect((await a.staff.request('POST', '/staff/api/logout', {})).status).toBe(204);
    await expect.poll(() => a.closed.code).toBe(4401);
  });

  it('refuses the next action of an agent removed meanwhile (the CLI, another process)', async () => {
    const a = await agent('mari');
    const { c, sessionId } = await citizenChat(server, 'et', []);
    c.send({ type: 'message', id: 'p1', text: 'palun inimene' });
    await c.next('reply');
    await expect
      .poll(() =>
        a.frames.some(
          (f) =>
            f.type === 'queue' &&
            (f.queued as { sessionId: string }[]).some((q) => q.sessionId === sessionId),
        ),
      )
      .toBe(true);
    await withStore((s) => s.removeAccount('mari'));
    const before = a.frames.length;
    a.ws.send(JSON.stringify({ type: 'take', sessionId }));
    await expect.poll(() => a.closed.code).toBe(4401);
    // Nothing was sent after the removal: no history, no frames of the conversation.
    expect(a.frames.slice(before)).toEqual([]);
    // The conversation is still waiting for someone else.
    const admin = new StaffClient(server.url);
    await admin.login('ada');
    const queue = await admin.json<{ queued: { sessionId: string }[] }>('GET', '/staff/api/queue');
    expect(queue.queued.map((q) => q.sessionId)).toContain(sessionId);
    await c.close();
  });

  it('closes an idle socket within the check interval when the role changes', async () => {
    const a = await agent('peeter');
    await withStore((s) => s.updateAccount('peeter', { role: 'trainer' }, Date.now()));
    await expect.poll(() => a.closed.code, { timeout: 8000, interval: 200 }).toBe(4401);
  });
});

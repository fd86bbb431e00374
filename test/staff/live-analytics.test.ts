import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  citizenChat,
  StaffClient,
  startStaffServer,
  type StaffTestServer,
} from '../helpers/staff.js';

let server: StaffTestServer;
beforeAll(async () => {
  server = await startStaffServer();
});
afterAll(() => server.close());

interface Queue {
  queued: { sessionId: string; lifeEvents: string[]; question: string | null; lang: string }[];
}

async function agentSocket(username: string) {
  const staff = new StaffClient(server.url);
  await staff.login(username);
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/staff/ws`, {
    headers: { cookie: staff.cookie, origin: server.url },
  });
  const frames: Record<string, unknown>[] = [];
  ws.on('message', (d: Buffer) => frames.push(JSON.parse(d.toString('utf8')) as never));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return { ws, frames, send: (f: object) => ws.send(JSON.stringify(f)) };
}

describe('the live queue and handover analytics', () => {
  it('shows the life event and first question of a waiting conversation, and counts handovers', async () => {
    const agent = await agentSocket('anu');
    const married = await citizenChat(server, 'et', ['tahan abielluda, kood 37605030299']);
    married.c.send({ type: 'message', id: 'h', text: 'palun inimene' });
    const left = await citizenChat(server, 'en', ['pension please']);
    left.c.send({ type: 'message', id: 'h', text: 'a person please' });

    const admin = new StaffClient(server.url);
    await admin.login('ada');
    await expect
      .poll(async () => (await admin.json<Queue>('GET', '/staff/api/queue')).queued.length)
      .toBe(2);
    const queue = await admin.json<Queue>('GET', '/staff/api/queue');
    expect(queue.queued.find((q) => q.sessionId === married.sessionId)).toMatchObject({
      lang: 'et',
      lifeEvents: ['marriage'],
      question: 'tahan abielluda, kood [personal-code]',
    });
    // The agent's socket gets the same rows.
    await expect
      .poll(() =>
        agent.frames.some(
          (f) =>
            f.type === 'queue' &&
            (f.queued as Queue['queued']).some(
              (q) => q.sessionId === left.sessionId && q.lifeEvents.includes('retirement'),
            ),
        ),
      )
      .toBe(true);

    agent.send({ type: 'take', sessionId: married.sessionId });
    await expect.poll(() => agent.frames.some((f) => f.type === 'history')).toBe(true);
    agent.send({ type: 'say', sessionId: married.sessionId, text: 'Tere, siin Anu.' });
    for (;;) if ((await married.c.next('reply')).role === 'agent') break;
    agent.send({ type: 'end', sessionId: married.sessionId });
    await left.c.close();
    await married.c.close();
    agent.ws.close();

    const trainer = new StaffClient(server.url);
    await trainer.login('tiina');
    const a = await trainer.json<{
      rows: {
        lifeEvent: string;
        lang: string;
        handoverRequests: number;
        unansweredHandoverRequests: number;
        firstHumanReplyMedianMs: number | null;
      }[];
    }>('GET', '/staff/api/analytics');
    const row = (le: string, lang: string) =>
      a.rows.find((r) => r.lifeEvent === le && r.lang === lang);
    expect(row('marriage', 'et')).toMatchObject({
      handoverRequests: 1,
      unansweredHandoverRequests: 0,
    });
    expect(row('marriage', 'et')?.firstHumanReplyMedianMs).toBeGreaterThanOrEqual(0);
    expect(row('retirement', 'en')).toMatchObject({
      handoverRequests: 1,
      unansweredHandoverRequests: 1,
      firstHumanReplyMedianMs: null,
    });
  });
});

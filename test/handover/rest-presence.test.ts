/**
 * Presence for REST clients in the handover queue: a REST conversation has no open socket, so
 * its requests (a turn, or the documented poll GET /api/v1/conversations/{id}/replies) keep it
 * in the queue; one that stops asking leaves it like a closed tab. The presence interval and
 * timeout are shortened here (15 s and 45 s in production).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplyFrame } from '../../src/protocol/frames.js';
import { createRuleAssistant } from '../helpers/rule-assistant.js';
import { SocketClient } from '../helpers/socket-client.js';
import { StaffClient, startStaffServer, type StaffTestServer } from '../helpers/staff.js';

let server: StaffTestServer;
let agent: StaffClient;
beforeAll(async () => {
  server = await startStaffServer({ AUTH_MODE: 'demo' }, [['anu', 'agent']], {
    assistant: createRuleAssistant(),
    presence: { intervalMs: 200, timeoutMs: 1500 },
  });
  agent = new StaffClient(server.url);
  await agent.login('anu');
});
afterAll(() => server.close());

interface Poll {
  replies: ReplyFrame[];
  lastSeq: number;
}

async function restConversation(headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ lang: 'en' }),
  });
  const { id } = (await res.json()) as { id: string };
  await fetch(`${server.url}/api/v1/conversations/${id}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ text: 'a person please' }),
  });
  return id;
}

const poll = (id: string, after = 0, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/api/v1/conversations/${id}/replies?after=${after}`, { headers });

const queued = async () =>
  (await agent.json<{ queued: { sessionId: string }[] }>('GET', '/staff/api/queue')).queued.map(
    (q) => q.sessionId,
  );

describe('a REST conversation in the handover queue', () => {
  it('stays while its client polls, and leaves once it stops, like a closed tab', async () => {
    const polling = await restConversation();
    const silent = await restConversation();
    expect(await queued()).toEqual([polling, silent]);

    // Poll every 300 ms for three presence timeouts: the silent one leaves, the polling one stays.
    let after = 0;
    const until = Date.now() + 4500;
    while (Date.now() < until) {
      const res = await poll(polling, after);
      expect(res.status).toBe(200);
      after = ((await res.json()) as Poll).lastSeq;
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(await queued()).toEqual([polling]);
    // The poll brought the new position (1, once the silent one had left).
    const all = (await (await poll(polling)).json()) as Poll;
    const positions = all.replies.flatMap((r) =>
      r.blocks.flatMap((b) => (b.type === 'handover' && b.position ? [b.position] : [])),
    );
    expect(positions.at(-1)).toBe(1);
    // The silent one is told, in its history, that it left the queue.
    const gone = (await (await poll(silent)).json()) as Poll;
    expect(gone.replies.at(-1)?.blocks).toContainEqual({ type: 'handover', state: 'ended' });

    // Stopped polling: it leaves too.
    await expect.poll(queued, { timeout: 5000 }).toEqual([]);
  }, 20_000);

  it('hands an agent reply to the poll, and keeps the resume rule', async () => {
    const res = await poll('no-such-conversation');
    expect(res.status).toBe(404);
    const id = await restConversation();
    expect((await poll(id, -1)).status).toBe(400);
    const before = (await (await poll(id)).json()) as Poll;
    expect(before.lastSeq).toBeGreaterThan(0);
    expect((await (await poll(id, before.lastSeq)).json()) as Poll).toEqual({
      replies: [],
      lastSeq: before.lastSeq,
    });
    // An agent takes it and writes: the next poll brings "connected" and the answer.
    const socket = await SocketClient.connect<{ type: string }>(
      `${server.url.replace('http', 'ws')}/staff/ws`,
      { headers: { cookie: agent.cookie, origin: server.url } },
    );
    socket.send({ type: 'take', sessionId: id });
    await socket.next('history');
    socket.send({ type: 'say', sessionId: id, text: 'Hello, this is Anu.' });
    await expect
      .poll(async () => ((await (await poll(id, before.lastSeq)).json()) as Poll).replies)
      .toEqual([
        expect.objectContaining({
          role: 'system',
          blocks: [{ type: 'handover', state: 'connected' }],
        }),
        expect.objectContaining({ role: 'agent', text: 'Hello, this is Anu.' }),
      ]);
    socket.send({ type: 'end', sessionId: id });
    await socket.close();

    // Signed in: only the same person may poll.
    const token = (
      (await (
        await fetch(`${server.url}/api/v1/demo/sign-in`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ personId: 'anna-aas' }),
        })
      ).json()) as { token: string }
    ).token;
    const mine = await restConversation({ authorization: `Bearer ${token}` });
    expect((await poll(mine)).status).toBe(403);
    expect((await poll(mine, 0, { authorization: `Bearer ${token}` })).status).toBe(200);
  });
});

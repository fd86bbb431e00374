import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplyFrame } from '../../src/protocol/frames.js';
import { TestClient } from '../helpers/server.js';
import { SocketClient } from '../helpers/socket-client.js';
import { StaffClient, startStaffServer, type StaffTestServer } from '../helpers/staff.js';

type AgentFrame = { type: string } & Record<string, unknown>;

/** The agents' socket, opened with these request headers (cookie, origin). */
const agentConnect = (url: string, headers: Record<string, string>) =>
  SocketClient.connect<AgentFrame>(url, { headers });

async function citizen(server: StaffTestServer, lang = 'et') {
  const c = await TestClient.connect(server.wsUrl);
  c.send({ type: 'hello', v: 1, lang });
  const welcome = await c.next('welcome');
  await c.next('reply');
  return { c, id: welcome.sessionId };
}

/** The next reply with a handover block, and that block. */
async function handoverReply(c: TestClient) {
  for (;;) {
    const r: ReplyFrame = await c.next('reply');
    const block = r.blocks.find((b) => b.type === 'handover');
    if (block) return { reply: r, block };
  }
}

async function agentSocket(server: StaffTestServer, username: string) {
  const staff = new StaffClient(server.url);
  await staff.login(username);
  return agentConnect(`${server.wsUrl.replace(/\/ws$/, '')}/staff/ws`, {
    cookie: staff.cookie,
    origin: server.url,
  });
}

describe('live handover', () => {
  let server: StaffTestServer;
  beforeAll(async () => {
    server = await startStaffServer();
  });
  afterAll(() => server.close());

  it('queues citizens, lets an agent take one, chat, hand back, and end another', async () => {
    const a = await citizen(server, 'et');
    a.c.send({ type: 'message', id: 'a1', text: 'tahan abielluda' });
    await a.c.next('reply');
    a.c.send({ type: 'message', id: 'a2', text: 'palun inimene' });
    const queuedA = await handoverReply(a.c);
    expect(queuedA.block).toEqual({ type: 'handover', state: 'queued', position: 1 });
    expect(queuedA.reply.role).toBe('system');
    expect(queuedA.reply.text).toMatch(/Sinu koht järjekorras: 1\./);

    const b = await citizen(server, 'en');
    b.c.send({ type: 'message', id: 'b1', text: 'a person please' });
    expect((await handoverReply(b.c)).block).toMatchObject({ state: 'queued', position: 2 });

    const agent = await agentSocket(server, 'anu');
    await agent.wait((f) => f.type === 'hello' && f.username === 'anu');
    const queue = await agent.wait((f) => f.type === 'queue');
    expect((queue.queued as { sessionId: string }[]).map((q) => q.sessionId)).toEqual([a.id, b.id]);

    agent.send({ type: 'take', sessionId: a.id });
    const history = await agent.wait((f) => f.type === 'history');
    expect(JSON.stringify(history.frames)).toContain('tahan abielluda');
    expect((await handoverReply(a.c)).block).toMatchObject({ state: 'connected' });
    expect((await handoverReply(b.c)).block).toMatchObject({ state: 'queued', position: 1 });
    await agent.wait((f) => f.type === 'queue' && (f.live as unknown[]).length === 1);

    // While connected, the citizen's words go to the agent and the assistant stays silent.
    a.c.send({ type: 'message', id: 'a3', text: 'kas te olete päris inimene?' });
    const forwarded = await agent.wait(
      (f) => f.type === 'frame' && (f.frame as { type: string }).type === 'user',
    );
    expect(forwarded).toMatchObject({
      sessionId: a.id,
      frame: { text: 'kas te olete päris inimene?' },
    });
    agent.send({ type: 'say', sessionId: a.id, text: 'Jah, olen Anu.' });
    const said = await a.c.next('reply');
    expect(said).toMatchObject({ role: 'agent', text: 'Jah, olen Anu.' });
    expect(
      a.c.frames.filter(
        (f) => f.type === 'reply' && f.role === 'assistant' && f.seq > said.seq - 3,
      ),
    ).toHaveLength(0);

    // Another agent cannot write in it.
    const other = await agentSocket(server, 'ada');
    other.send({ type: 'say', sessionId: a.id, text: 'hi' });
    expect(await other.wait((f) => f.type === 'error')).toMatchObject({ code: 'NOT_YOURS' });

    agent.send({ type: 'hand-back', sessionId: a.id });
    expect((await handoverReply(a.c)).block).toMatchObject({ state: 'ended' });
    a.c.send({ type: 'message', id: 'a4', text: 'aga pension?' });
    expect(await a.c.next('reply')).toMatchObject({
      role: 'assistant',
      text: '(retirement) vastus',
    });

    agent.send({ type: 'take', sessionId: b.id });
    await handoverReply(b.c);
    agent.send({ type: 'end', sessionId: b.id });
    const ended = await handoverReply(b.c);
    expect(ended.block).toMatchObject({ state: 'ended' });
    expect(ended.reply.blocks.some((x) => x.type === 'feedback')).toBe(true);

    // The transcripts say who was handed over, and the agent may open those.
    const staff = new StaffClient(server.url);
    await staff.login('anu');
    const list = await staff.json<{
      items: { id: string; outcome: string; handedOver: boolean }[];
    }>('GET', '/staff/api/conversations');
    expect(list.items.map((i) => i.id).sort()).toEqual([a.id, b.id].sort());
    expect(list.items.find((i) => i.id === b.id)).toMatchObject({
      outcome: 'handed-over',
      handedOver: true,
    });
    const t = await staff.json<{ messages: { role: string; text: string }[] }>(
      'GET',
      `/staff/api/conversations/${a.id}`,
    );
    expect(t.messages.map((m) => m.role)).toContain('agent');
    expect(t.messages.find((m) => m.role === 'agent')?.text).toBe('Jah, olen Anu.');

    await agent.close();
    await other.close();
    await a.c.close();
    await b.c.close();
  });

  it('lets only signed-in agents and admins from this origin open the agent socket', async () => {
    const url = `${server.wsUrl.replace(/\/ws$/, '')}/staff/ws`;
    await expect(agentConnect(url, { origin: server.url })).rejects.toThrow('HTTP 401');
    const trainer = new StaffClient(server.url);
    await trainer.login('tiina');
    await expect(agentConnect(url, { origin: server.url, cookie: trainer.cookie })).rejects.toThrow(
      'HTTP 403',
    );
    const agent = new StaffClient(server.url);
    await agent.login('anu');
    await expect(
      agentConnect(url, {
        origin: 'https://evil.example',
        cookie: agent.cookie,
      }),
    ).rejects.toThrow('HTTP 403');
  });

  it('answers bad agent frames with an error, not a crash', async () => {
    const agent = await agentSocket(server, 'anu');
    agent.ws.send('{nope');
    expect(await agent.wait((f) => f.type === 'error')).toMatchObject({ code: 'BAD_JSON' });
    agent.send({ type: 'take' });
    expect(await agent.wait((f) => f.type === 'error')).toMatchObject({ code: 'BAD_FRAME' });
    agent.send({ type: 'take', sessionId: 'not-queued' });
    expect(await agent.wait((f) => f.type === 'error')).toMatchObject({ code: 'NOT_QUEUED' });
    await agent.close();
  });
});

describe('handover outside office hours', () => {
  let server: StaffTestServer;
  beforeAll(async () => {
    server = await startStaffServer({ OFFICE_HOURS: 'never' });
  });
  afterAll(() => server.close());

  it('says nobody is there and keeps the next message as a contact request for agents', async () => {
    const { c, id } = await citizen(server, 'en');
    c.send({ type: 'message', id: 'm1', text: 'I want a person' });
    const unavailable = await handoverReply(c);
    expect(unavailable.block).toEqual({ type: 'handover', state: 'unavailable' });
    expect(unavailable.reply.text).toMatch(/contact you/);
    c.send({ type: 'message', id: 'm2', text: 'mari@example.ee, 5123 4567: pension question' });
    const thanks = await c.next('reply');
    expect(thanks).toMatchObject({ role: 'system' });
    expect(thanks.text).toMatch(/contact details/);

    const agent = new StaffClient(server.url);
    await agent.login('anu');
    const requests = await agent.json<{ id: string; conversationId: string; text: string }[]>(
      'GET',
      '/staff/api/contact-requests',
    );
    expect(requests).toEqual([
      expect.objectContaining({
        conversationId: id,
        text: 'mari@example.ee, 5123 4567: pension question',
      }),
    ]);
    // The transcript itself stays redacted.
    const admin = new StaffClient(server.url);
    await admin.login('ada');
    const t = await admin.json<{ messages: { text: string }[] }>(
      'GET',
      `/staff/api/conversations/${id}`,
    );
    expect(t.messages.map((m) => m.text)).toContain('[email], [phone]: pension question');
    await agent.json('POST', `/staff/api/contact-requests/${requests[0]?.id}/handled`, {});
    expect(await agent.json('GET', '/staff/api/contact-requests')).toEqual([]);
    const trainer = new StaffClient(server.url);
    await trainer.login('tiina');
    expect((await trainer.request('GET', '/staff/api/contact-requests')).status).toBe(403);
    await c.close();
  });
});

describe('live handover with the real assistant', () => {
  let server: StaffTestServer;
  beforeAll(async () => {
    // No assistant override: the real NLU and dialogs decide when to hand over.
    server = await startStaffServer({}, [['anu', 'agent']], {});
  });
  afterAll(() => server.close());

  it('queues a citizen who asks for a person, in their language', async () => {
    const { c } = await citizen(server, 'et');
    c.send({ type: 'message', id: 'h1', text: 'tahan rääkida päris inimesega' });
    const { reply, block } = await handoverReply(c);
    expect(block).toMatchObject({ state: 'queued', position: 1 });
    expect(reply.role).toBe('system');
    await c.close();
  });

  it('offers a person after two messages it does not understand, and the agent takes over', async () => {
    const { c, id } = await citizen(server, 'en');
    c.send({ type: 'message', id: 'm1', text: 'qwerty asdf zxcv' });
    await c.next('reply');
    c.send({ type: 'message', id: 'm2', text: 'blorp snarf glib' });
    // The second miss offers a person among three ways out; the queue only when chosen.
    await c.next('reply');
    c.send({ type: 'choose', id: 'm2b', optionId: 'human' });
    const { block } = await handoverReply(c);
    expect(block.state).toBe('queued');

    const agent = await agentSocket(server, 'anu');
    await agent.wait((f) => f.type === 'queue');
    agent.send({ type: 'take', sessionId: id });
    expect((await handoverReply(c)).block).toMatchObject({ state: 'connected' });
    agent.send({ type: 'hand-back', sessionId: id });
    expect((await handoverReply(c)).block).toMatchObject({ state: 'ended' });
    // Back with the assistant: it understands again.
    c.send({ type: 'message', id: 'm3', text: 'we want to get married' });
    const back = await c.next('reply');
    expect(back).toMatchObject({ role: 'assistant', meta: { lifeEvent: 'marriage' } });
    await agent.close();
    await c.close();
  });
});

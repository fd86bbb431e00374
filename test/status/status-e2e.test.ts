/**
 * The personal status end to end: demo sign-in over HTTP, the signed token in the hello frame,
 * the proactive greeting pushed through the WebSocket, status changes on the signed webhook,
 * and the rule that nobody sees another person's status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle, startServer, TestClient, type TestServer } from '../helpers/server.js';
import { signWebhook } from '../../src/status/status-events.js';
import { createMockStatusPanel, type MockStatusPanel } from '../../src/status/mock-server.js';
import type { ServerFrame } from '../../src/protocol/frames.js';

const SECRET = 'webhook-secret-for-tests-0123456789abcdef';
const ANNA = '49211110006';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ AUTH_MODE: 'demo', STATUS_WEBHOOK_SECRET: SECRET });
});
afterAll(() => server.close());

async function signIn(personId: string): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/demo/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ personId }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { token: string }).token;
}

async function open(extra: object = {}, lang = 'en') {
  const client = await TestClient.connect(server.wsUrl);
  client.send({ type: 'hello', v: 1, lang, ...extra });
  const welcome = await client.next('welcome');
  return { client, welcome };
}

type Reply = Extract<ServerFrame, { type: 'reply' }>;
const systemReply = async (client: TestClient, ms = 3000): Promise<Reply> => {
  for (;;) {
    const reply = await client.next('reply', ms);
    if (reply.role === 'system') return reply;
  }
};
const statusItems = (reply: Reply) =>
  reply.blocks.flatMap((b) => (b.type === 'status' ? b.items : []));

async function postEvent(body: unknown, opts: { secret?: string; t?: number } = {}) {
  const raw = JSON.stringify(body);
  const t = opts.t ?? Math.floor(Date.now() / 1000);
  return fetch(`${server.url}/api/v1/status-events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-signature': signWebhook(opts.secret ?? SECRET, raw, t),
    },
    body: raw,
  });
}

const OLGA = '48803040009';
const serviceChanged = (id: string) => ({
  id,
  type: 'service-changed',
  occurredAt: new Date().toISOString(),
  personalCode: OLGA,
  lifeEvent: 'settling-in-estonia',
  service: { serviceId: 'settle-id-card', state: 'done', date: '2026-11-24' },
});

describe('demo sign-in', () => {
  it('lists the fictional persons by name, without their personal codes', async () => {
    const res = await fetch(`${server.url}/api/v1/demo/persons`);
    const body = (await res.json()) as { persons: { id: string; name: string }[] };
    expect(body.persons.length).toBeGreaterThanOrEqual(8);
    expect(body.persons.every((p) => p.name.includes('(demo)'))).toBe(true);
    expect(JSON.stringify(body)).not.toMatch(/\d{11}/);
  });

  it('refuses an unknown person and a bad body', async () => {
    const post = (body: unknown) =>
      fetch(`${server.url}/api/v1/demo/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post({ personId: 'nobody' })).status).toBe(404);
    expect((await post({ personalCode: ANNA })).status).toBe(400);
  });

  it('is not there unless AUTH_MODE=demo', async () => {
    const off = await startServer();
    try {
      expect((await fetch(`${off.url}/api/v1/demo/persons`)).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});

describe('personal status through the WebSocket', () => {
  it('greets a signed-in person with their pending offers and open actions', async () => {
    const { client, welcome } = await open({ token: await signIn('anna-aas') });
    expect(welcome.identity).toEqual({ name: 'Anna Aas (demo)' });
    const reply = await systemReply(client);
    expect(reply.text).toMatch(/^Anna Aas \(demo\), the state has offers waiting for you/);
    const items = statusItems(reply);
    expect(items).toEqual([
      expect.objectContaining({
        serviceId: 'birth-maternity-benefit',
        state: 'offered',
        name: "Maternity leave and mother's parental benefit",
        nextStep: expect.stringContaining('by 31 December 2026') as string,
      }),
    ]);
    await client.close();
  });

  it('greets in the session language, with the next step in that language', async () => {
    const { client } = await open({ token: await signIn('kati-kask') }, 'ru');
    const reply = await systemReply(client);
    expect(reply.text).toContain('ждут ваших действий');
    expect(statusItems(reply)).toEqual([
      expect.objectContaining({
        serviceId: 'birth-registration',
        state: 'action-needed',
        nextStep: expect.stringContaining('Зарегистрируйте') as string,
      }),
    ]);
    await client.close();
  });

  it('sends nothing extra to a signed-in person with nothing pending', async () => {
    const { client } = await open({ token: await signIn('mari-maasikas') });
    await client.next('reply');
    const sent = await settle(client);
    expect(sent.filter((f) => f.type === 'reply' && f.role === 'system')).toEqual([]);
    await client.close();
  });

  it('goes on signed out, with no status, when the token is forged', async () => {
    const token = await signIn('anna-aas');
    const [head, payload] = token.split('.');
    const forged = `${head}.${payload}.${'A'.repeat(43)}`;
    const { client, welcome } = await open({ token: forged });
    expect(client.frames[0]).toMatchObject({ type: 'error', code: 'AUTH_INVALID_TOKEN' });
    expect(welcome.identity).toBeUndefined();
    await client.next('reply');
    const sent = await settle(client);
    expect(sent.some((f) => f.type === 'reply' && f.role === 'system')).toBe(false);
    await client.close();
  });

  it("never shows one person another's status, even with their session id", async () => {
    const anna = await open({ token: await signIn('anna-aas') });
    await systemReply(anna.client);
    await anna.client.close();

    // Jaan presents Anna's session id with his own token: a new conversation, his own status.
    const jaan = await open({
      sessionId: anna.welcome.sessionId,
      lastSeq: 0,
      token: await signIn('jaan-joesaar'),
    });
    expect(jaan.welcome.sessionId).not.toBe(anna.welcome.sessionId);
    expect(jaan.welcome.resumed).toBe(false);
    expect(jaan.welcome.identity).toEqual({ name: 'Jaan Jõesaar (demo)' });
    const reply = await systemReply(jaan.client);
    expect(
      statusItems(reply)
        .map((i) => i.serviceId)
        .sort(),
    ).toEqual(['ret-flexible-pension', 'ret-old-age-pension']);
    const everything = JSON.stringify(jaan.client.frames);
    expect(everything).not.toContain('maternity');
    expect(everything).not.toContain('Anna');
    await jaan.client.close();

    // Someone signed out with Anna's session id gets a new, empty conversation.
    const stranger = await open({ sessionId: anna.welcome.sessionId, lastSeq: 0 });
    expect(stranger.welcome.resumed).toBe(false);
    expect(stranger.welcome.identity).toBeUndefined();
    await stranger.client.next('reply');
    expect(JSON.stringify(stranger.client.frames)).not.toContain('maternity');
    await stranger.client.close();
  });

  it('lets the same person resume their signed-in conversation without a second greeting', async () => {
    const first = await open({ token: await signIn('anna-aas') });
    const greeting = await systemReply(first.client);
    await first.client.close();
    const again = await open({
      sessionId: first.welcome.sessionId,
      lastSeq: greeting.seq,
      token: await signIn('anna-aas'),
    });
    expect(again.welcome).toMatchObject({ resumed: true, sessionId: first.welcome.sessionId });
    expect((await settle(again.client)).filter((f) => f.type === 'reply')).toEqual([]);
    await again.client.close();
  });
});

describe('status-change webhook', () => {
  it("pushes a signed change to that person's open session, and to nobody else", async () => {
    const olga = await open({ token: await signIn('olga-ojamaa') });
    await systemReply(olga.client);
    const mari = await open({ token: await signIn('mari-maasikas') });
    await mari.client.next('reply');

    const res = await postEvent(serviceChanged('evt-1'));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: true, delivered: 1 });
    const change = await systemReply(olga.client);
    expect(change.text).toBe(
      'Update on settling in Estonia: ID card or residence permit card is now “done”.',
    );
    expect(statusItems(change)).toEqual([
      expect.objectContaining({ serviceId: 'settle-id-card', state: 'done' }),
    ]);
    const toMari = await settle(mari.client);
    expect(toMari.some((f) => f.type === 'reply' && f.role === 'system')).toBe(false);
    await olga.client.close();
    await mari.client.close();
  });

  it('pushes a new proactive offer', async () => {
    const liisa = await open({ token: await signIn('liisa-lepik') }, 'et');
    await systemReply(liisa.client);
    const res = await postEvent({
      id: 'evt-offer-1',
      type: 'offer-created',
      occurredAt: new Date().toISOString(),
      personalCode: '48509300002',
      offer: {
        offerId: 'o-2',
        serviceId: 'dis-assistive-devices',
        lifeEvent: 'child-disability',
        expires: '2027-01-31',
      },
    });
    expect(res.status).toBe(202);
    const change = await systemReply(liisa.client);
    expect(change.text).toContain('Riigil on sulle uus pakkumine');
    expect(statusItems(change)[0]).toMatchObject({
      serviceId: 'dis-assistive-devices',
      state: 'offered',
    });
    await liisa.client.close();
  });

  it('refuses a bad signature, a missing one and an old timestamp', async () => {
    expect((await postEvent(serviceChanged('evt-2'), { secret: 'x'.repeat(40) })).status).toBe(401);
    const stale = await postEvent(serviceChanged('evt-3'), {
      t: Math.floor(Date.now() / 1000) - 301,
    });
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as { error: { message: string } }).error.message).toMatch(
      /timestamp/,
    );
    const unsigned = await fetch(`${server.url}/api/v1/status-events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(serviceChanged('evt-4')),
    });
    expect(unsigned.status).toBe(401);
  });

  it('refuses a body changed after signing', async () => {
    const raw = JSON.stringify(serviceChanged('evt-5'));
    const t = Math.floor(Date.now() / 1000);
    const res = await fetch(`${server.url}/api/v1/status-events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': signWebhook(SECRET, raw, t) },
      body: raw.replace(OLGA, '49005120001'),
    });
    expect(res.status).toBe(401);
  });

  it('refuses a replayed event id', async () => {
    expect((await postEvent(serviceChanged('evt-6'))).status).toBe(202);
    const again = await postEvent(serviceChanged('evt-6'));
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'REPLAYED_EVENT' } });
  });

  it('answers 400 with the issues for a signed body that breaks the contract', async () => {
    const res = await postEvent({ ...serviceChanged('evt-7'), personalCode: '49211110007' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { issues: { path: string }[] } };
    expect(body.error.issues.map((i) => i.path)).toContain('personalCode');
  });
});

describe('personal status when the status panel is slow or down', () => {
  let mock: MockStatusPanel;
  let slow: TestServer;
  beforeAll(async () => {
    mock = createMockStatusPanel({ behaviour: { delayMs: 5000 } });
    slow = await startServer({
      AUTH_MODE: 'demo',
      STATUS_PANEL_URL: await mock.listen(),
      STATUS_LOOKUP_TIMEOUT_MS: '300',
    });
  });
  afterAll(async () => {
    await slow.close();
    await mock.close();
  });

  it('says it cannot see the status now, soon, and the conversation goes on', async () => {
    const res = await fetch(`${slow.url}/api/v1/demo/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ personId: 'anna-aas' }),
    });
    const { token } = (await res.json()) as { token: string };
    const client = await TestClient.connect(slow.wsUrl);
    const started = Date.now();
    client.send({ type: 'hello', v: 1, lang: 'en', token });
    await client.next('welcome');
    const reply = await systemReply(client);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(reply.text).toContain('I cannot see your status right now');
    const metrics = await (await fetch(`${slow.url}/metrics`)).text();
    expect(metrics).toMatch(/status_lookups_total\{outcome="unavailable"\} 1/);
    client.send({ type: 'message', id: 'm1', text: 'hello' });
    const answer = await client.next('reply');
    expect(answer.replyTo).toBe('m1');
    await client.close();
  });
});

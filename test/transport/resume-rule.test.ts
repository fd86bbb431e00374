/**
 * One resume rule for every channel (issue 15, items 4 and 5): a signed-in conversation goes on
 * only for the same verified person, over REST as over the socket; and when a conversation is
 * signed in, every other listener of it is dropped before anything personal is sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../src/transport/ws-server.js';
import { startServer, TestClient, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ AUTH_MODE: 'demo', PSEUDONYM_KEY: 'k'.repeat(32) });
});
afterAll(() => server.close());

async function tokenFor(personId: string): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/demo/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ personId }),
  });
  return ((await res.json()) as { token: string }).token;
}

function post(path: string, body: unknown, token?: string) {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token && { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(body),
  });
}

describe('REST follows the resume rule', () => {
  it('continues a signed-in conversation only for the same verified person', async () => {
    const anna = await tokenFor('anna-aas');
    const c = await TestClient.connect(server.wsUrl);
    c.send({ type: 'hello', v: 1, lang: 'en', token: anna });
    const { sessionId } = await c.next('welcome');
    await c.close();
    const path = `/api/v1/conversations/${sessionId}/messages`;

    const anonymous = await post(path, { text: 'what is my status?' });
    expect(anonymous.status).toBe(403);
    const body = await anonymous.text();
    expect(body).not.toContain('Anna');

    const other = await post(path, { text: 'what is my status?' }, await tokenFor('jaan-joesaar'));
    expect(other.status).toBe(403);

    const forged = await post(path, { text: 'what is my status?' }, 'not-a-token');
    expect(forged.status).toBe(401);

    const same = await post(path, { text: 'what is my status?' }, anna);
    expect(same.status).toBe(200);
    const { replies } = (await same.json()) as { replies: { text: string }[] };
    expect(replies.length).toBeGreaterThan(0);
  });

  it('still serves a signed-out conversation to whoever has its id', async () => {
    const created = await post('/api/v1/conversations', { lang: 'en' });
    const { id } = (await created.json()) as { id: string };
    const res = await post(`/api/v1/conversations/${id}/messages`, { text: 'hello' });
    expect(res.status).toBe(200);
  });
});

describe('signing a conversation in drops its other listeners', () => {
  it('closes a second tab that resumed the conversation before it was signed in', async () => {
    const first = await TestClient.connect(server.wsUrl);
    first.send({ type: 'hello', v: 1, lang: 'en' });
    const { sessionId } = await first.next('welcome');
    await first.next('reply');

    const second = await TestClient.connect(server.wsUrl);
    second.send({ type: 'hello', v: 1, lang: 'en', sessionId, lastSeq: 1 });
    expect(await second.next('welcome')).toMatchObject({ resumed: true, sessionId });
    const closed = new Promise<number>((resolve) => second.ws.once('close', resolve));

    // Someone signs in on the first tab's conversation (a reload with the token).
    const signedIn = await TestClient.connect(server.wsUrl);
    signedIn.send({
      type: 'hello',
      v: 1,
      lang: 'en',
      sessionId,
      lastSeq: 1,
      token: await tokenFor('olga-ojamaa'),
    });
    const welcome = await signedIn.next('welcome');
    expect(welcome).toMatchObject({ resumed: true, sessionId });
    expect(welcome.identity?.name).toContain('Olga');
    expect(await closed).toBe(CLOSE_CODES.identityChanged);
    await expect.poll(() => first.ws.readyState).toBe(first.ws.CLOSED);

    // Neither earlier listener received anything personal.
    for (const c of [first, second]) {
      const text = JSON.stringify(c.frames);
      expect(text).not.toContain('Olga');
      expect(c.frames.some((f) => f.type === 'reply' && f.role === 'system')).toBe(false);
    }
    await signedIn.close();
  });
});

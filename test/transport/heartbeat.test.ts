/**
 * The widget's heartbeat on the server: one ping per 500 ms per socket is answered on a fast
 * path that does not count against the frame rate (a ping a second while the chat is in view
 * must not eat the person's message allowance); pings closer together are frames like any other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, TestClient, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ WS_RATE_LIMIT: '3', WS_RATE_WINDOW_MS: '10000' });
});
afterAll(() => server.close());

const PING = JSON.stringify({ type: 'ping' });

describe('the chat socket heartbeat', () => {
  it('answers a ping every 500 ms without counting it against the frame rate', async () => {
    const c = await TestClient.connect(server.wsUrl);
    c.send({ type: 'hello', v: 1, lang: 'en' });
    await c.next('welcome');
    for (let i = 0; i < 5; i++) {
      c.send(PING);
      await c.next('pong');
      await new Promise((r) => setTimeout(r, 520));
    }
    // Hello and two messages: within the limit of 3 only because the pings were not counted.
    c.send({ type: 'message', id: 'm1', text: 'hello' });
    c.send({ type: 'message', id: 'm2', text: 'again' });
    await c.wait((f) => f.type === 'user' && f.id === 'm2');
    expect(c.frames.filter((f) => f.type === 'error')).toEqual([]);
    await c.close();
  });

  it('counts pings sent closer together than 500 ms like any other frame', async () => {
    const c = await TestClient.connect(server.wsUrl);
    for (let i = 0; i < 6; i++) c.send(PING);
    expect(await c.wait((f) => f.type === 'error')).toMatchObject({ code: 'RATE_LIMITED' });
    // The first is on the fast path, the next three are counted, the fifth is refused.
    expect(c.frames.filter((f) => f.type === 'pong')).toHaveLength(4);
    await c.close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, TestClient, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ WS_MAX_FRAME_BYTES: '1024', WS_RATE_LIMIT: '30' });
});
afterAll(() => server.close());

async function hello(client: TestClient, lang = 'et', extra: object = {}) {
  client.send({ type: 'hello', v: 1, lang, ...extra });
  return client.next('welcome');
}

describe('chat socket', () => {
  it('welcomes a new client with a session id and greets in its language', async () => {
    const client = await TestClient.connect(server.wsUrl);
    const welcome = await hello(client, 'en');
    expect(welcome.sessionId).toMatch(/.+/);
    expect(welcome.resumed).toBe(false);
    const greeting = await client.next('reply');
    expect(greeting.seq).toBe(1);
    expect(greeting.text).toMatch(/hello/i);
    await client.close();
  });

  it('acknowledges a message with a user frame and answers with a higher seq', async () => {
    const client = await TestClient.connect(server.wsUrl);
    await hello(client, 'et');
    await client.next('reply');
    client.send({ type: 'message', id: 'm1', text: 'tere' });
    const user = await client.next('user');
    expect(user).toMatchObject({ id: 'm1', text: 'tere', seq: 2 });
    const reply = await client.next('reply');
    expect(reply.seq).toBeGreaterThan(user.seq);
    expect(reply.replyTo).toBe('m1');
    expect(reply.text).toMatch(/tere/i);
    await client.close();
  });

  it('replays what a resuming client missed, and nothing it already has', async () => {
    const first = await TestClient.connect(server.wsUrl);
    const welcome = await hello(first, 'et');
    await first.next('reply');
    first.send({ type: 'message', id: 'a', text: 'tere' });
    await first.next('reply');
    await first.close();

    const second = await TestClient.connect(server.wsUrl);
    const resumed = await hello(second, 'et', { sessionId: welcome.sessionId, lastSeq: 1 });
    expect(resumed).toMatchObject({ sessionId: welcome.sessionId, resumed: true, lastSeq: 3 });
    const user = await second.next('user');
    const reply = await second.next('reply');
    expect([user.seq, reply.seq]).toEqual([2, 3]);
    await second.close();
  });

  it('answers a resent message id once only', async () => {
    const client = await TestClient.connect(server.wsUrl);
    await hello(client);
    await client.next('reply');
    client.send({ type: 'message', id: 'dup', text: 'tere' });
    client.send({ type: 'message', id: 'dup', text: 'tere' });
    await client.next('reply');
    client.send({ type: 'message', id: 'after', text: 'tere' });
    await client.next('reply');
    expect(client.frames.filter((f) => f.type === 'user').map((f) => 'id' in f && f.id)).toEqual([
      'dup',
      'after',
    ]);
    await client.close();
  });

  it('starts a new session when the one to resume is unknown', async () => {
    const client = await TestClient.connect(server.wsUrl);
    const welcome = await hello(client, 'et', { sessionId: 'no-such-session', lastSeq: 9 });
    expect(welcome.resumed).toBe(false);
    expect(welcome.sessionId).not.toBe('no-such-session');
    await client.close();
  });

  it.each([
    ['malformed JSON', '{"type": "hello",', 'BAD_JSON'],
    ['an unknown frame type', { type: 'shout', text: 'x' }, 'BAD_FRAME'],
    ['a message before hello', { type: 'message', id: 'm', text: 'x' }, 'HELLO_REQUIRED'],
    ['another protocol version', { type: 'hello', v: 9, lang: 'et' }, 'UNSUPPORTED_VERSION'],
    [
      'an oversized frame',
      { type: 'hello', v: 1, lang: 'et', sessionId: 'x'.repeat(2000) },
      'FRAME_TOO_LARGE',
    ],
  ])('answers %s with an error frame and keeps serving', async (_name, frame, code) => {
    const client = await TestClient.connect(server.wsUrl);
    client.send(frame);
    const error = await client.next('error');
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(0);
    // The same socket still works, and so does everyone else's.
    await hello(client);
    const other = await TestClient.connect(server.wsUrl);
    await hello(other);
    await Promise.all([client.close(), other.close()]);
  });

  it('names the wrong field of an invalid frame', async () => {
    const client = await TestClient.connect(server.wsUrl);
    await hello(client);
    client.send({ type: 'message', id: 'm9', text: '' });
    const error = await client.next('error');
    expect(error).toMatchObject({ code: 'BAD_FRAME', id: 'm9' });
    expect(error.message).toContain('text');
    await client.close();
  });

  it('refuses a token when sign-in is not configured and goes on signed out', async () => {
    const client = await TestClient.connect(server.wsUrl);
    client.send({ type: 'hello', v: 1, lang: 'et', token: 'forged.token.value' });
    const error = await client.next('error');
    expect(error.code).toMatch(/^AUTH_/);
    const welcome = await client.next('welcome');
    expect(welcome.identity).toBeUndefined();
    await client.close();
  });
});

describe('chat socket limits', () => {
  it('refuses frames over the rate limit with RATE_LIMITED', async () => {
    const limited = await startServer({ WS_RATE_LIMIT: '3', WS_RATE_WINDOW_MS: '60000' });
    const client = await TestClient.connect(limited.wsUrl);
    await hello(client);
    for (let i = 0; i < 3; i++) client.send({ type: 'set-lang', lang: 'en' });
    const error = await client.next('error');
    expect(error.code).toBe('RATE_LIMITED');
    await client.close();
    await limited.close();
  });

  it('closes a socket that stays idle', async () => {
    const idle = await startServer({ WS_IDLE_TIMEOUT_MS: '1000' });
    const client = await TestClient.connect(idle.wsUrl);
    const code = await new Promise<number>((resolve) => client.ws.once('close', resolve));
    expect(code).toBe(4000);
    await idle.close();
  });

  it('terminates a socket that stops answering pings', async () => {
    const hb = await startServer({ WS_HEARTBEAT_MS: '1000' });
    const client = await TestClient.connect(hb.wsUrl);
    // Stop the client's automatic pong by pausing the underlying socket.
    (client.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    expect(hb.app.connectionCount()).toBe(1);
    await expect.poll(() => hb.app.connectionCount(), { timeout: 5000 }).toBe(0);
    const res = await fetch(`${hb.url}/health`);
    expect(res.status).toBe(200);
    await hb.close();
  });
});

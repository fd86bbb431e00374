/** The production sign-in path end to end: AUTH_MODE=jwt with a PEM key, tokens in hello. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, exportSPKI, generateKeyPair, type CryptoKey } from 'jose';
import { settle, startServer, TestClient, type TestServer } from '../helpers/server.js';
import type { ServerFrame } from '../../src/protocol/frames.js';

const ISSUER = 'https://sign-in.example.ee';
const AUDIENCE = 'life-event-assistant';

let server: TestServer;
let key: CryptoKey;
beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  key = pair.privateKey;
  server = await startServer({
    AUTH_MODE: 'jwt',
    AUTH_PUBLIC_KEY: await exportSPKI(pair.publicKey),
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
  });
});
afterAll(() => server.close());

const token = (o: { sub?: string; aud?: string; iss?: string; exp?: number | string } = {}) =>
  new SignJWT({ name: 'Jaan Jõesaar (demo)' })
    .setProtectedHeader({ alg: 'ES256' })
    .setSubject(o.sub ?? 'EE36103150008')
    .setIssuer(o.iss ?? ISSUER)
    .setAudience(o.aud ?? AUDIENCE)
    .setExpirationTime(o.exp ?? '5m')
    .sign(key);

async function hello(extra: object) {
  const client = await TestClient.connect(server.wsUrl);
  client.send({ type: 'hello', v: 1, lang: 'en', ...extra });
  const welcome = await client.next('welcome');
  return { client, welcome };
}

const systemReplies = (frames: ServerFrame[]) =>
  frames.filter((f) => f.type === 'reply' && f.role === 'system');

describe('AUTH_MODE=jwt over the WebSocket', () => {
  it('signs in with a valid token and greets with that person’s own offers and actions', async () => {
    const { client, welcome } = await hello({ token: await token() });
    expect(welcome.identity).toEqual({ name: 'Jaan Jõesaar (demo)' });
    await client.next('reply');
    const system = await client.next('reply');
    expect(system.role).toBe('system');
    expect(JSON.stringify(system.blocks)).toContain('ret-old-age-pension');
    await client.close();
  });

  it.each([
    ['expired', () => token({ exp: Math.floor(Date.now() / 1000) - 600 })],
    ['wrong issuer', () => token({ iss: 'https://other.example' })],
    ['wrong audience', () => token({ aud: 'another-app' })],
    ['not a personal code', () => token({ sub: 'EE36103150009' })],
  ])('refuses a token with %s and goes on signed out', async (_name, make) => {
    const { client, welcome } = await hello({ token: await make() });
    expect(client.frames[0]).toMatchObject({ type: 'error', code: 'AUTH_INVALID_TOKEN' });
    expect(welcome.identity).toBeUndefined();
    await client.next('reply');
    expect(systemReplies(await settle(client))).toEqual([]);
    await client.close();
  });

  it('greets when a signed-out conversation is signed in on resume', async () => {
    const first = await hello({});
    const greeting = await first.client.next('reply');
    await first.client.close();
    const again = await hello({
      sessionId: first.welcome.sessionId,
      lastSeq: greeting.seq,
      token: await token(),
    });
    expect(again.welcome).toMatchObject({
      resumed: true,
      identity: { name: 'Jaan Jõesaar (demo)' },
    });
    const system = await again.client.next('reply');
    expect(system.role).toBe('system');
    await again.client.close();
  });

  it('has no demo sign-in', async () => {
    expect((await fetch(`${server.url}/api/v1/demo/persons`)).status).toBe(404);
  });
});

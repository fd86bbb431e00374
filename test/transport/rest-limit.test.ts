/**
 * REST rate limits (issue 15, item 10): per client address and per conversation, like the
 * socket, answered 429 RATE_LIMITED with Retry-After; the counters stay bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWindowCounter } from '../../src/transport/rest-limit.js';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({
    REST_RATE_LIMIT: '8',
    REST_RATE_WINDOW_MS: '60000',
    WS_RATE_LIMIT: '3',
    WS_RATE_WINDOW_MS: '60000',
  });
});
afterAll(() => server.close());

const post = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('REST rate limits', () => {
  it('limits messages per conversation, then new conversations per address', async () => {
    const created = await post('/api/v1/conversations', { lang: 'en' });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await post(`/api/v1/conversations/${id}/messages`, { text: 'hello' })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);

    // 5 requests so far from this address; the limit is 8.
    const more: Response[] = [];
    for (let i = 0; i < 4; i++) more.push(await post('/api/v1/conversations', { lang: 'en' }));
    expect(more.map((r) => r.status)).toEqual([201, 201, 201, 429]);
    const refused = more[3];
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused?.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    // Health and the rest of the site are not limited.
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});

describe('window counter', () => {
  it('resets after the window and keeps at most maxKeys keys', () => {
    const c = createWindowCounter(2, 1000, 100);
    expect([c.hit('a', 0), c.hit('a', 10), c.hit('a', 20)]).toEqual([0, 0, 980]);
    expect(c.hit('a', 1000)).toBe(0);
    for (let i = 0; i < 1000; i++) c.hit(`k${i}`, 1000 + i);
    expect(c.size).toBeLessThanOrEqual(100);
  });
});

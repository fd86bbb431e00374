import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const post = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('HTTP', () => {
  it('answers health and Prometheus metrics', async () => {
    const health = await fetch(`${server.url}/health`);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('chat_connections');
    expect(metrics).toContain('chat_turn_duration_seconds');
  });

  it('serves the demo page with exactly one widget script tag, with security headers', async () => {
    const res = await fetch(`${server.url}/`);
    const html = await res.text();
    expect(html.match(/<script[^>]*src="[^"]*widget\.js"/g)).toHaveLength(1);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves widget.js so that other sites may embed it', async () => {
    const res = await fetch(`${server.url}/widget.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
  });

  it('answers unknown paths with 404 JSON', async () => {
    const res = await fetch(`${server.url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});

describe('REST channel', () => {
  it('opens a conversation, greets with the life events, and walks a dialog', async () => {
    const created = await post('/api/v1/conversations', { lang: 'en' });
    expect(created.status).toBe(201);
    const { id, replies } = (await created.json()) as {
      id: string;
      replies: { text: string; blocks: { type: string }[] }[];
    };
    expect(replies[0]?.blocks.some((b) => b.type === 'options')).toBe(true);

    const said = await post(`/api/v1/conversations/${id}/messages`, {
      text: 'we want to get married',
    });
    expect(said.status).toBe(200);
    const turn = (await said.json()) as {
      replies: { meta?: { lifeEvent?: string }; text: string }[];
    };
    expect(turn.replies.length).toBeGreaterThan(0);
    expect(turn.replies[0]?.meta?.lifeEvent).toBe('marriage');
  });

  it('takes a quick reply by option id', async () => {
    const { id } = (await (await post('/api/v1/conversations', { lang: 'et' })).json()) as {
      id: string;
    };
    const res = await post(`/api/v1/conversations/${id}/messages`, {
      optionId: 'event:retirement',
    });
    const turn = (await res.json()) as { replies: { meta?: { lifeEvent?: string } }[] };
    expect(turn.replies[0]?.meta?.lifeEvent).toBe('retirement');
  });

  it.each([
    ['an unknown language', '/api/v1/conversations', { lang: 'de' }, 'lang'],
    ['an unknown field', '/api/v1/conversations', { lang: 'et', x: 1 }, 'x'],
  ])('refuses %s with 400 and the issues', async (_name, path, body, field) => {
    const res = await post(path, body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as {
      error: { code: string; issues: { path: string; message: string }[] };
    };
    expect(json.error.code).toBe('BAD_REQUEST');
    expect(JSON.stringify(json.error.issues)).toContain(field);
  });

  it('refuses an empty message with 400 and malformed JSON with 400', async () => {
    const { id } = (await (await post('/api/v1/conversations', {})).json()) as { id: string };
    expect((await post(`/api/v1/conversations/${id}/messages`, { text: '' })).status).toBe(400);
    expect((await post(`/api/v1/conversations/${id}/messages`, '{"text":')).status).toBe(400);
  });

  it('answers 404 for a conversation it does not know', async () => {
    const res = await post('/api/v1/conversations/no-such-id/messages', { text: 'tere' });
    expect(res.status).toBe(404);
  });
});

/**
 * The status panel down (issue 15): after repeated failures its circuit opens; /ready reports
 * it as degraded but stays 200 (chats that do not need a status go on), and a signed-in person
 * is told the status cannot be seen now. The slow panel is covered in test/status/status-e2e.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockStatusPanel, type MockStatusPanel } from '../../src/status/mock-server.js';
import { metric } from '../helpers/faults.js';
import { startServer, TestClient, type TestServer } from '../helpers/server.js';

let mock: MockStatusPanel;
let server: TestServer;

beforeAll(async () => {
  mock = createMockStatusPanel({ behaviour: { failNext: 10_000, failStatus: 503 } });
  server = await startServer({
    AUTH_MODE: 'demo',
    STATUS_PANEL_URL: await mock.listen(),
    STATUS_LOOKUP_TIMEOUT_MS: '500',
    STATUS_PANEL_CACHE_MS: '0',
  });
});
afterAll(async () => {
  await server?.close();
  await mock?.close();
});

async function signedInHello(): Promise<TestClient> {
  const res = await fetch(`${server.url}/api/v1/demo/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ personId: 'anna-aas' }),
  });
  const { token } = (await res.json()) as { token: string };
  const client = await TestClient.connect(server.wsUrl);
  client.send({ type: 'hello', v: 1, lang: 'en', token });
  await client.next('welcome');
  return client;
}

async function systemReply(client: TestClient) {
  for (;;) {
    const reply = await client.next('reply', 5000);
    if (reply.role === 'system') return reply;
  }
}

describe('status panel down', () => {
  it('opens the circuit, reports degraded readiness, and chats go on', async () => {
    // Each signed-in hello looks the status up; failed attempts in a row open the circuit.
    for (let i = 0; i < 15 && (await metric(server.url, 'status_panel_circuit_open')) === 0; i++) {
      const c = await signedInHello();
      await systemReply(c);
      await c.close();
    }
    expect(await metric(server.url, 'status_panel_circuit_open')).toBe(1);

    const res = await fetch(`${server.url}/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ready',
      checks: { statusPanel: 'degraded' },
    });

    // With the circuit open the answer comes at once, and the conversation goes on.
    const started = Date.now();
    const client = await signedInHello();
    const reply = await systemReply(client);
    expect(reply.text).toContain('I cannot see your status right now');
    expect(Date.now() - started).toBeLessThan(1500);
    client.send({ type: 'message', id: 'm1', text: 'hello' });
    expect((await client.next('reply')).replyTo).toBe('m1');
    await client.close();
  }, 90_000);
});

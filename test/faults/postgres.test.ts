/**
 * PostgreSQL faults on a running server (issue 15): connections terminated mid-run, the server
 * refusing connections for a while, the database down at shutdown, and a NUL in a message.
 * Chats go on throughout and every message lands once the database is back.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFlakyProxy, type FlakyProxy } from '../helpers/flaky-proxy.js';
import {
  chat,
  lastSeq,
  metric,
  say,
  storedMessages,
  terminateBackends,
  via,
} from '../helpers/faults.js';
import { createTestDatabase, MAINTENANCE_URL, type TestDatabase } from '../helpers/postgres.js';
import { startServer, type TestClient, type TestServer } from '../helpers/server.js';

/** Polls wait long: real servers on a shared, loaded machine. */
const POLL = { timeout: 30_000, interval: 100 };

let database: TestDatabase;
let proxy: FlakyProxy;
const dataDir = mkdtempSync(join(tmpdir(), 'pg-faults-'));
const open: TestServer[] = [];
const clients: TestClient[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  const target = new URL(MAINTENANCE_URL);
  proxy = await startFlakyProxy(`http://${target.hostname}:${target.port || 5432}`);
});
afterEach(async () => {
  proxy.up();
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(open.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await proxy.close();
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function server(env: Record<string, string>): Promise<TestServer> {
  const s = await startServer({ PSEUDONYM_KEY: 'k'.repeat(32), ...env });
  open.push(s);
  return s;
}

// Real servers and real faults: generous time on a loaded machine (the polls decide).
describe('PostgreSQL faults', { timeout: 90_000 }, () => {
  it('survives its pooled connections being terminated; chats go on and nothing is lost', async () => {
    const s = await server({ DATABASE_URL: database.url });
    const a = await chat(s.wsUrl, 3);
    clients.push(a.client);
    await expect
      .poll(() => storedMessages(database.url, [a.sessionId]), POLL)
      .toBe(lastSeq(a.client));

    // Idle pooled connections die: without the pool's error listener the process exits here.
    expect(await terminateBackends(database.url)).toBeGreaterThan(0);
    await expect
      .poll(() => metric(s.url, 'database_connection_errors_total'), POLL)
      .toBeGreaterThan(0);

    await say(a.client, 3);
    const b = await chat(s.wsUrl, 2);
    clients.push(b.client);
    await expect
      .poll(() => storedMessages(database.url, [a.sessionId, b.sessionId]), POLL)
      .toBe(lastSeq(a.client) + lastSeq(b.client));
    expect(await (await fetch(`${s.url}/health`)).json()).toMatchObject({ status: 'ok' });
  });

  it('keeps chatting while PostgreSQL refuses connections and writes everything when it returns', async () => {
    const s = await server({ DATABASE_URL: via(proxy.url, database.url) });
    const a = await chat(s.wsUrl, 1);
    clients.push(a.client);
    await expect
      .poll(() => storedMessages(database.url, [a.sessionId]), POLL)
      .toBe(lastSeq(a.client));

    proxy.down();
    await say(a.client, 3);
    const b = await chat(s.wsUrl, 2);
    clients.push(b.client);
    await expect
      .poll(() => metric(s.url, 'transcript_write_errors_total'), POLL)
      .toBeGreaterThan(0);
    expect(await storedMessages(database.url, [b.sessionId])).toBe(0);
    // Liveness stays up; readiness says the database is down.
    expect((await fetch(`${s.url}/health`)).status).toBe(200);
    const notReady = await fetch(`${s.url}/ready`);
    expect(notReady.status).toBe(503);
    const body = (await notReady.json()) as { checks: Record<string, string> };
    expect(body.checks.database).toMatch(/^down/);

    proxy.up();
    await expect
      .poll(() => storedMessages(database.url, [a.sessionId, b.sessionId]), POLL)
      .toBe(lastSeq(a.client) + lastSeq(b.client));
    expect(await metric(s.url, 'transcript_rows_dropped_total')).toBe(0);
    expect((await fetch(`${s.url}/ready`)).status).toBe(200);
  });

  it('keeps what it could not write at shutdown and writes it at the next start', async () => {
    const env = { DATABASE_URL: via(proxy.url, database.url), DATA_DIR: dataDir };
    const s = await server(env);
    const a = await chat(s.wsUrl, 2);
    proxy.down();
    await say(a.client, 2);
    const expected = lastSeq(a.client);
    await a.client.close();
    open.splice(open.indexOf(s), 1);
    await s.close();
    expect(existsSync(join(dataDir, 'transcripts-spill.json'))).toBe(true);
    expect(await storedMessages(database.url, [a.sessionId])).toBeLessThan(expected);

    proxy.up();
    await server(env);
    expect(await storedMessages(database.url, [a.sessionId])).toBe(expected);
    expect(existsSync(join(dataDir, 'transcripts-spill.json'))).toBe(false);
  }, 120_000);

  it('stores a message with a NUL character and keeps writing the others', async () => {
    const s = await server({ DATABASE_URL: database.url });
    const a = await chat(s.wsUrl, 1, 'hello\u0000world \uD800');
    const b = await chat(s.wsUrl, 2);
    clients.push(a.client, b.client);
    await expect
      .poll(() => storedMessages(database.url, [a.sessionId, b.sessionId]), POLL)
      .toBe(lastSeq(a.client) + lastSeq(b.client));
    expect(await metric(s.url, 'transcript_rows_dropped_total')).toBe(0);
  });
});

/** Shared pieces of the fault tests (test/faults): chatting, counting stored rows, a pg proxy. */
import pg from 'pg';
import type { ServerFrame } from '../../src/protocol/frames.js';
import { TestClient } from './server.js';

/** Opens a conversation and says `turns` things; returns the client and its session id. */
export async function chat(
  wsUrl: string,
  turns: number,
  text = 'tere',
): Promise<{ client: TestClient; sessionId: string }> {
  const client = await TestClient.connect(wsUrl);
  client.send({ type: 'hello', v: 1, lang: 'et' });
  const welcome = await client.next('welcome');
  await say(client, turns, text);
  return { client, sessionId: welcome.sessionId };
}

let counter = 0;

/** Sends `turns` messages, each waiting for its answer. */
export async function say(client: TestClient, turns: number, text = 'tere'): Promise<void> {
  for (let i = 0; i < turns; i++) {
    const id = `t${++counter}`;
    client.send({ type: 'message', id, text });
    await waitForReply(client, id);
  }
}

async function waitForReply(client: TestClient, id: string): Promise<void> {
  for (;;) {
    const reply = await client.next('reply', 30_000);
    if (reply.replyTo === id) return;
  }
}

/** The highest seq a client has seen: the number of messages its conversation holds. */
export function lastSeq(client: TestClient): number {
  return client.frames.reduce(
    (max, f: ServerFrame) => ('seq' in f && typeof f.seq === 'number' ? Math.max(max, f.seq) : max),
    0,
  );
}

/** Counts stored messages per conversation, over its own connection (not the app's pool). */
export async function storedMessages(url: string, ids: string[]): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ n: string }>(
      'select count(*) as n from messages where conversation_id = any($1)',
      [ids],
    );
    return Number(r.rows[0]?.n ?? 0);
  } finally {
    await c.end();
  }
}

/** Ends every other connection to the database, as a restart or failover would. */
export async function terminateBackends(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
    return r.rowCount ?? 0;
  } finally {
    await c.end();
  }
}

/** The database URL with its host and port replaced by a proxy's. */
export function via(proxyUrl: string, databaseUrl: string): string {
  const p = new URL(proxyUrl);
  const u = new URL(databaseUrl);
  u.hostname = p.hostname;
  u.port = p.port;
  return u.toString();
}

/** One counter or gauge value from /metrics text (0 when absent). */
export async function metric(baseUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n'))
    if (line.startsWith(name) && /^[\w]+(\{[^}]*\})? /.test(line) && line.split(/[{ ]/)[0] === name)
      total += Number(line.split(' ').at(-1));
  return total;
}

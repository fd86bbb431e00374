/**
 * Data-loss figure (docs/benchmarks.md, "Data loss on stop"): starts the compiled server
 * (dist/main.js, as `npm start` runs it) in its own process on loopback, puts it under chat
 * load, stops it with SIGTERM or SIGKILL mid-load, then compares what the clients were
 * answered with what the database holds. Bounded: a few seconds of load per run.
 *
 *   npm run build && npx tsx scripts/data-loss.ts [--runs 3] [--clients 20] [--load-ms 3000]
 *     [--store sqlite|postgres] [--signal SIGTERM|SIGKILL] [--write]
 *
 * "Acknowledged" counts every message (citizen and assistant) a client received with its seq:
 * the server had accepted it, so it must be stored. Lost = acknowledged but not stored.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { WebSocket } from 'ws';
import { writeBenchmarkSection } from './benchmarks-file.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVER = join(ROOT, 'dist', 'main.js');
const MAINTENANCE_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface DataLossRun {
  store: 'sqlite' | 'postgres';
  signal: 'SIGTERM' | 'SIGKILL';
  clients: number;
  loadMs: number;
}

export interface DataLossResult extends DataLossRun {
  /** Message frames the clients sent. */
  sent: number;
  /** Messages (both sides) the clients were answered with. */
  acknowledged: number;
  stored: number;
  lost: number;
  /** Acknowledged messages per second in the last second before the signal. */
  perSecond: number;
  exitCode: number | null;
  shutdownLogged: boolean;
  /** From the signal to the process exit. */
  stopMs: number;
}

interface LogLine {
  msg?: string;
  url?: string;
}

async function createDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `dataloss_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: MAINTENANCE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(MAINTENANCE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: MAINTENANCE_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

async function storedPerConversation(
  run: DataLossRun,
  dataDir: string,
  databaseUrl: string | undefined,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const sqlText =
    'select conversation_id as id, count(*) as n from messages group by conversation_id';
  if (run.store === 'sqlite') {
    const file = join(dataDir, 'assistant.sqlite');
    if (!existsSync(file)) return counts;
    const db = new SQLite(file);
    for (const r of db.prepare(sqlText).all() as { id: string; n: number }[])
      counts.set(r.id, Number(r.n));
    db.close();
    return counts;
  }
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  for (const r of (await c.query<{ id: string; n: string }>(sqlText)).rows)
    counts.set(r.id, Number(r.n));
  await c.end();
  return counts;
}

/** One client: hello, then one message after another until its socket closes. */
function startClient(
  wsUrl: string,
  seen: Map<string, number>,
  stats: { sent: number },
  texts: string[],
): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl);
    let sessionId = '';
    let n = 0;
    const next = () => {
      if (ws.readyState !== WebSocket.OPEN) return;
      n += 1;
      stats.sent += 1;
      ws.send(JSON.stringify({ type: 'message', id: `m${n}`, text: texts[n % texts.length] }));
    };
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', v: 1, lang: 'et' })));
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString('utf8')) as {
        type: string;
        sessionId?: string;
        seq?: number;
        replyTo?: string;
      };
      if (frame.type === 'welcome' && frame.sessionId) {
        sessionId = frame.sessionId;
        next();
        return;
      }
      if (typeof frame.seq === 'number' && sessionId)
        seen.set(sessionId, Math.max(seen.get(sessionId) ?? 0, frame.seq));
      if (frame.type === 'reply' && frame.replyTo === `m${n}`) next();
    });
    ws.on('close', () => resolve());
    ws.on('error', () => resolve());
  });
}

export async function measureDataLoss(run: DataLossRun): Promise<DataLossResult> {
  if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run npm run build first`);
  const dataDir = mkdtempSync(join(tmpdir(), 'data-loss-'));
  const database = run.store === 'postgres' ? await createDatabase() : undefined;
  const child = spawn(process.execPath, ['--enable-source-maps', SERVER], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      WS_RATE_LIMIT: '10000',
      PSEUDONYM_KEY: 'data-loss-benchmark-key-0123456789abcdef',
      ...(database && { DATABASE_URL: database.url }),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines: LogLine[] = [];
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('server did not start within 90 s')), 90_000);
      createInterface({ input: child.stderr }).on('line', (line) => {
        try {
          const parsed = JSON.parse(line) as LogLine;
          lines.push(parsed);
          if (parsed.msg === 'life-event assistant listening' && parsed.url) {
            clearTimeout(timer);
            resolve(parsed.url);
          }
        } catch {
          // not a log line
        }
      });
      void exited.then(() => reject(new Error('server exited before listening')));
    });
    const seen = new Map<string, number>();
    const stats = { sent: 0 };
    const texts = ['tere', 'tahan abielluda', 'mis on minu staatus', 'aitäh', 'my father died'];
    const wsUrl = `${url.replace('http', 'ws')}/ws`;
    const clients = Array.from({ length: run.clients }, () =>
      startClient(wsUrl, seen, stats, texts),
    );
    // The rate over the last second before the signal (the ramp-up left out).
    const total = () => [...seen.values()].reduce((a, b) => a + b, 0);
    const rateFromMs = Math.max(0, run.loadMs - 1000);
    await new Promise((resolve) => setTimeout(resolve, rateFromMs));
    const beforeLastSecond = total();
    await new Promise((resolve) => setTimeout(resolve, run.loadMs - rateFromMs));
    const atSignal = total() - beforeLastSecond;
    const signalledAt = Date.now();
    child.kill(run.signal);
    const exitCode = await Promise.race([
      exited,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 20_000)),
    ]);
    const stopMs = Date.now() - signalledAt;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(clients);
    const stored = await storedPerConversation(run, dataDir, database?.url);
    let acknowledged = 0;
    let lost = 0;
    let storedTotal = 0;
    for (const [id, seq] of seen) {
      acknowledged += seq;
      const rows = stored.get(id) ?? 0;
      storedTotal += Math.min(rows, seq);
      lost += Math.max(0, seq - rows);
    }
    return {
      ...run,
      sent: stats.sent,
      acknowledged,
      stored: storedTotal,
      lost,
      perSecond: Math.round((atSignal / (run.loadMs - rateFromMs)) * 1000),
      exitCode,
      shutdownLogged: lines.some((l) => l.msg === 'shutting down'),
      stopMs,
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      clients: { type: 'string', default: '20' },
      'load-ms': { type: 'string', default: '3000' },
      write: { type: 'boolean', default: false },
      store: { type: 'string' },
      signal: { type: 'string' },
    },
  });
  const stores = (['sqlite', 'postgres'] as const).filter(
    (x) => !values.store || x === values.store,
  );
  const signals = (['SIGTERM', 'SIGKILL'] as const).filter(
    (x) => !values.signal || x === values.signal,
  );
  const runs = Math.min(10, Number(values.runs));
  const clients = Math.min(200, Number(values.clients));
  const loadMs = Math.min(30_000, Number(values['load-ms']));
  const results: DataLossResult[] = [];
  for (const store of stores)
    for (const signal of signals)
      for (let i = 0; i < runs; i++) {
        const r = await measureDataLoss({ store, signal, clients, loadMs });
        results.push(r);
        process.stdout.write(`${JSON.stringify(r)}\n`);
      }
  const rows = stores.flatMap((store) =>
    signals.map((signal) => {
      const rs = results.filter((r) => r.store === store && r.signal === signal);
      const sum = (f: (r: DataLossResult) => number) => rs.reduce((a, r) => a + f(r), 0);
      const window = Math.round((sum((r) => r.perSecond) / rs.length) * 0.2);
      return `| ${store} | ${signal} | ${rs.length} | ${sum((r) => r.sent)} | ${sum((r) => r.acknowledged)} | ${sum((r) => r.stored)} | ${rs.map((r) => r.lost).join(', ')} | ${window} | ${rs.map((r) => r.stopMs).join(', ')} |`;
    }),
  );
  const body = `Frames the clients were answered with vs. rows in the database after the server process
(\`node dist/main.js\`) was stopped mid-load: ${clients} WebSocket clients each sending one
message after another for ${loadMs / 1000} s on loopback, then the signal. "Acknowledged" counts
every message (citizen and assistant) a client received with its seq; "lost" is acknowledged but
not stored. SIGTERM must lose 0; SIGKILL at most the batch window: the recorder writes every
200 ms or at 100 rows ("window" = 0.2 s × the acknowledged rate in the last second), plus the
batch being written when the process dies, which takes longer when the CPU is starved.
Measured ${new Date().toISOString().slice(0, 10)} with \`npx tsx scripts/data-loss.ts --runs ${runs}\`
on ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)} at the end of the runs.

| store | signal | runs | sent | acknowledged | stored | lost per run | window | stop ms per run |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}`;
  process.stdout.write(`\n${body}\n`);
  if (values.write) writeBenchmarkSection('Data loss on stop', body);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}

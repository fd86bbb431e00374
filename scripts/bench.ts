/**
 * Load benchmark over loopback, bounded in count and time. The server runs in its own process
 * (scripts/bench-server.ts); this process is the load generator. For each backend (embedded
 * defaults; Redis + PostgreSQL) it measures:
 *
 * 1. memory per idle conversation: heap after a full GC, before and after M conversations
 *    (hello, one message, socket closed), divided by M;
 * 2. closed loop: C conversations each sending its next message as soon as the last turn is
 *    complete (typing off), against the app and against a raw ws echo server, twice (as it
 *    always was, and answering the same frames as the app), with this same client; the three
 *    take turns in W rounds of S-second windows (`closedLoops`), and the ratio app / echo is
 *    the median of the rounds' ratios, with their range (the machine's speed drifts);
 * 3. open loop: N conversations each writing every T s (±50%, random phase) for D seconds;
 *    turn latency (message sent → typing off) p50/p95/p99 and turns still unanswered 3 s
 *    after the last message.
 *
 *   npm run bench [-- --quick] [--backend embedded|shared|both] [--write] [--profile DIR]
 *                 [--closed C] [--windows W] [--window S] [--open N] [--interval S]
 *                 [--seconds D] [--idle M]
 *
 * Defaults: 200 closed-loop conversations, 6 rounds of 2 s; 2,000 (embedded) or 1,000 open-loop
 * conversations every 5 s for 20 s; 2,000 idle conversations.
 * `--quick` (embedded only, small counts) finishes within 30 s. `--profile DIR` runs the app
 * server under `node --cpu-prof` and leaves the .cpuprofile in DIR.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { WebSocket } from 'ws';
import { writeBenchmarkSection } from './benchmarks-file.js';
import { heldOutTexts } from './held-out-texts.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    backend: { type: 'string' },
    write: { type: 'boolean', default: false },
    profile: { type: 'string' },
    closed: { type: 'string' },
    open: { type: 'string' },
    interval: { type: 'string' },
    seconds: { type: 'string' },
    windows: { type: 'string' },
    window: { type: 'string' },
    idle: { type: 'string' },
  },
});

const quick = values.quick;
const backends: ('embedded' | 'shared')[] =
  values.backend === 'shared'
    ? ['shared']
    : values.backend === 'both' || (!quick && values.backend === undefined)
      ? ['embedded', 'shared']
      : ['embedded'];
const CLOSED = Number(values.closed ?? (quick ? 50 : 200));
const INTERVAL_S = Number(values.interval ?? 5);
const SECONDS = Number(values.seconds ?? (quick ? 3 : 20));
/** Closed loop: rounds, and the seconds each server gets per round. */
const WINDOWS = Number(values.windows ?? (quick ? 3 : 6));
const WINDOW_S = Number(values.window ?? (quick ? 1 : 2));
/** Turns not complete this long after the last message count as unanswered. */
const GRACE_MS = quick ? 2000 : 3000;
const IDLE = Number(values.idle ?? (quick ? 200 : 2000));
const openCount = (backend: 'embedded' | 'shared') =>
  Number(values.open ?? (quick ? 200 : backend === 'embedded' ? 2000 : 1000));

/**
 * What the conversations say: the held-out NLU messages of all three languages (about 2,300,
 * scripts/held-out-texts.ts), each conversation starting at its own place in the list, so no
 * message recurs often enough for any cache to flatter the figures.
 */
const TEXTS = heldOutTexts();
let conversationsOpened = 0;
const SERVER = fileURLToPath(new URL('./bench-server.ts', import.meta.url));

interface Server {
  port: number;
  /** Echo server only: from now on answer each message with these frames (same-frames echo). */
  speak(replies: Map<string, object[]>): Promise<void>;
  memory(): Promise<NodeJS.MemoryUsage>;
  /** The server process's CPU time so far, µs (user + system). */
  cpu(): Promise<number>;
  stop(): Promise<void>;
}

async function startServer(
  mode: 'app' | 'echo',
  env: Record<string, string>,
  profileDir?: string,
): Promise<Server> {
  const execArgv = ['--import', 'tsx', '--expose-gc'];
  if (profileDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`);
  const child: ChildProcess = fork(SERVER, ['--mode', mode], {
    execArgv,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\n')[0];
      if (buf.includes('\n') && line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    // The server trains the classifier as it starts (about 2 s of CPU): on a machine shared with
    // other work that can take well over a minute.
    setTimeout(() => reject(new Error('bench server did not start in 180 s')), 180_000).unref();
  });
  return {
    port,
    memory: () =>
      new Promise((resolve) => {
        child.once('message', (m) => resolve(m as NodeJS.MemoryUsage));
        child.send({ type: 'memory' });
      }),
    speak: (replies) =>
      new Promise((resolve) => {
        child.once('message', () => resolve());
        child.send({ type: 'replies', replies: [...replies] });
      }),
    cpu: () =>
      new Promise((resolve) => {
        child.once('message', (m) => {
          const u = m as NodeJS.CpuUsage;
          resolve(u.user + u.system);
        });
        child.send({ type: 'cpu' });
      }),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.send({ type: 'stop' });
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
      }),
  };
}

/**
 * The app's reply frames per message text, as first seen in the app's closed loop: the
 * same-frames echo server answers each message with these (docs/benchmarks.md, "Load").
 */
const appReplies = new Map<string, object[]>();
/** Error frames by code (a benchmark run should have none). */
const errorCodes = new Map<string, number>();

/** One conversation: a socket that has said hello; `send` resolves when the turn is complete. */
class Conversation {
  private pending: number[] = [];
  /** The texts of the messages awaiting their turn, and the reply frames of the first one. */
  private pendingTexts: string[] = [];
  private replies: object[] = [];
  private counter = (conversationsOpened++ * 37) % TEXTS.length;
  answered: number[] = [];
  errors = 0;
  private onDone: ((ms: number) => void) | undefined;

  private constructor(private readonly ws: WebSocket) {}

  static open(port: number, lang = 'et'): Promise<Conversation> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    const c = new Conversation(ws);
    return new Promise((resolve, reject) => {
      ws.once('error', reject);
      ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', v: 1, lang })));
      let welcomed = false;
      ws.on('message', (data: Buffer) => {
        const f = JSON.parse(data.toString('utf8')) as {
          type: string;
          on?: boolean;
          code?: string;
        };
        if (!welcomed) {
          if (f.type === 'welcome') {
            welcomed = true;
            resolve(c);
          }
          return;
        }
        if (f.type === 'error') {
          // A refused or failed turn ends without typing off: count it and move on.
          c.errors++;
          errorCodes.set(f.code ?? '?', (errorCodes.get(f.code ?? '?') ?? 0) + 1);
          c.pendingTexts.shift();
          c.replies = [];
          if (c.pending.shift() !== undefined) c.onDone?.(NaN);
        } else if (f.type === 'reply') c.replies.push(f);
        else if (f.type === 'typing' && f.on === false) {
          const text = c.pendingTexts.shift();
          if (text !== undefined && !appReplies.has(text)) appReplies.set(text, c.replies);
          c.replies = [];
          const sent = c.pending.shift();
          if (sent !== undefined) {
            const ms = performance.now() - sent;
            c.answered.push(ms);
            c.onDone?.(ms);
          }
        }
      });
    });
  }

  send(): void {
    this.pending.push(performance.now());
    const i = this.counter++;
    const text = TEXTS[i % TEXTS.length] ?? 'tere';
    this.pendingTexts.push(text);
    this.ws.send(JSON.stringify({ type: 'message', id: `m${i}`, text }));
  }

  /** Sends and waits for the turn to complete. */
  turn(): Promise<number> {
    return new Promise((resolve) => {
      this.onDone = (ms) => {
        this.onDone = undefined;
        resolve(ms);
      };
      this.send();
    });
  }

  get unanswered(): number {
    return this.pending.length;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

async function openMany(port: number, n: number): Promise<Conversation[]> {
  const out: Conversation[] = [];
  for (let i = 0; i < n; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, n - i) }, (_, j) =>
        Conversation.open(port, ['et', 'en', 'ru'][(i + j) % 3]),
      ),
    );
    out.push(...batch);
  }
  return out;
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const round = (n: number, d = 1) => Number(n.toFixed(d));

/** One window of the closed loop: each conversation sends as soon as its last turn is complete. */
async function closedWindow(server: Server, convs: Conversation[], seconds: number) {
  const cpuBefore = await server.cpu();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let turns = 0;
  await Promise.all(
    convs.map(async (c) => {
      while (performance.now() < deadline) {
        await c.turn();
        turns++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpuUs = (await server.cpu()) - cpuBefore;
  return { turns, seconds: elapsed, cpuUs };
}

type Window = Awaited<ReturnType<typeof closedWindow>>;

function summary(clients: number, windows: Window[]) {
  const turns = windows.reduce((n, w) => n + w.turns, 0);
  const seconds = windows.reduce((n, w) => n + w.seconds, 0);
  const cpuUs = windows.reduce((n, w) => n + w.cpuUs, 0);
  return {
    clients,
    turns,
    turnsPerSecond: round(turns / seconds),
    /** The server process's CPU time per turn (all threads), µs. */
    cpuUsPerTurn: Math.round(cpuUs / turns),
    /** Turns per second in each window, in the order run. */
    windows: windows.map((w) => round(w.turns / w.seconds)),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
};

/** The median of per-round ratios and their spread (the machine's speed drifts within minutes). */
function ratioOf(app: Window[], other: Window[]) {
  const each = app.map((a, i) => {
    const o = other[i]!;
    return a.turns / a.seconds / (o.turns / o.seconds);
  });
  return {
    median: round(median(each), 3),
    min: round(Math.min(...each), 3),
    max: round(Math.max(...each), 3),
    each: each.map((r) => round(r, 3)),
  };
}

/**
 * The closed loop, interleaved: C conversations on each of three servers (the app, the echo as
 * it always was, the same-frames echo), then `windows` rounds in which each server gets a window
 * of `seconds` in turn (the order reversed every other round), all from this one client process.
 * A ratio is taken per round, from windows a few seconds apart, so a drift of the machine's speed
 * (±25% within minutes on a shared machine) moves both sides of it; the median of the rounds and
 * their range are reported. A warm-up window per server comes first (the app's also records the
 * reply frames the same-frames echo answers with).
 */
async function closedLoops(
  app: Server,
  echo: Server,
  same: Server,
  clients: number,
  windows: number,
  seconds: number,
) {
  const appConvs = await openMany(app.port, clients);
  const echoConvs = await openMany(echo.port, clients);
  const sameConvs = await openMany(same.port, clients);
  const spoken = new Set<string>();
  /** The same-frames echo learns the app's replies seen since it was last told. */
  const speakNew = async () => {
    const fresh = new Map([...appReplies].filter(([text]) => !spoken.has(text)));
    for (const text of fresh.keys()) spoken.add(text);
    if (fresh.size > 0) await same.speak(fresh);
  };
  const warmup = Math.max(1, seconds);
  await closedWindow(app, appConvs, warmup);
  await closedWindow(echo, echoConvs, warmup);
  await speakNew();
  await closedWindow(same, sameConvs, warmup);
  const runs: Record<'app' | 'echo' | 'same', Window[]> = { app: [], echo: [], same: [] };
  for (let r = 0; r < windows; r++) {
    const order =
      r % 2 === 0 ? (['app', 'echo', 'same'] as const) : (['same', 'echo', 'app'] as const);
    for (const which of order) {
      if (which === 'same') await speakNew();
      const server = which === 'app' ? app : which === 'echo' ? echo : same;
      const convs = which === 'app' ? appConvs : which === 'echo' ? echoConvs : sameConvs;
      runs[which].push(await closedWindow(server, convs, seconds));
    }
  }
  await Promise.all([...appConvs, ...echoConvs, ...sameConvs].map((c) => c.close()));
  const ratio = ratioOf(runs.app, runs.echo);
  const sameRatio = ratioOf(runs.app, runs.same);
  return {
    windows,
    windowSeconds: seconds,
    app: summary(clients, runs.app),
    echo: summary(clients, runs.echo),
    /** Median of the per-round ratios app / echo. */
    ratio: ratio.median,
    ratioRange: [ratio.min, ratio.max],
    ratios: ratio.each,
    sameFramesEcho: summary(clients, runs.same),
    sameFramesRatio: sameRatio.median,
    sameFramesRatioRange: [sameRatio.min, sameRatio.max],
    sameFramesRatios: sameRatio.each,
  };
}

async function openLoop(port: number, n: number, intervalS: number, seconds: number) {
  const convs = await openMany(port, n);
  const stopAt = performance.now() + seconds * 1000;
  let sent = 0;
  const timers = convs.map((c) => {
    const next = (first: boolean) => {
      const delay = first
        ? Math.random() * intervalS * 1000
        : intervalS * 1000 * (0.5 + Math.random());
      return setTimeout(() => {
        if (performance.now() >= stopAt) return;
        c.send();
        sent++;
        timers[convs.indexOf(c)] = next(false);
      }, delay);
    };
    return next(true);
  });
  await new Promise((r) => setTimeout(r, seconds * 1000));
  for (const t of timers) clearTimeout(t);
  await new Promise((r) => setTimeout(r, GRACE_MS));
  const latencies = convs.flatMap((c) => c.answered).sort((a, b) => a - b);
  const unanswered = convs.reduce((s, c) => s + c.unanswered, 0);
  const errors = convs.reduce((s, c) => s + c.errors, 0);
  await Promise.all(convs.map((c) => c.close()));
  return {
    conversations: n,
    intervalS,
    seconds,
    sent,
    answered: latencies.length,
    unanswered,
    errors,
    p50ms: round(pct(latencies, 50), 2),
    p95ms: round(pct(latencies, 95), 2),
    p99ms: round(pct(latencies, 99), 2),
    maxms: round(latencies.at(-1) ?? NaN, 2),
  };
}

async function idleMemory(server: Server, m: number) {
  // Warm up first, so the JIT and caches are not counted as conversations.
  const warm = await openMany(server.port, 20);
  await Promise.all(warm.map((c) => c.turn()));
  await Promise.all(warm.map((c) => c.close()));
  await new Promise((r) => setTimeout(r, 500));
  const before = await server.memory();
  const convs = await openMany(server.port, m);
  await Promise.all(convs.map((c) => c.turn()));
  await Promise.all(convs.map((c) => c.close()));
  await new Promise((r) => setTimeout(r, 1000)); // transcripts flushed, sockets gone
  const after = await server.memory();
  return {
    conversations: m,
    heapBytesPerConversation: Math.round((after.heapUsed - before.heapUsed) / m),
    rssBytesPerConversation: Math.round((after.rss - before.rss) / m),
  };
}

async function sharedEnv(): Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }> {
  const maintenance =
    process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const name = `bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: maintenance });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(maintenance);
  url.pathname = `/${name}`;
  const prefix = `bench-${name}:`;
  return {
    env: {
      DATABASE_URL: url.toString(),
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      PSEUDONYM_KEY: 'b'.repeat(32),
    },
    async cleanup() {
      const c = new pg.Client({ connectionString: maintenance });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
      const redis = new Redis(redisUrl);
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
      await redis.quit();
    },
  };
}

async function runBackend(backend: 'embedded' | 'shared') {
  const shared = backend === 'shared' ? await sharedEnv() : undefined;
  // All servers start at once (start-up is most of a quick run); each idles while another is
  // measured. Two echo processes: as it always was, and the same-frames echo.
  const [app, echo, same] = await Promise.all([
    startServer('app', shared?.env ?? {}, values.profile),
    startServer('echo', {}),
    startServer('echo', {}),
  ]);
  try {
    const loadAtStart = round(loadavg()[0] ?? NaN, 2);
    const step = (what: string) => process.stderr.write(`bench ${backend}: ${what}\n`);
    step('memory per idle conversation');
    const memory = await idleMemory(app, IDLE);
    step(`closed loop, app / echo / same-frames echo in ${WINDOWS} rounds of ${WINDOW_S} s`);
    const closed = await closedLoops(app, echo, same, CLOSED, WINDOWS, WINDOW_S);
    step('open loop, app');
    const open = await openLoop(app.port, openCount(backend), INTERVAL_S, SECONDS);
    return {
      backend,
      loadAverage: { start: loadAtStart, end: round(loadavg()[0] ?? NaN, 2) },
      memory,
      closed,
      open,
    };
  } finally {
    await Promise.all([app.stop(), echo.stop(), same.stop()]);
    await shared?.cleanup();
  }
}

const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}`;
const results = [];
for (const backend of backends) {
  const r = await runBackend(backend);
  results.push(r);
  process.stdout.write(
    `${JSON.stringify({ machine, ...r, errorCodes: Object.fromEntries(errorCodes) })}\n`,
  );
}

if (values.write) {
  const rows = results.map(
    (r) =>
      `| ${r.backend === 'embedded' ? 'embedded (memory + SQLite)' : 'Redis + PostgreSQL'} | ${r.closed.app.turnsPerSecond} | ${r.closed.app.cpuUsPerTurn} | ${r.closed.echo.turnsPerSecond} | **${r.closed.ratio}** (${r.closed.ratioRange.join('–')}) | ${r.closed.sameFramesEcho.turnsPerSecond} | **${r.closed.sameFramesRatio}** (${r.closed.sameFramesRatioRange.join('–')}) | ${r.open.conversations} every ${r.open.intervalS} s | ${r.open.sent} | ${r.open.unanswered} | ${r.open.p50ms} | ${r.open.p95ms} | ${r.open.p99ms} | ${(r.memory.heapBytesPerConversation / 1024).toFixed(1)} KB | ${r.loadAverage.start} → ${r.loadAverage.end} |`,
  );
  writeBenchmarkSection(
    'Load (WebSocket turns)',
    [
      `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench -- --write${quick ? ' --quick' : ''}\` on ${machine}; server and load generator in separate processes on loopback. Messages: the ${TEXTS.length} held-out NLU messages (intents/test), each conversation starting at its own place. Closed loop: ${CLOSED} conversations sending back to back, against the app and against a raw ws echo server (same client, same run), twice: as it always was (welcome; per message the user frame, a 4-letter reply with no blocks, typing off, one write per frame) and answering each message with the reply frames the app sent for it (same size and shape, one write per turn like the app); the three take turns in ${WINDOWS} rounds of ${WINDOW_S}-s windows after a warm-up window each, and a ratio is the median of the rounds' ratios (their range in brackets). Turns/s: all windows' turns over their time. App CPU: the server process's CPU time (all threads) per closed-loop turn. Open loop: each conversation writes every ${INTERVAL_S} s ±50% for ${SECONDS} s; unanswered = no complete turn ${GRACE_MS / 1000} s after the last message. Memory: heap after GC per idle conversation (${IDLE} conversations, one turn each, sockets closed). Load: the machine's 1-minute load average at the start and end of the backend's run.`,
      '',
      '| backend | closed loop turns/s | app CPU µs/turn | echo turns/s | ratio | same-frames echo turns/s | ratio | open loop | sent | unanswered | p50 ms | p95 ms | p99 ms | heap per idle conversation | load |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...rows,
    ].join('\n'),
  );
}

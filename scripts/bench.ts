/**
 * Load benchmark over loopback, bounded in count and time. The server runs in its own process
 * (scripts/bench-server.ts); this process is the load generator. For each backend (embedded
 * defaults; Redis + PostgreSQL) it measures:
 *
 * 1. memory per idle conversation: heap after a full GC, before and after M conversations
 *    (hello, one message, socket closed), divided by M;
 * 2. closed loop: C conversations each sending its next message as soon as the last turn is
 *    over (typing off; see scripts/bench-client.ts for a queued conversation and a turn that
 *    never ends), against the app and against a raw ws echo server, twice (as it always was,
 *    and answering the same frames as the app), with this same client; the three
 *    take turns in W rounds of S-second windows (`closedLoops`), and the ratio app / echo is
 *    the median of the rounds' ratios, with their range (the machine's speed drifts);
 * 3. open loop: N conversations each writing every T s (±50%, random phase) for D seconds;
 *    turn latency (message sent → typing off) p50/p95/p99 and turns still unanswered 3 s
 *    after the last message.
 *
 *   npm run bench [-- --quick] [--backend embedded|shared|both] [--write] [--profile DIR]
 *                 [--closed C] [--windows W] [--window S] [--open N] [--interval S]
 *                 [--seconds D] [--idle M] [--turn-timeout S] [--ask-for-person]
 *
 * Defaults: 200 closed-loop conversations, 6 rounds of 2 s; 2,000 (embedded) or 1,000 open-loop
 * conversations every 5 s for 20 s; 2,000 idle conversations; a turn with no end within 10 s
 * (`--turn-timeout`) is given up and its conversation replaced. The app server's office hours
 * are `always` (unless OFFICE_HOURS is set), so a handover queues at any hour; a conversation
 * queued for a person leaves the queue with the button as its next turn. Both are counted and
 * printed. `--ask-for-person` also sends the held-out messages that ask for a person (left out
 * by default, so the figures stay those of the assistant's own turns).
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
import { Pool, type Frame, type PoolStats } from './bench-client.js';
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
    'turn-timeout': { type: 'string' },
    'ask-for-person': { type: 'boolean', default: false },
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
/** A turn with no end within this counts as unanswered and its conversation is replaced. */
const TURN_TIMEOUT_MS = Number(values['turn-timeout'] ?? 10) * 1000;
/** A new conversation's welcome must come within this. */
const OPEN_TIMEOUT_MS = 30_000;
const openCount = (backend: 'embedded' | 'shared') =>
  Number(values.open ?? (quick ? 200 : backend === 'embedded' ? 2000 : 1000));

/**
 * What the conversations say: the held-out NLU messages of all three languages (about 2,300,
 * scripts/held-out-texts.ts), each conversation starting at its own place in the list, so no
 * message recurs often enough for any cache to flatter the figures.
 */
const TEXTS = heldOutTexts(values['ask-for-person']);
let conversationsOpened = 0;
const SERVER = fileURLToPath(new URL('./bench-server.ts', import.meta.url));

interface Server {
  port: number;
  /** Echo server only: from now on answer each client frame with these (same-frames echo). */
  speak(replies: Map<string, Frame[]>): Promise<void>;
  /** Same-frames echo: client frames answered with their own recorded frames, or another's. */
  answers(): Promise<{ own: number; other: number; none: number }>;
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
  /** One request over IPC and its answer, which must come within 60 s. */
  const ask = <T>(message: object) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.off('message', answer);
        reject(
          new Error(
            `bench ${mode} server: no answer to ${JSON.stringify(message).slice(0, 40)} in 60 s`,
          ),
        );
      }, 60_000);
      const answer = (m: unknown) => {
        clearTimeout(timer);
        resolve(m as T);
      };
      child.once('message', answer);
      child.send(message);
    });
  return {
    port,
    memory: () => ask<NodeJS.MemoryUsage>({ type: 'memory' }),
    speak: async (replies) => {
      await ask({ type: 'replies', replies: [...replies] });
    },
    answers: async () => {
      const { own, other, none } = await ask<{ own: number; other: number; none: number }>({
        type: 'answers',
      });
      return { own, other, none };
    },
    cpu: async () => {
      const u = await ask<NodeJS.CpuUsage>({ type: 'cpu' });
      return u.user + u.system;
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send({ type: 'stop' });
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
      }),
  };
}

/**
 * The app's frames per client frame (message text or quick reply), as first seen in the app's
 * closed loop: the same-frames echo answers each client frame with these (docs/benchmarks.md,
 * "Load"). Only the app's conversations record.
 */
const appReplies = new Map<string, Frame[]>();
/** Error frames by code (a benchmark run should have none). */
const errorCodes = new Map<string, number>();
const LANGS = ['et', 'en', 'ru'] as const;

/** Conversations on one server; `record` for the app's closed loop. */
function openPool(port: number, n: number, record = false): Promise<Pool> {
  return Pool.open(n, (slot) => ({
    port,
    lang: LANGS[slot % LANGS.length] ?? 'et',
    texts: TEXTS,
    // Each conversation starts at its own place in the list.
    offset: (conversationsOpened++ * 37) % TEXTS.length,
    turnTimeoutMs: TURN_TIMEOUT_MS,
    openTimeoutMs: OPEN_TIMEOUT_MS,
    errorCodes,
    ...(record && { record: appReplies }),
  }));
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const round = (n: number, d = 1) => Number(n.toFixed(d));

/**
 * One window of the closed loop: each conversation sends as soon as its last turn is over. A
 * turn that never ends is given up after the turn timeout, and its conversation replaced.
 */
async function closedWindow(server: Server, pool: Pool, seconds: number) {
  const cpuBefore = await server.cpu();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let turns = 0;
  await Promise.all(
    pool.live.map(async (_, slot) => {
      while (performance.now() < deadline) {
        const c = await pool.at(slot);
        if (!Number.isNaN(await c.turn())) turns++;
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
  const pools = {
    app: await openPool(app.port, clients, true),
    echo: await openPool(echo.port, clients),
    same: await openPool(same.port, clients),
  };
  const spoken = new Set<string>();
  /** The same-frames echo learns the app's turns seen since it was last told. */
  const speakNew = async () => {
    const fresh = new Map([...appReplies].filter(([key]) => !spoken.has(key)));
    for (const key of fresh.keys()) spoken.add(key);
    if (fresh.size > 0) await same.speak(fresh);
  };
  const warmup = Math.max(1, seconds);
  await closedWindow(app, pools.app, warmup);
  await closedWindow(echo, pools.echo, warmup);
  await speakNew();
  await closedWindow(same, pools.same, warmup);
  const runs: Record<'app' | 'echo' | 'same', Window[]> = { app: [], echo: [], same: [] };
  for (let r = 0; r < windows; r++) {
    const order =
      r % 2 === 0 ? (['app', 'echo', 'same'] as const) : (['same', 'echo', 'app'] as const);
    for (const which of order) {
      if (which === 'same') await speakNew();
      const server = which === 'app' ? app : which === 'echo' ? echo : same;
      runs[which].push(await closedWindow(server, pools[which], seconds));
    }
  }
  await Promise.all([pools.app.close(), pools.echo.close(), pools.same.close()]);
  const sameAnswers = await same.answers();
  const ratio = ratioOf(runs.app, runs.echo);
  const sameRatio = ratioOf(runs.app, runs.same);
  return {
    windows,
    windowSeconds: seconds,
    app: { ...summary(clients, runs.app), conversations: pools.app.stats() },
    echo: { ...summary(clients, runs.echo), conversations: pools.echo.stats() },
    /** Median of the per-round ratios app / echo. */
    ratio: ratio.median,
    ratioRange: [ratio.min, ratio.max],
    ratios: ratio.each,
    sameFramesEcho: {
      ...summary(clients, runs.same),
      conversations: pools.same.stats(),
      /** Client frames answered with the app's frames for that frame, or for another one. */
      answers: sameAnswers,
    },
    sameFramesRatio: sameRatio.median,
    sameFramesRatioRange: [sameRatio.min, sameRatio.max],
    sameFramesRatios: sameRatio.each,
  };
}

async function openLoop(port: number, n: number, intervalS: number, seconds: number) {
  const pool = await openPool(port, n);
  const stopAt = performance.now() + seconds * 1000;
  let sent = 0;
  const timers = pool.live.map((_, slot) => {
    const next = (first: boolean): NodeJS.Timeout => {
      const delay = first
        ? Math.random() * intervalS * 1000
        : intervalS * 1000 * (0.5 + Math.random());
      return setTimeout(() => {
        if (performance.now() >= stopAt) return;
        timers[slot] = next(false);
        pool.at(slot).then(
          (c) => {
            c.send();
            sent++;
          },
          (err: unknown) =>
            process.stderr.write(`bench: a replacement did not open: ${String(err)}\n`),
        );
      }, delay);
    };
    return next(true);
  });
  await new Promise((r) => setTimeout(r, seconds * 1000));
  for (const t of timers) clearTimeout(t);
  await new Promise((r) => setTimeout(r, GRACE_MS));
  const convs = pool.all;
  const latencies = convs.flatMap((c) => c.answered).sort((a, b) => a - b);
  const unanswered = convs.reduce((s, c) => s + c.unanswered, 0);
  const stats = pool.stats();
  await pool.close();
  return {
    conversations: n,
    intervalS,
    seconds,
    sent,
    answered: latencies.length,
    unanswered,
    errors: stats.errors,
    p50ms: round(pct(latencies, 50), 2),
    p95ms: round(pct(latencies, 95), 2),
    p99ms: round(pct(latencies, 99), 2),
    maxms: round(latencies.at(-1) ?? NaN, 2),
    handover: stats,
  };
}

async function idleMemory(server: Server, m: number) {
  // Warm up first, so the JIT and caches are not counted as conversations.
  const warm = await openPool(server.port, 20);
  await Promise.all(warm.live.map((c) => c.turn()));
  await warm.close();
  await new Promise((r) => setTimeout(r, 500));
  const before = await server.memory();
  const pool = await openPool(server.port, m);
  await Promise.all(pool.live.map((c) => c.turn()));
  await pool.close();
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

/** A pool's outcomes in words, for stderr. */
function told(s: PoolStats): string {
  return `${s.conversations} conversations (${s.replaced} replaced; ${s.timedOutTurns} turns timed out), ${s.queued} queued for a person, ${s.leftQueue} left the queue, ${s.errors} errors`;
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
    step(`closed loop, app: ${told(closed.app.conversations)}`);
    step(`closed loop, echo: ${told(closed.echo.conversations)}`);
    const { own, other, none } = closed.sameFramesEcho.answers;
    step(
      `closed loop, same-frames echo: ${told(closed.sameFramesEcho.conversations)}; answered ${own} client frames with the app's frames for them, ${other} with another's (the app never sent them), ${none} with none`,
    );
    step('open loop, app');
    const open = await openLoop(app.port, openCount(backend), INTERVAL_S, SECONDS);
    step(`open loop, app: ${told(open.handover)}`);
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

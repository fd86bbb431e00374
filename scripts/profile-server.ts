/**
 * Server CPU per turn, A/B: one or more app servers (scripts/bench-server.ts of this tree or of
 * another checkout, each its own process) take turns in batches of the same closed-loop turns
 * from this one client process (the held-out messages, as `npm run bench` sends them), and each
 * batch's server CPU time (process.cpuUsage, all threads) is divided by its turns. Servers
 * measured in alternating batches see the same machine load, so their ratio is the figure to
 * trust on a busy machine; turns per second are not reported.
 *
 *   npx tsx scripts/profile-server.ts [--server PATH/scripts/bench-server.ts]... \
 *     [--turns N] [--warmup N] [--conversations C] [--batches B] [--profile DIR]
 *
 * With no --server it measures this tree's. `--profile DIR` runs the servers under
 * `node --cpu-prof` (read with scripts/profile-top.ts). Prints one JSON line per batch and a
 * summary: each server's median µs per turn and its median ratio to the first server's batch
 * of the same round.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { heldOutTexts } from './held-out-texts.js';

const { values } = parseArgs({
  options: {
    server: { type: 'string', multiple: true },
    turns: { type: 'string', default: '4000' },
    warmup: { type: 'string', default: '4000' },
    conversations: { type: 'string', default: '200' },
    batches: { type: 'string', default: '6' },
    profile: { type: 'string' },
  },
});

const OWN = fileURLToPath(new URL('./bench-server.ts', import.meta.url));
const SERVERS = (values.server ?? [OWN]).map((p) => resolve(p));
const TEXTS = heldOutTexts();
const LANGS = ['et', 'en', 'ru'];

interface Server {
  path: string;
  child: ChildProcess;
  port: number;
  convs: Conversation[];
}

async function startServer(path: string): Promise<Server> {
  const execArgv = ['--import', 'tsx'];
  if (values.profile) execArgv.push('--cpu-prof', `--cpu-prof-dir=${values.profile}`);
  const child = fork(path, ['--mode', 'app'], {
    cwd: dirname(dirname(path)),
    execArgv,
    env: { ...process.env, LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((ok, fail) => {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\n')[0];
      if (buf.includes('\n') && line) ok((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => fail(new Error(`${path} exited with ${code}`)));
  });
  return { path, child, port, convs: [] };
}

function cpu(server: Server): Promise<number> {
  return new Promise((ok) => {
    server.child.once('message', (m) => {
      const u = m as NodeJS.CpuUsage;
      ok(u.user + u.system);
    });
    server.child.send({ type: 'cpu' });
  });
}

function stop(server: Server): Promise<void> {
  return new Promise((ok) => {
    server.child.once('exit', () => ok());
    server.child.send({ type: 'stop' });
    setTimeout(() => server.child.kill('SIGKILL'), 15_000).unref();
  });
}

let opened = 0;
class Conversation {
  private next = (opened * 37) % TEXTS.length;
  private sent = 0;
  onDone: (() => void) | undefined;
  stalled = false;
  private constructor(private readonly ws: WebSocket) {}

  static open(port: number): Promise<Conversation> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    const c = new Conversation(ws);
    const lang = LANGS[opened++ % 3];
    return new Promise((ok, fail) => {
      ws.once('error', fail);
      ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', v: 1, lang })));
      ws.on('message', (data: Buffer) => {
        const f = JSON.parse(data.toString('utf8')) as { type: string; on?: boolean };
        if (f.type === 'welcome') ok(c);
        else if (f.type === 'error' || (f.type === 'typing' && f.on === false)) c.onDone?.();
      });
    });
  }

  send(): void {
    const text = TEXTS[this.next++ % TEXTS.length] ?? 'tere';
    this.ws.send(JSON.stringify({ type: 'message', id: `m${this.sent++}`, text }));
  }

  close(): void {
    this.ws.close();
  }
}

/**
 * `n` turns in a closed loop over the server's conversations; answers its CPU µs per turn. A
 * conversation whose turn is not complete in 10 s (one the assistant handed over: its messages
 * wait for a person, with no typing off) leaves the loop for good and its turn is not counted;
 * the batch ends early if no conversation is left.
 */
async function batch(server: Server, n: number): Promise<number> {
  const before = await cpu(server);
  let sent = 0;
  let done = 0;
  let inFlight = 0;
  await new Promise<void>((finish) => {
    const go = (c: Conversation) => {
      if (sent >= n) {
        if (inFlight === 0) finish();
        return;
      }
      sent++;
      inFlight++;
      const timer = setTimeout(() => {
        c.onDone = undefined;
        c.stalled = true;
        inFlight--;
        if (inFlight === 0) finish();
      }, 10_000);
      c.onDone = () => {
        clearTimeout(timer);
        c.onDone = undefined;
        inFlight--;
        done++;
        go(c);
      };
      c.send();
    };
    for (const c of server.convs) if (!c.stalled) go(c);
    if (inFlight === 0) finish();
  });
  const stalled = server.convs.filter((c) => c.stalled).length;
  if (stalled > 0) console.error(`profile-server: ${stalled} conversations left the loop`);
  return ((await cpu(server)) - before) / Math.max(1, done);
}

const servers: Server[] = [];
for (const path of SERVERS) {
  const s = await startServer(path);
  console.error(`profile-server: ${path} listening on ${s.port}`);
  for (let i = 0; i < Number(values.conversations); i++)
    s.convs.push(await Conversation.open(s.port));
  servers.push(s);
}
for (const s of servers) await batch(s, Number(values.warmup));
console.error('profile-server: warmed up');

const perServer: number[][] = servers.map(() => []);
const ratios: number[][] = servers.map(() => []);
for (let b = 0; b < Number(values.batches); b++) {
  const order = servers.map((_, i) => i);
  if (b % 2 === 1) order.reverse();
  const row: number[] = [];
  for (const i of order) row[i] = await batch(servers[i]!, Number(values.turns));
  row.forEach((us, i) => {
    perServer[i]!.push(us);
    ratios[i]!.push(us / row[0]!);
  });
  console.log(JSON.stringify({ batch: b + 1, cpuUsPerTurn: row.map((us) => Math.round(us)) }));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
console.log(
  JSON.stringify({
    servers: SERVERS,
    medianCpuUsPerTurn: perServer.map((xs) => Math.round(median(xs))),
    minCpuUsPerTurn: perServer.map((xs) => Math.round(Math.min(...xs))),
    medianRatioToFirst: ratios.map((xs) => Number(median(xs).toFixed(3))),
  }),
);
for (const s of servers) for (const c of s.convs) c.close();
await Promise.all(servers.map(stop));

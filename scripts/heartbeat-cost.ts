/**
 * What the widget's heartbeat costs the server: CPU time of the server process per `ping`.
 *
 *   npm run build && npx tsx scripts/heartbeat-cost.ts [--sockets 500] [--seconds 20]
 *
 * Starts `node dist/main.js` as a child (so its CPU time, read from /proc/<pid>/stat, is the
 * server's alone), opens N signed-out conversations, then measures three phases of the same
 * length: idle (sockets open, nothing sent), a ping a second per socket on the fast path (the
 * widget's exact bytes), and the same through the normal frame path (a ping with a space,
 * which is parsed and validated). Per ping = (phase CPU - idle CPU) / pings. Linux only.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';

const { values } = parseArgs({
  options: {
    sockets: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '20' },
  },
});
const SOCKETS = Number(values.sockets);
const SECONDS = Number(values.seconds);

const TICK_S = 1 / 100; // USER_HZ on Linux
function cpuSeconds(pid: number): number {
  // Fields after the command name (which may hold spaces): utime is the 14th field, stime the 15th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) * TICK_S;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'heartbeat-cost-'));
  const server = spawn(process.execPath, ['dist/main.js'], {
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const pid = server.pid;
  if (pid === undefined) throw new Error('server did not start');
  try {
    for (let i = 0; ; i++) {
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (i > 600) throw new Error('server did not answer /health');
      await sleep(100);
    }
    const sockets: WebSocket[] = [];
    for (let i = 0; i < SOCKETS; i++) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      ws.send(JSON.stringify({ type: 'hello', v: 1, lang: 'en' }));
      sockets.push(ws);
    }
    let pongs = 0;
    for (const ws of sockets)
      ws.on('message', (d: Buffer) => {
        if (d.toString() === '{"type":"pong"}') pongs += 1;
      });
    await sleep(2000); // greetings written, start-up work done

    const phase = async (frame: string | undefined) => {
      const before = cpuSeconds(pid);
      const pongsBefore = pongs;
      const timers = sockets.map((ws, i) =>
        frame === undefined
          ? undefined
          : setTimeout(
              () => {
                ws.send(frame);
                const every = setInterval(() => ws.send(frame), 1000);
                timers2.push(every);
              },
              (i / SOCKETS) * 1000,
            ),
      );
      const timers2: NodeJS.Timeout[] = [];
      await sleep(SECONDS * 1000);
      for (const t of timers) clearTimeout(t);
      for (const t of timers2) clearInterval(t);
      await sleep(300);
      return { cpu: cpuSeconds(pid) - before, pings: pongs - pongsBefore };
    };
    const idle = await phase(undefined);
    const fast = await phase(JSON.stringify({ type: 'ping' }));
    const slow = await phase('{"type": "ping"}');
    const per = (p: { cpu: number; pings: number }) =>
      p.pings ? (((p.cpu - idle.cpu) / p.pings) * 1e6).toFixed(1) : 'n/a';
    const lines = [
      `sockets ${SOCKETS}, ${SECONDS} s per phase, one ping per socket per second`,
      `idle: ${idle.cpu.toFixed(2)} s CPU`,
      `fast path: ${fast.pings} pongs, ${fast.cpu.toFixed(2)} s CPU, ${per(fast)} µs per ping above idle, ${(((fast.cpu - idle.cpu) / SECONDS / SOCKETS) * 1000 * 100).toFixed(3)}% of a core per 1000 open widgets`,
      `parsed path: ${slow.pings} pongs, ${slow.cpu.toFixed(2)} s CPU, ${per(slow)} µs per ping above idle`,
      `load average during the run: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    for (const ws of sockets) ws.terminate();
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();

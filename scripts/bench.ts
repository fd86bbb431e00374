/**
 * Load benchmark over loopback: starts the real app on a free port (or targets --url, which
 * must be a loopback address), opens N WebSocket clients that each say hello and send M
 * messages one after another, and reports turn latency (message sent -> its reply received)
 * and throughput. Bounded in count and time; `--quick` finishes within 30 s.
 *
 *   npm run bench [-- --quick] [--clients N] [--messages M] [--url ws://127.0.0.1:3000/ws] [--write]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { writeBenchmarkSection } from './benchmarks-file.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    clients: { type: 'string' },
    messages: { type: 'string' },
    url: { type: 'string' },
    write: { type: 'boolean', default: false },
  },
});

const clients = Number(values.clients ?? (values.quick ? 20 : 200));
const messages = Number(values.messages ?? (values.quick ? 10 : 25));
const deadlineMs = values.quick ? 25_000 : 120_000;
const texts = [
  'tere',
  'we want to get married',
  'мой отец умер, что делать',
  'lapse sünd, mida teha',
  'kuidas pensionile minna',
];

if (values.url && !/^wss?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\//.test(values.url)) {
  throw new Error('--url must point at a loopback address (127.0.0.0/8, localhost or [::1])');
}

async function main() {
  let url = values.url;
  let close = async () => {};
  if (!url) {
    // Generous limits: the benchmark measures the assistant, not the rate limiter.
    // Transcripts of the run go to a throwaway folder unless DATA_DIR says otherwise.
    const dataDir = process.env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'bench-'));
    const config = loadConfig({
      DATA_DIR: dataDir,
      ...process.env,
      PORT: '0',
      LOG_LEVEL: 'error',
      WS_RATE_LIMIT: '10000',
    });
    const app = createApp(config, createLogger(config.LOG_LEVEL));
    const { url: httpUrl } = await app.listen();
    url = `${httpUrl.replace('http', 'ws')}/ws`;
    close = () => app.close();
  }
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = Date.now() + deadlineMs;

  const runClient = (n: number) =>
    new Promise<void>((resolve) => {
      const ws = new WebSocket(url);
      let sent = 0;
      let sentAt = 0;
      const sendNext = () => {
        if (sent >= messages || Date.now() > deadline) {
          ws.close();
          return;
        }
        sentAt = performance.now();
        ws.send(
          JSON.stringify({
            type: 'message',
            id: `c${n}-m${sent}`,
            text: texts[(n + sent) % texts.length],
          }),
        );
        sent++;
      };
      ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', v: 1, lang: 'et' })));
      ws.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString()) as { type: string; on?: boolean };
        if (frame.type === 'welcome') sendNext();
        else if (frame.type === 'error') errors++;
        // A turn is done when the typing indicator goes off: every reply of it has been sent.
        else if (frame.type === 'typing' && frame.on === false) {
          latencies.push(performance.now() - sentAt);
          sendNext();
        }
      });
      ws.on('error', () => {
        errors++;
        resolve();
      });
      ws.on('close', () => resolve());
    });

  await Promise.all(Array.from({ length: clients }, (_, i) => runClient(i)));
  const seconds = (performance.now() - started) / 1000;
  await close();

  latencies.sort((x, y) => x - y);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  const result = {
    clients,
    messagesPerClient: messages,
    turns: latencies.length,
    errors,
    seconds: Number(seconds.toFixed(2)),
    turnsPerSecond: Number((latencies.length / seconds).toFixed(1)),
    p50ms: Number(pct(50).toFixed(2)),
    p95ms: Number(pct(95).toFixed(2)),
    p99ms: Number(pct(99).toFixed(2)),
    maxms: Number((latencies.at(-1) ?? NaN).toFixed(2)),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (values.write) {
    const shared = process.env.REDIS_URL || process.env.DATABASE_URL;
    const backend = shared
      ? `sessions in ${process.env.REDIS_URL ? 'Redis' : 'memory'}, transcripts in ${process.env.DATABASE_URL ? 'PostgreSQL' : 'SQLite'}`
      : 'embedded defaults (sessions in memory, transcripts in SQLite)';
    writeBenchmarkSection(
      `Load (WebSocket turns, ${shared ? 'Redis + PostgreSQL' : 'embedded defaults'})`,
      [
        `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench -- --write\` on 2 cores, Node ${process.version}, in-process server, loopback, ${backend}.`,
        `Each client says hello, then sends one message at a time and waits until its turn is complete (typing off). The clients run in the same process as the server, so on 2 cores the figures include the load generator's own work.`,
        '',
        '| clients | messages each | turns | errors | seconds | turns/s | p50 ms | p95 ms | p99 ms | max ms |',
        '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
        `| ${result.clients} | ${result.messagesPerClient} | ${result.turns} | ${result.errors} | ${result.seconds} | ${result.turnsPerSecond} | ${result.p50ms} | ${result.p95ms} | ${result.p99ms} | ${result.maxms} |`,
      ].join('\n'),
    );
  }
  if (errors > 0 || latencies.length < clients * messages) process.exitCode = 1;
}

await main();

/**
 * The server side of `npm run bench`, run in its own process (scripts/bench.ts spawns it):
 *
 *   --mode app    the real app (createApp) on 127.0.0.1, port 0, with the environment given
 *   --mode echo   a raw ws server that answers the same frames the app does for a turn that
 *                 waits for no I/O (welcome; per message: the user frame, one reply, typing
 *                 off) and nothing else
 *
 * Prints `{"port":N}` on stdout when listening. Over IPC it answers `{type:'memory'}` with the
 * heap after a full GC (the process runs with --expose-gc), `{type:'cpu'}` with its
 * process.cpuUsage() (user and system µs, for CPU per turn), and `{type:'profile-stop'}` is
 * handled by node's --cpu-prof on exit. Loopback only.
 */
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';

const { values } = parseArgs({ options: { mode: { type: 'string', default: 'app' } } });

async function startApp(): Promise<{ port: number; close: () => Promise<void> }> {
  const dataDir = process.env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'bench-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    ...process.env,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'error',
    // The benchmark measures the assistant, not the rate limiter or the idle timeout.
    WS_RATE_LIMIT: '10000',
  });
  const app = createApp(config, createLogger(config.LOG_LEVEL));
  const { port } = await app.listen();
  return { port, close: () => app.close() };
}

async function startEcho(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer();
  const wss = new WebSocketServer({ server, path: '/ws' });
  let sessions = 0;
  wss.on('connection', (ws) => {
    let seq = 0;
    const sessionId = `echo-${++sessions}`;
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString('utf8')) as {
        type: string;
        id?: string;
        text?: string;
      };
      if (frame.type === 'hello') {
        seq += 1;
        ws.send(
          JSON.stringify({
            type: 'welcome',
            v: 1,
            sessionId,
            lang: 'et',
            resumed: false,
            lastSeq: seq,
          }),
        );
        ws.send(
          JSON.stringify({
            type: 'reply',
            seq,
            role: 'assistant',
            text: 'Tere!',
            blocks: [],
            ts: Date.now(),
          }),
        );
        return;
      }
      if (frame.type !== 'message') return;
      const ts = Date.now();
      ws.send(JSON.stringify({ type: 'user', seq: ++seq, id: frame.id, text: frame.text, ts }));
      ws.send(
        JSON.stringify({
          type: 'reply',
          seq: ++seq,
          role: 'assistant',
          text: 'echo',
          blocks: [],
          ts,
          replyTo: frame.id,
        }),
      );
      ws.send(JSON.stringify({ type: 'typing', on: false }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => server.close(() => resolve()));
      }),
  };
}

const started = values.mode === 'echo' ? await startEcho() : await startApp();
process.stdout.write(`${JSON.stringify({ port: started.port })}\n`);

process.on('message', (m: { type: string }) => {
  if (m.type === 'memory') {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    process.send?.({ type: 'memory', ...process.memoryUsage() });
  }
  if (m.type === 'cpu') process.send?.({ type: 'cpu', ...process.cpuUsage() });
  if (m.type === 'stop') {
    void started.close().then(() => process.exit(0));
  }
});

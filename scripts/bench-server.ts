/**
 * The server side of `npm run bench`, run in its own process (scripts/bench.ts spawns it):
 *
 *   --mode app    the real app (createApp) on 127.0.0.1, port 0, with the environment given
 *   --mode echo   a raw ws server that answers the same frames the app does for a turn that
 *                 waits for no I/O (welcome; per message: the user frame, one reply, typing
 *                 off) and nothing else: a 4-letter reply with no blocks, one write per frame;
 *                 after `{type:'replies', replies}` over IPC (more such messages add to the
 *                 replies known), each message is answered with
 *                 the reply frames the app sent for that text (same size and shape; seq, ts and
 *                 replyTo set afresh), corked into one write per turn as the app does
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

/** The same-frames echo's answers: per message text, the reply frames the app sent for it. */
let speak: Map<string, Record<string, unknown>[]> | undefined;

async function startEcho(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer();
  const wss = new WebSocketServer({ server, path: '/ws' });
  let sessions = 0;
  wss.on('connection', (ws, req) => {
    // The TCP socket under the WebSocket (the upgrade request's), corked for a turn.
    const socket = req.socket;
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
      const same = speak?.get(frame.text ?? '');
      if (speak) {
        // Like the app: one write for the turn, each frame its own text message.
        socket.cork();
        ws.send(JSON.stringify({ type: 'user', seq: ++seq, id: frame.id, text: frame.text, ts }));
        for (const reply of same ?? [])
          ws.send(JSON.stringify({ ...reply, seq: ++seq, ts, replyTo: frame.id }));
        ws.send(JSON.stringify({ type: 'typing', on: false }));
        process.nextTick(() => socket.uncork());
        return;
      }
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
  if (m.type === 'replies') {
    // Each message adds the replies learnt since the last one (the closed loop's rounds).
    speak ??= new Map();
    for (const [text, frames] of (
      m as unknown as { replies: [string, Record<string, unknown>[]][] }
    ).replies)
      speak.set(text, frames);
    process.send?.({ type: 'replies', count: speak.size });
  }
  if (m.type === 'stop') {
    void started.close().then(() => process.exit(0));
  }
});

/**
 * The server side of `npm run bench`, run in its own process (scripts/bench.ts spawns it):
 *
 *   --mode app    the real app (createApp) on 127.0.0.1, port 0, with the environment given
 *   --mode echo   a raw ws server that answers the same frames the app does for a turn that
 *                 waits for no I/O (welcome; per message or quick reply: the user frame, one
 *                 reply, typing off) and nothing else: a 4-letter reply with no blocks, one
 *                 write per frame; after `{type:'replies', replies}` over IPC (more such
 *                 messages add to the turns known), each client frame (message or quick reply,
 *                 the queue's leave button too) is answered with the frames the app sent for it
 *                 (typing frames and a turn without typing off included; seq, ts, id and replyTo
 *                 set afresh), corked into one write per turn as the app does; one the app never
 *                 answered gets another's of the same kind (scripts/bench-client.ts)
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
import { RecordedTurns, keyOf, replayed, type Frame } from './bench-client.js';

const { values } = parseArgs({ options: { mode: { type: 'string', default: 'app' } } });

async function startApp(): Promise<{ port: number; close: () => Promise<void> }> {
  const dataDir = process.env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'bench-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    ...process.env,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'error',
    // A person is always there, so a handover queues at any hour of the run (a conversation
    // queued leaves the queue with its next turn, scripts/bench-client.ts).
    OFFICE_HOURS: process.env.OFFICE_HOURS ?? 'always',
    // The benchmark measures the assistant, not the rate limiter or the idle timeout.
    WS_RATE_LIMIT: '10000',
  });
  const app = createApp(config, createLogger(config.LOG_LEVEL));
  const { port } = await app.listen();
  return { port, close: () => app.close() };
}

/** The same-frames echo's answers: per client frame, the frames the app sent for it. */
let speak: RecordedTurns | undefined;
/** How the same-frames echo answered: with the frame's own recorded frames, another's, none. */
const answers = { own: 0, other: 0, none: 0 };

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
        optionId?: string;
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
      if (frame.type !== 'message' && frame.type !== 'choose') return;
      const ts = Date.now();
      const text = frame.text ?? frame.optionId;
      if (speak) {
        const same = speak.answer(keyOf(frame));
        answers[same ? (same.own ? 'own' : 'other') : 'none']++;
        // Like the app: one write for the turn, each frame its own text message.
        socket.cork();
        const frames = same
          ? replayed(same.frames, frame.id ?? '', () => ++seq)
          : [
              { type: 'user', seq: ++seq, id: frame.id, text, ts },
              { type: 'typing', on: false },
            ];
        for (const f of frames) ws.send(JSON.stringify(f));
        process.nextTick(() => socket.uncork());
        return;
      }
      ws.send(JSON.stringify({ type: 'user', seq: ++seq, id: frame.id, text, ts }));
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
    speak ??= new RecordedTurns();
    for (const [key, frames] of (m as unknown as { replies: [string, Frame[]][] }).replies)
      speak.add(key, frames);
    process.send?.({ type: 'replies', count: speak.size });
  }
  if (m.type === 'answers') process.send?.({ type: 'answers', ...answers });
  if (m.type === 'stop') {
    void started.close().then(() => process.exit(0));
  }
});

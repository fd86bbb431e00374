/**
 * Property-based fuzzing of the chat socket (issue 15): random and malformed frames, wrong
 * types, huge and deeply nested values, invalid UTF-8, NUL and lone surrogates. Each frame is
 * followed by a probe the server must answer; the property is that every frame received is a
 * valid server frame, the probe is answered (or the socket was closed with the right code),
 * no unhandled rejection happens, and a normal client is served throughout.
 * FUZZ_RUNS sets the number of cases (default 2000).
 */
import fc from 'fast-check';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerFrame } from '../../src/protocol/frames.js';
import { say } from '../helpers/faults.js';
import { startServer, TestClient, type TestServer } from '../helpers/server.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
/** 1007: invalid UTF-8; 1009: over ws's hard size limit; 1008: the flood guard. */
const ALLOWED_CLOSE = new Set([1007, 1008, 1009]);

let server: TestServer;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  server = await startServer({ WS_RATE_LIMIT: '10000', WS_RATE_WINDOW_MS: '1000' });
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await server.close();
});

/** A raw frame to send: text (maybe not JSON) or bytes sent as a text frame. */
type Raw = { text: string } | { bytes: Uint8Array };

const anyValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
);
const clientType = fc.constantFrom('hello', 'message', 'choose', 'set-lang', 'feedback', 'x', '');
const nastyText = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.constantFrom('hello\u0000world', 'lone \uD800 surrogate', '\uDC00', '\u0000', '\uFEFF\u200B'),
  fc.string({ minLength: 2000, maxLength: 5000 }),
);

const frames: fc.Arbitrary<Raw> = fc.oneof(
  // Not JSON at all, including binary-unit strings (lone surrogates, NUL).
  fc.string({ unit: 'binary', maxLength: 200 }).map((text) => ({ text })),
  // Any JSON value.
  fc.jsonValue({ maxDepth: 4 }).map((v) => ({ text: JSON.stringify(v) ?? 'null' })),
  // Frame-shaped objects with wrong or missing fields and types.
  fc
    .record(
      {
        type: clientType,
        v: fc.oneof(fc.constant(1), anyValue),
        lang: fc.oneof(fc.constantFrom('et', 'en', 'ru'), anyValue),
        id: fc.oneof(fc.string({ maxLength: 80 }), anyValue),
        text: fc.oneof(nastyText, anyValue),
        optionId: anyValue,
        sessionId: anyValue,
        lastSeq: anyValue,
        token: anyValue,
        rating: anyValue,
        comment: fc.oneof(nastyText, anyValue),
      },
      { requiredKeys: ['type'] },
    )
    .map((o) => ({ text: JSON.stringify(o) })),
  // Valid messages with nasty text (they reach the assistant and the transcript store).
  fc
    .record({ id: fc.uuid(), text: nastyText })
    .map((m) => ({ text: JSON.stringify({ type: 'message', ...m }) })),
  // Huge frames: under, between and over the two size limits.
  fc.integer({ min: 7000, max: 40_000 }).map((n) => ({
    text: JSON.stringify({ type: 'message', id: 'big', text: 'a'.repeat(n) }),
  })),
  // Deep nesting.
  fc.integer({ min: 10, max: 4000 }).map((d) => ({ text: '['.repeat(d) + ']'.repeat(d) })),
  fc.integer({ min: 10, max: 1000 }).map((d) => ({
    text: '{"type":"message","id":"d","text":' + '{"a":'.repeat(d) + '1' + '}'.repeat(d) + '}',
  })),
  // Invalid UTF-8 in a text frame.
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => ({
    bytes: Uint8Array.from([0x7b, 0x22, 0xc3, 0x28, 0xff, ...b]),
  })),
);

class FuzzSocket {
  ws!: WebSocket;
  received: unknown[] = [];
  closeCode: number | undefined;
  private waiting: { id: string; resolve: () => void } | undefined;

  async open(): Promise<void> {
    this.received = [];
    this.closeCode = undefined;
    this.ws = new WebSocket(server.wsUrl);
    this.ws.on('message', (data: Buffer) => {
      const frame: unknown = JSON.parse(data.toString('utf8'));
      this.received.push(frame);
      const f = frame as { type?: string; id?: string };
      if (f.type === 'error' && this.waiting && f.id === this.waiting.id) this.waiting.resolve();
    });
    this.ws.on('close', (code) => {
      this.closeCode = code;
      this.waiting?.resolve();
    });
    this.ws.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.ws.send(JSON.stringify({ type: 'hello', v: 1, lang: 'en' }));
  }

  /** Sends the frame then a probe; resolves when the probe is answered or the socket closed. */
  async exchange(raw: Raw, n: number): Promise<'answered' | 'closed'> {
    const id = `probe-${n}`;
    const done = new Promise<void>((resolve) => (this.waiting = { id, resolve }));
    if ('text' in raw) this.ws.send(raw.text);
    else this.ws.send(Buffer.from(raw.bytes), { binary: false });
    // A message frame without text: always BAD_FRAME, carrying its id back.
    if (this.ws.readyState === WebSocket.OPEN)
      this.ws.send(JSON.stringify({ type: 'message', id }));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      done,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`probe ${id} not answered in 10 s`)), 10_000);
      }),
    ]);
    clearTimeout(timer);
    this.waiting = undefined;
    return this.closeCode === undefined ? 'answered' : 'closed';
  }
}

describe('chat socket fuzzing', () => {
  it(`answers ${RUNS} random and malformed frames with valid frames or the right close code`, async () => {
    const socket = new FuzzSocket();
    await socket.open();
    const normal = await TestClient.connect(server.wsUrl);
    normal.send({ type: 'hello', v: 1, lang: 'et' });
    await normal.next('welcome');
    let n = 0;
    const closes: Record<number, number> = {};

    await fc.assert(
      fc.asyncProperty(frames, async (raw) => {
        n += 1;
        const outcome = await socket.exchange(raw, n);
        for (const f of socket.received) expect(ServerFrame.safeParse(f).success).toBe(true);
        socket.received = [];
        if (outcome === 'closed') {
          const code = socket.closeCode ?? 0;
          closes[code] = (closes[code] ?? 0) + 1;
          expect(ALLOWED_CLOSE.has(code)).toBe(true);
          await socket.open();
        }
        // A normal client is served throughout.
        if (n % 250 === 0) await say(normal, 1);
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261201) },
    );
    await say(normal, 1);
    await normal.close();
    socket.ws.close();
    expect(unhandled).toEqual([]);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    console.info(`protocol fuzz: ${n} cases, closes by code ${JSON.stringify(closes)}`);
  }, 600_000);
});

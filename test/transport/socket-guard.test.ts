/**
 * One socket flooding tiny frames or not reading (issue 15, item 8): refused frames are
 * answered once per window then dropped, a socket that keeps exceeding the rate is closed with
 * 1008, a socket that does not read is closed with 1013, and other clients are served meanwhile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createSocketGuard, GUARD_CLOSE_CODES } from '../../src/transport/socket-guard.js';
import { say } from '../helpers/faults.js';
import { startServer, TestClient, type TestServer } from '../helpers/server.js';

const logger = createLogger('silent');

/** A socket as the guard sees it: how much is unsent, and how it was closed. */
function socket() {
  return {
    bufferedAmount: 0,
    closedWith: undefined as number | undefined,
    terminated: false,
    close(code: number) {
      this.closedWith = code;
    },
    terminate() {
      this.terminated = true;
    },
  };
}

describe('socket guard (unit)', () => {
  it('answers the first refused frame of a window, drops the next, closes on a flood', () => {
    let t = 0;
    const ws = socket();
    const guard = createSocketGuard(ws, {
      limits: { rateLimit: 3, rateWindowMs: 1000, closeAfterRefused: 5, maxBufferedBytes: 100 },
      logger,
      now: () => t,
    });
    expect([guard.admit(), guard.admit(), guard.admit()]).toEqual(['ok', 'ok', 'ok']);
    expect([guard.admit(), guard.admit(), guard.admit(), guard.admit()]).toEqual([
      'refuse',
      'drop',
      'drop',
      'drop',
    ]);
    t = 1000;
    expect(guard.admit()).toBe('ok');
    expect(ws.closedWith).toBeUndefined();
    for (let i = 0; i < 2; i++) guard.admit();
    expect(guard.admit()).toBe('refuse');
    for (let i = 0; i < 3; i++) guard.admit();
    expect(guard.admit()).toBe('closed');
    expect(ws.closedWith).toBe(GUARD_CLOSE_CODES.rateLimited);
  });

  it('closes with 1013 a socket whose unsent bytes pass the limit, and sends nothing more', async () => {
    const ws = socket();
    const guard = createSocketGuard(ws, {
      limits: { rateLimit: 3, rateWindowMs: 1000, maxBufferedBytes: 100 },
      logger,
      terminateAfterMs: 10,
    });
    expect(guard.canSend()).toBe(true);
    ws.bufferedAmount = 101;
    expect(guard.canSend()).toBe(false);
    expect(ws.closedWith).toBe(GUARD_CLOSE_CODES.backpressure);
    ws.bufferedAmount = 0;
    expect(guard.canSend()).toBe(false);
    await expect.poll(() => ws.terminated).toBe(true);
  });
});

describe('socket guard on the chat socket', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ WS_RATE_LIMIT: '10', WS_RATE_WINDOW_MS: '60000' });
  });
  afterAll(() => server.close());

  it('closes a flooding socket with 1008 after one RATE_LIMITED answer; others are served', async () => {
    const normal = await TestClient.connect(server.wsUrl);
    normal.send({ type: 'hello', v: 1, lang: 'et' });
    await normal.next('welcome');

    const flooder = await TestClient.connect(server.wsUrl);
    const closed = new Promise<number>((resolve) =>
      flooder.ws.once('close', (code) => resolve(code)),
    );
    for (let i = 0; i < 500 && flooder.ws.readyState === flooder.ws.OPEN; i++) flooder.send('x');
    expect(await closed).toBe(GUARD_CLOSE_CODES.rateLimited);
    const errors = flooder.frames.filter((f) => f.type === 'error');
    // The 10 admitted frames get BAD_JSON each, the flood gets one RATE_LIMITED.
    expect(errors.filter((f) => f.code === 'RATE_LIMITED')).toHaveLength(1);
    expect(errors.length).toBeLessThanOrEqual(11);

    await say(normal, 2);
    await normal.close();
  });
});

/**
 * A turn's frames leave the server in one socket write (corked for the tick), each still its
 * own WebSocket text message: the wire protocol is unchanged, only the system calls are fewer.
 */
import { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, TestClient, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

/** Counts the writes reaching the server's TCP sockets (Node's _write/_writev) while `work` runs. */
async function serverWrites(port: number, work: () => Promise<void>): Promise<number> {
  const proto = Socket.prototype as unknown as Record<
    '_write' | '_writev',
    (...a: unknown[]) => void
  >;
  const original = { _write: proto._write, _writev: proto._writev };
  let writes = 0;
  for (const name of ['_write', '_writev'] as const) {
    const fn = original[name];
    proto[name] = function (this: Socket, ...args: unknown[]) {
      if (this.localPort === port) writes++;
      return fn.apply(this, args);
    };
  }
  try {
    await work();
  } finally {
    Object.assign(proto, original);
  }
  return writes;
}

describe('chat socket writes', () => {
  it("sends a turn's user frame, replies and typing off in one write, as separate messages", async () => {
    const port = Number(new URL(server.url).port);
    const client = await TestClient.connect(server.wsUrl);
    client.send({ type: 'hello', v: 1, lang: 'en' });
    await client.next('welcome');
    await client.next('reply');
    const before = client.frames.length;
    const writes = await serverWrites(port, async () => {
      client.send({ type: 'message', id: 'm1', text: 'we want to get married' });
      await client.wait((f) => f.type === 'typing' && !f.on);
    });
    const turn = client.frames.slice(before).map((f) => f.type);
    expect(turn[0]).toBe('user');
    expect(turn).toContain('reply');
    expect(turn.at(-1)).toBe('typing');
    expect(turn.length).toBeGreaterThanOrEqual(3);
    expect(writes).toBe(1);
    await client.close();
  });
});

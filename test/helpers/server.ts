/** Starts the real app on port 0 and gives a small promise-based WebSocket client. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createApp, type App, type AppOptions } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import type { ServerFrame } from '../../src/protocol/frames.js';

export interface TestServer {
  app: App;
  url: string;
  wsUrl: string;
  close(): Promise<void>;
}

/** Each server gets its own DATA_DIR (its SQLite file) unless the test gives one. */
export async function startServer(
  env: Record<string, string> = {},
  options: AppOptions = {},
): Promise<TestServer> {
  const dataDir = env.DATA_DIR ? undefined : mkdtempSync(join(tmpdir(), 'assistant-test-'));
  const config: Config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    ...(dataDir && { DATA_DIR: dataDir }),
    ...env,
  });
  const app = createApp(config, createLogger(config.LOG_LEVEL), options);
  const { url } = await app.listen();
  return {
    app,
    url,
    wsUrl: `${url.replace('http', 'ws')}/ws`,
    async close() {
      await app.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A test client: collects frames and lets a test wait for the next one that matches. */
export class TestClient {
  readonly frames: ServerFrame[] = [];
  private waiters: { match: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }[] = [];
  private cursor = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString('utf8')) as ServerFrame;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => {
        if (w.match(frame)) {
          w.resolve(frame);
          return false;
        }
        return true;
      });
    });
  }

  static async connect(wsUrl: string, options?: WebSocket.ClientOptions): Promise<TestClient> {
    const ws = new WebSocket(wsUrl, options);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new TestClient(ws);
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The next frame (after those already taken) of the given type, waiting up to `ms`. */
  next<T extends ServerFrame['type']>(
    type: T,
    ms = 5000,
  ): Promise<Extract<ServerFrame, { type: T }>> {
    const match = (f: ServerFrame) => f.type === type;
    for (let i = this.cursor; i < this.frames.length; i++) {
      const f = this.frames[i];
      if (f && match(f)) {
        this.cursor = i + 1;
        return Promise.resolve(f as Extract<ServerFrame, { type: T }>);
      }
    }
    this.cursor = this.frames.length;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`no ${type} frame within ${ms} ms; got ${JSON.stringify(this.frames)}`)),
        ms,
      );
      this.waiters.push({
        match,
        resolve: (f) => {
          clearTimeout(timer);
          this.cursor = this.frames.length;
          resolve(f as Extract<ServerFrame, { type: T }>);
        },
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

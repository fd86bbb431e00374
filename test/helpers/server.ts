/** Starts the real app on port 0; the citizens' WebSocket test client. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type WebSocket from 'ws';
import { createApp, type App, type AppOptions } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import type { ServerFrame } from '../../src/protocol/frames.js';
import { SocketClient } from './socket-client.js';

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

/**
 * Everything the server sent before now: sends a message and waits for the server's echo of
 * it. One conversation's frames are sent in order, so any frame the server had for the client
 * before (a greeting, a status push) is in the returned list — a test that something was NOT
 * sent checks there instead of sleeping.
 */
export async function settle(client: TestClient): Promise<ServerFrame[]> {
  const id = `settle-${client.frames.length}`;
  client.send({ type: 'message', id, text: '?' });
  const echo = await client.wait((f) => f.type === 'user' && f.id === id);
  return client.frames.slice(0, client.frames.indexOf(echo));
}

/** The citizens' socket client (./socket-client.ts, shared with the agents' socket tests). */
export type TestClient = SocketClient<ServerFrame>;
export const TestClient = {
  connect: (wsUrl: string, options?: WebSocket.ClientOptions): Promise<TestClient> =>
    SocketClient.connect<ServerFrame>(wsUrl, options),
};

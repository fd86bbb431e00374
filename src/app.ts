/**
 * The composition root: wires transport -> session -> assistant core and the adapters chosen
 * by configuration. `createApp` is what main.ts starts and what integration tests start on
 * port 0.
 */
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { Assistant } from './core/assistant.js';
import { createStandInAssistant } from './core/stand-in-assistant.js';
import { createChatService, createMemoryHub } from './session/chat-service.js';
import { createMemorySessionStore } from './session/session.js';
import { createHttpApp } from './transport/http.js';
import { createMetrics } from './transport/metrics.js';
import { attachChatSocket } from './transport/ws-server.js';

export const ROOT_DIR = fileURLToPath(new URL('..', import.meta.url));

export interface App {
  server: Server;
  /** Resolves once listening; the port is the real one (useful with PORT=0). */
  listen(): Promise<{ port: number; url: string }>;
  /** Open chat sockets on this instance. */
  connectionCount(): number;
  close(): Promise<void>;
}

/** Seams for tests; the default path wires the real parts. */
export interface AppOptions {
  /** Replaces the assistant core (tests inject a scripted one at their edge). */
  assistant?: Assistant<unknown>;
}

export function createApp(config: Config, logger: Logger, options: AppOptions = {}): App {
  const metrics = createMetrics();
  const store = createMemorySessionStore({ ttlMs: config.SESSION_TTL_MS });
  const hub = createMemoryHub();
  const chat = createChatService({
    assistant: options.assistant ?? createStandInAssistant(),
    store,
    hub,
    logger,
  });

  const http = createHttpApp({
    chat,
    logger,
    metrics,
    widgetDir: `${ROOT_DIR}dist/widget`,
    pagesDir: `${ROOT_DIR}widget/pages`,
  });
  const server = createServer(http);
  const sockets = attachChatSocket({
    server,
    chat,
    logger,
    allowedOrigins: config.ALLOWED_ORIGINS,
    limits: {
      maxFrameBytes: config.WS_MAX_FRAME_BYTES,
      rateLimit: config.WS_RATE_LIMIT,
      rateWindowMs: config.WS_RATE_WINDOW_MS,
      heartbeatMs: config.WS_HEARTBEAT_MS,
      idleTimeoutMs: config.WS_IDLE_TIMEOUT_MS,
    },
    onConnectionCount: (n) => metrics.connections.set(n),
  });

  return {
    server,
    listen() {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.PORT, config.HOST, () => {
          const { port } = server.address() as AddressInfo;
          const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
          resolve({ port, url: `http://${host}:${port}` });
        });
      });
    },
    connectionCount: () => sockets.clientCount,
    async close() {
      await sockets.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await hub.close();
      await store.close();
    },
  };
}

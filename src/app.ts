/**
 * The composition root: wires transport -> session -> assistant core and the adapters chosen
 * by configuration. `createApp` is what main.ts starts and what integration tests start on
 * port 0.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import { ROOT_DIR } from './paths.js';
import type { Logger } from './logger.js';
import { createAssistantKit } from './assistant-kit.js';
import type { Assistant } from './core/assistant.js';
import { createChatService, createMemoryHub } from './session/chat-service.js';
import { createMemorySessionStore } from './session/session.js';
import { createRedisSessionBackend } from './session/redis.js';
import { createHttpApp } from './transport/http.js';
import { createMetrics } from './transport/metrics.js';
import { attachChatSocket } from './transport/ws-server.js';
import { createStatus } from './status/create-status.js';
import { createIdentity } from './identity/create-identity.js';

export { ROOT_DIR };

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
  // One instance keeps sessions in memory; with REDIS_URL several instances share them.
  const redis = config.REDIS_URL
    ? createRedisSessionBackend({
        url: config.REDIS_URL,
        prefix: config.REDIS_PREFIX,
        ttlMs: config.SESSION_TTL_MS,
        logger,
      })
    : undefined;
  const store = redis?.store ?? createMemorySessionStore({ ttlMs: config.SESSION_TTL_MS });
  const hub = redis?.hub ?? createMemoryHub();
  const status = createStatus({
    config,
    logger,
    localesDir: `${ROOT_DIR}locales`,
    onLookup: (outcome) => metrics.statusLookups.inc({ outcome }),
    onCircuitChange: (state) => metrics.statusPanelCircuit.set(state === 'closed' ? 0 : 1),
  });
  const identity = createIdentity(config, status.demoPersons);
  const chat = status.wrapChat(
    createChatService({
      assistant: options.assistant ?? createAssistantKit(ROOT_DIR).assistant,
      store,
      hub,
      logger,
      lookupStatus: status.lookupStatus,
      ...(redis && { lock: redis.lock }),
    }),
    store,
  );

  const http = createHttpApp({
    chat,
    logger,
    metrics,
    widgetDir: `${ROOT_DIR}dist/widget`,
    pagesDir: `${ROOT_DIR}widget/pages`,
    extend: (app) => {
      identity.mount(app);
      status.mount(app);
    },
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
    ...(identity.verifyIdentity && { verifyIdentity: identity.verifyIdentity }),
  });

  return {
    server,
    async listen() {
      await redis?.ready;
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
      await status.close();
      await hub.close();
      await store.close();
      await redis?.close();
    },
  };
}

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
import { createHandover } from './handover/handover.js';
import { createRedactionNotices } from './privacy/redaction-notice.js';
import {
  describeNextOpening,
  describeOfficeHours,
  isOpen,
  parseOfficeHours,
} from './handover/office-hours.js';
import { createPseudonymizer, loadPseudonymKey } from './privacy/pseudonym.js';
import { createChatService, createMemoryHub, type ChatService } from './session/chat-service.js';
import { createMemorySessionStore } from './session/session.js';
import { createRedisSessionBackend } from './session/redis.js';
import { createStaffAuth } from './staff/auth.js';
import { createStaffRoutes } from './staff/routes.js';
import { createDatabase } from './store/database.js';
import { createStaffStore } from './store/staff-store.js';
import { createTranscriptStore } from './store/transcript-store.js';
import { createMaintenance } from './transcripts/maintenance.js';
import { createTranscriptRecorder } from './transcripts/recorder.js';
import { AGENT_SOCKET_PATH, attachAgentSocket } from './transport/agent-socket.js';
import { createHttpApp } from './transport/http.js';
import { createMetrics } from './transport/metrics.js';
import { attachChatSocket } from './transport/ws-server.js';
import { createStatus } from './status/create-status.js';
import { createRedisSubjectIndex } from './status/subject-index.js';
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
  const pseudonymKey = loadPseudonymKey(config.PSEUDONYM_KEY, config.DATA_DIR);
  if (pseudonymKey.source === 'file')
    logger.warn('PSEUDONYM_KEY not set: using the key file in DATA_DIR (fine for development)');
  const pseudonymize = createPseudonymizer(pseudonymKey.key);
  const status = createStatus({
    config,
    logger,
    localesDir: `${ROOT_DIR}locales`,
    onLookup: (outcome) => metrics.statusLookups.inc({ outcome }),
    onCircuitChange: (state) => metrics.statusPanelCircuit.set(state === 'closed' ? 0 : 1),
    ...(redis && {
      subjectIndex: createRedisSubjectIndex({
        client: redis.client,
        prefix: config.REDIS_PREFIX,
        keyOf: pseudonymize,
        ttlMs: config.SESSION_TTL_MS,
      }),
    }),
  });
  // Transcripts and the back office (docs/staff.md, docs/privacy.md).
  const storeDb = createDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  const transcripts = createTranscriptStore(storeDb);
  const staffStore = createStaffStore(storeDb);
  const recorder = createTranscriptRecorder({
    store: transcripts,
    pseudonymize,
    logger,
    onWritten: (n) => metrics.transcriptRows.inc(n),
    onError: () => metrics.transcriptErrors.inc(),
  });
  const officeHours = parseOfficeHours(config.OFFICE_HOURS);
  const handover = createHandover({
    push: (id, reply, role) => chat.push(id, reply, role),
    history: (id) => chat.historyAfter(id, 0),
    isOpen: (at) => isOpen(officeHours, config.HOLIDAYS, at),
    officeWhen: (lang, at) => ({
      hours: describeOfficeHours(officeHours, lang),
      back: describeNextOpening(officeHours, config.HOLIDAYS, at, lang),
    }),
    saveContactRequest: (r) =>
      staffStore.addContactRequest({
        id: crypto.randomUUID(),
        conversationId: r.conversationId,
        at: r.at,
        lang: r.lang,
        text: r.text,
      }),
    mark: (session, change) => recorder.mark(session, change),
    queueIdleMs: config.ABANDON_AFTER_MS,
    logger,
  });
  const maintenance = createMaintenance({
    transcripts,
    staff: staffStore,
    logger,
    retentionDays: config.RETENTION_DAYS,
    auditRetentionDays: config.AUDIT_RETENTION_DAYS,
    abandonAfterMs: config.ABANDON_AFTER_MS,
    intervalMs: config.MAINTENANCE_INTERVAL_MS,
    beforeRun: () => recorder.flush(),
  });
  const staffAuth = createStaffAuth({
    store: staffStore,
    sessionTtlMs: config.STAFF_SESSION_TTL_MS,
    maxFailures: config.STAFF_LOGIN_MAX_FAILURES,
    lockoutMs: config.STAFF_LOCKOUT_MS,
    secureCookie: config.STAFF_COOKIE_SECURE,
  });

  const identity = createIdentity(config, status.demoPersons);
  // "Your message contained a personal code: removed from the record" (docs/privacy.md).
  const redactionNotices = createRedactionNotices(
    (id, text) => chat.push(id, { text, blocks: [] }, 'system'),
    (err) => logger.warn({ err }, 'redaction notice not delivered'),
  );
  // The proactive status side wraps the chat service; handover pushes through the result.
  const chat: ChatService = status.wrapChat(
    createChatService({
      assistant: options.assistant ?? createAssistantKit(ROOT_DIR).assistant,
      store,
      hub,
      logger,
      lookupStatus: status.lookupStatus,
      ...(redis && { lock: redis.lock }),
      observer: {
        onFrame(session, frame, info) {
          recorder.observer.onFrame?.(session, frame, info);
          handover.observer.onFrame?.(session, frame, info);
          redactionNotices.onFrame(session, frame);
        },
        onEffect(session, effect) {
          recorder.observer.onEffect?.(session, effect);
          handover.observer.onEffect?.(session, effect);
        },
        onFeedback(session, rating, comment) {
          recorder.observer.onFeedback?.(session, rating, comment);
        },
        onAnswerFeedback(session, feedback) {
          recorder.observer.onAnswerFeedback?.(session, feedback);
        },
      },
      router: handover.router,
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
      app.use(
        '/staff',
        createStaffRoutes({
          auth: staffAuth,
          staff: staffStore,
          transcripts,
          handover,
          pseudonymize,
          logger,
          metrics,
          assetsDir: `${ROOT_DIR}dist/staff`,
          pagesDir: `${ROOT_DIR}staff/pages`,
          retentionDays: config.RETENTION_DAYS,
          flush: () => recorder.flush(),
          purgeNow: () => maintenance.runOnce(),
        }),
      );
    },
  });
  const server = createServer(http);
  // Turns over the socket are timed and counted here (the REST channel does it in http.ts).
  const timedChat: ChatService = {
    ...chat,
    async handle(sessionId, input) {
      const stop = metrics.turnSeconds.startTimer({ channel: 'web' });
      try {
        await chat.handle(sessionId, input);
      } catch (err) {
        metrics.errors.inc({ code: 'TURN_FAILED' });
        throw err;
      } finally {
        stop();
        metrics.turns.inc({ channel: 'web' });
      }
    },
  };
  const sockets = attachChatSocket({
    server,
    chat: timedChat,
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
    otherPaths: [AGENT_SOCKET_PATH],
    ...(identity.verifyIdentity && { verifyIdentity: identity.verifyIdentity }),
  });
  const agentSockets = attachAgentSocket({
    server,
    auth: staffAuth,
    handover,
    staff: staffStore,
    logger,
    heartbeatMs: config.WS_HEARTBEAT_MS,
    onConnectionCount: (n) => metrics.agentConnections.set(n),
    onQueueLength: (n) => metrics.handoverQueue.set(n),
  });

  return {
    server,
    async listen() {
      // No request is served before the schema is current.
      await storeDb.migrate();
      await redis?.ready;
      maintenance.start();
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
      await Promise.all([sockets.close(), agentSockets.close()]);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      handover.close();
      await maintenance.stop();
      await status.close();
      // Every frame of the closed sockets is written before the database goes.
      await recorder.close();
      await hub.close();
      await store.close();
      await redis?.close();
      await storeDb.close();
    },
  };
}

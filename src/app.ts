/**
 * The composition root: wires transport -> session -> assistant core and the adapters chosen
 * by configuration. `createApp` is what main.ts starts and what integration tests start on
 * port 0.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Config } from './config.js';
import { ROOT_DIR } from './paths.js';
import type { Logger } from './logger.js';
import { createAssistantKit } from './assistant-kit.js';
import { createChannels, type Channels } from './channels/index.js';
import { chatTurns } from './channels/turns.js';
import type { Assistant } from './core/assistant.js';
import { createHandover } from './handover/handover.js';
import { createMemoryHandoverQueue, createRedisHandoverQueue } from './handover/queue.js';
import {
  describeNextOpening,
  describeOfficeHours,
  isOpen,
  parseOfficeHours,
} from './handover/office-hours.js';
import { createTopicDetector } from './handover/topic.js';
import { redactionNotice } from './privacy/redaction-notice.js';
import { createAnswerFeedbackRecorder } from './transcripts/answer-feedback.js';
import { createPseudonymizer, loadPseudonymKey } from './privacy/pseudonym.js';
import { createChatService, createMemoryHub, type TurnConsumer } from './session/chat-service.js';
import { createMemorySessionStore } from './session/session.js';
import { createMemoryBus, createRedisSessionBackend } from './session/redis.js';
import { createRedisReplayGuard } from './status/replay-guard.js';
import { createStaffAuth } from './staff/auth.js';
import { createHandoverRequestLog } from './staff/handover-requests.js';
import { createQueueView } from './staff/queue-view.js';
import { loadStaffLocales } from './staff/staff-locales.js';
import { createRedisLoginLimiter } from './staff/login-limiter.js';
import { createStaffRoutes } from './staff/routes.js';
import { createDatabase } from './store/database.js';
import { createStaffStore } from './store/staff-store.js';
import { createTranscriptStore } from './store/transcript-store.js';
import { createMaintenance } from './transcripts/maintenance.js';
import { createTranscriptRecorder } from './transcripts/recorder.js';
import { AGENT_SOCKET_PATH, attachAgentSocket } from './transport/agent-socket.js';
import { createHttpApp } from './transport/http.js';
import { createPublicPages } from './transport/public-pages.js';
import { createPlanTokens } from './transport/plan-token.js';
import { createCannedStore } from './store/canned-store.js';
import { LANGS } from './protocol/frames.js';
import { loadDialogBundle } from './dialog/load.js';
import { restoreState } from './dialog/state.js';
import { createMetrics } from './transport/metrics.js';
import { createReadiness } from './transport/readiness.js';
import { attachChatSocket } from './transport/ws-server.js';
import { createStatus } from './status/create-status.js';
import { createRedisSubjectIndex } from './status/subject-index.js';
import { createIdentity } from './identity/create-identity.js';

export { ROOT_DIR };

/** How often each instance tells the handover queue which conversations have a tab open. */
const PRESENCE_INTERVAL_MS = 15_000;

export interface App {
  server: Server;
  /** Resolves once listening; the port is the real one (useful with PORT=0). */
  listen(): Promise<{ port: number; url: string }>;
  /** Open chat sockets on this instance. */
  connectionCount(): number;
  /** Channels beyond the widget (Botkit), see src/channels. */
  channels: Pick<Channels, 'attach'>;
  close(): Promise<void>;
}

/** Seams for tests; the default path wires the real parts. */
export interface AppOptions {
  /** Replaces the assistant core (tests inject a scripted one at their edge). */
  assistant?: Assistant<unknown>;
  /**
   * Handover queue presence: how often each instance reports its open conversations (15 s) and
   * how long a queued one may go unseen (45 s). Tests shorten them.
   */
  presence?: { intervalMs: number; timeoutMs: number };
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
  const bus = redis?.bus ?? createMemoryBus();
  const pseudonymKey = loadPseudonymKey(config.PSEUDONYM_KEY, config.DATA_DIR);
  if (pseudonymKey.source === 'file')
    logger.warn('PSEUDONYM_KEY not set: using the key file in DATA_DIR (fine for development)');
  const pseudonymize = createPseudonymizer(pseudonymKey.key);
  let statusCircuitOpen = false;
  const status = createStatus({
    config,
    logger,
    localesDir: `${ROOT_DIR}locales`,
    onLookup: (outcome) => metrics.statusLookups.inc({ outcome }),
    onCircuitChange: (state) => {
      statusCircuitOpen = state !== 'closed';
      metrics.statusPanelCircuit.set(statusCircuitOpen ? 1 : 0);
    },
    ...(redis && {
      subjectIndex: createRedisSubjectIndex({
        client: redis.client,
        prefix: config.REDIS_PREFIX,
        keyOf: pseudonymize,
        ttlMs: config.SESSION_TTL_MS,
      }),
      replayGuard: (ttlMs: number) =>
        createRedisReplayGuard({ client: redis.client, prefix: config.REDIS_PREFIX, ttlMs }),
    }),
  });
  // Transcripts and the back office (docs/staff.md, docs/privacy.md).
  const storeDb = createDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    onConnectionError: (err) => {
      metrics.databaseConnectionErrors.inc();
      logger.warn(
        { err: err.message },
        'database connection lost; the pool reconnects on next use',
      );
    },
  });
  const transcripts = createTranscriptStore(storeDb);
  const staffStore = createStaffStore(storeDb);
  const recorder = createTranscriptRecorder({
    store: transcripts,
    pseudonymize,
    logger,
    onWritten: (n) => metrics.transcriptRows.inc(n),
    onError: () => metrics.transcriptErrors.inc(),
    onDropped: (n, reason) => metrics.transcriptDropped.inc({ reason }, n),
    spillFile: join(config.DATA_DIR, 'transcripts-spill.json'),
  });
  const officeHours = parseOfficeHours(config.OFFICE_HOURS);
  const kit = options.assistant
    ? undefined
    : createAssistantKit(ROOT_DIR, {
        officeHours: (lang) => describeOfficeHours(officeHours, lang),
      });
  const classifier = kit?.classifier;
  const handover = createHandover({
    ...(options.presence && { presenceTimeoutMs: options.presence.timeoutMs }),
    queue: redis
      ? createRedisHandoverQueue({ client: redis.client, prefix: config.REDIS_PREFIX })
      : createMemoryHandoverQueue(),
    bus,
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
    // A person waiting who names a life event leaves the queue for it.
    ...(classifier && { understand: createTopicDetector(classifier) }),
    logger,
  });
  const handoverRequests = createHandoverRequestLog({ staff: staffStore, logger });
  const staffLocales = loadStaffLocales(`${ROOT_DIR}locales`);
  const cannedStore = createCannedStore(storeDb);
  const staffQueue = createQueueView({
    handover,
    describe: async (ids) => {
      await recorder.flush();
      return transcripts.queueDetails(ids);
    },
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
    ...(redis && {
      limiter: createRedisLoginLimiter({ client: redis.client, prefix: config.REDIS_PREFIX }),
    }),
  });

  const identity = createIdentity(config, status.demoPersons);
  // Metrics read the committed turns like every other consumer.
  const countTurns: TurnConsumer = (turn) => {
    if (turn.kind !== 'input') return;
    const channel = turn.session.channel;
    metrics.turns.inc({ channel });
    metrics.turnSeconds.observe({ channel }, (Date.now() - turn.startedAt) / 1000);
  };
  const chat = createChatService({
    assistant: options.assistant ?? (kit as NonNullable<typeof kit>).assistant,
    store,
    hub,
    logger,
    lookupStatus: status.lookupStatus,
    greet: (who, lang) => status.proactive.greet(who, lang),
    handover: handover.routing,
    consumers: [
      recorder.consume,
      createAnswerFeedbackRecorder(transcripts, logger),
      handover.consume,
      status.proactive.consume,
      countTurns,
      handoverRequests.consume,
    ],
    // "Your message contained a personal code: removed from the record" (docs/privacy.md).
    noticeFor: redactionNotice,
    onError: () => metrics.errors.inc({ code: 'TURN_FAILED' }),
  });
  handover.bind(chat);
  status.proactive.bind(chat);

  // Botkit channels (CHANNELS); Botkit itself is loaded only when one is configured or attached.
  const channels = createChannels({
    config,
    logger,
    turns: chatTurns(chat),
  });

  // GET /ready: the database and Redis must answer; the status panel only degrades.
  const readiness = createReadiness([
    { name: 'database', required: true, probe: () => storeDb.ping() },
    ...(redis
      ? [
          {
            name: 'redis',
            required: true,
            // Commands and the pub/sub connection that carries replies to this instance's sockets.
            probe: async () => {
              const problem = redis.problem();
              if (problem !== undefined) throw new Error(`not subscribed: ${problem}`);
              return (await redis.client.ping()) === 'PONG';
            },
          },
        ]
      : []),
    { name: 'statusPanel', required: false, probe: () => Promise.resolve(!statusCircuitOpen) },
  ]);

  const http = createHttpApp({
    chat,
    logger,
    metrics,
    restLimits: {
      perAddress: config.REST_RATE_LIMIT,
      windowMs: config.REST_RATE_WINDOW_MS,
      perConversation: config.WS_RATE_LIMIT,
      conversationWindowMs: config.WS_RATE_WINDOW_MS,
    },
    ...(identity.verifyIdentity && { verifyIdentity: identity.verifyIdentity }),
    // A REST conversation in the handover queue stays there while its client polls or writes.
    onPresent: (id) =>
      void handover
        .touch([id])
        .catch((err: unknown) => logger.warn({ err }, 'handover presence failed')),
    // Why this instance is not ready, while it is alive (Redis away since start-up or later).
    ...(redis && {
      health: (): Record<string, string> => {
        const problem = redis.problem();
        return problem === undefined ? {} : { redis: `not subscribed: ${problem}` };
      },
    }),
    widgetDir: `${ROOT_DIR}dist/widget`,
    pagesDir: `${ROOT_DIR}widget/pages`,
    extend: (app) => {
      app.get('/ready', (req, res) => readiness.handler(req, res));
      // Public catalog pages and a conversation's plan; reads only the dialog's answers.
      app.use(
        createPublicPages({
          bundle: kit?.bundle ?? loadDialogBundle(ROOT_DIR),
          tokens: createPlanTokens(config.PSEUDONYM_KEY),
          corsOrigins: config.CORS_ORIGINS,
          loadPlanAnswers: async (id) => {
            const state = restoreState((await store.load(id))?.assistantState);
            return state && { lang: state.lang, lifeEvent: state.lifeEvent, vars: state.vars };
          },
        }),
      );
      channels.mount(app);
      identity.mount(app);
      status.mount(app);
      app.use(
        '/staff',
        createStaffRoutes({
          auth: staffAuth,
          staff: staffStore,
          transcripts,
          queue: staffQueue,
          pseudonymize,
          logger,
          metrics,
          assetsDir: `${ROOT_DIR}dist/staff`,
          pagesDir: `${ROOT_DIR}staff/pages`,
          locales: staffLocales,
          canned: cannedStore,
          retentionDays: config.RETENTION_DAYS,
          flush: () => recorder.flush(),
          purgeNow: () => maintenance.runOnce(),
        }),
      );
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
      maxBufferedBytes: config.WS_MAX_BUFFERED_BYTES,
    },
    onConnectionCount: (n) => metrics.connections.set(n),
    otherPaths: [AGENT_SOCKET_PATH],
    ...(identity.verifyIdentity && { verifyIdentity: identity.verifyIdentity }),
  });
  const agentSockets = attachAgentSocket({
    server,
    auth: staffAuth,
    handover,
    queue: staffQueue,
    staff: staffStore,
    logger,
    heartbeatMs: config.WS_HEARTBEAT_MS,
    onConnectionCount: (n) => metrics.agentConnections.set(n),
    onQueueLength: (n) => metrics.handoverQueue.set(n),
  });
  // Presence: the conversations with a tab open on this instance stay in the handover queue;
  // the others leave it within a minute of their tab closing.
  const presence = setInterval(() => {
    handover
      .presence(hub.sessionIds())
      .catch((err: unknown) => logger.warn({ err }, 'handover presence failed'));
  }, options.presence?.intervalMs ?? PRESENCE_INTERVAL_MS);
  presence.unref();

  return {
    server,
    async listen() {
      // No request is served before the schema is current.
      await storeDb.migrate();
      // Rows a previous run could not write before it stopped (database down at shutdown).
      await recorder.recover();
      // Canned replies from the files that the database does not have yet (docs/staff.md).
      for (const lang of LANGS) await cannedStore.seed(lang, staffLocales.canned[lang], Date.now());
      // Subscribed, or Redis not there: the server listens anyway, not ready until Redis comes.
      await redis?.started;
      maintenance.start();
      await channels.start();
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
    channels,
    async close() {
      readiness.drain();
      clearInterval(presence);
      await Promise.all([sockets.close(), agentSockets.close(), channels.close()]);
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

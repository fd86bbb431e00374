/**
 * Wires the status side from configuration: the panel adapter (HTTP when STATUS_PANEL_URL is
 * set, else the fixture), the bounded lookup for the session layer, the proactive greeting
 * and change messages, and the webhook route.
 */
import type { Express } from 'express';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { StatusLookupFn } from '../session/chat-service.js';
import { createFixtureStatusPanel, loadDemoPersons } from './fixture-status-panel.js';
import { createHttpStatusPanel } from './http-status-panel.js';
import { createProactiveStatus, type ProactiveStatus } from './proactive-status.js';
import type { StatusPanel } from './status-panel.js';
import type { DemoPerson } from './status-schema.js';
import { createStatusLookup } from './status-lookup.js';
import { loadStatusTexts } from './status-texts.js';
import type { SubjectIndex } from './subject-index.js';
import type { ReplayGuardPort } from './replay-guard.js';
import { mountStatusWebhook } from './status-webhook.js';

export interface StatusSetup {
  panel: StatusPanel;
  demoPersons: readonly DemoPerson[];
  lookupStatus: StatusLookupFn;
  /** The proactive greeting (for the pipeline), the subject index (a consumer) and change messages. */
  proactive: ProactiveStatus;
  /** Mounts POST /api/v1/status-events. */
  mount(app: Express): void;
  /** Resolves when proactive messages under way have been delivered. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export function createStatus(options: {
  config: Config;
  logger: Logger;
  localesDir: string;
  onLookup?: (outcome: string) => void;
  onCircuitChange?: (state: 'closed' | 'open' | 'half-open') => void;
  /** Whose sessions are where; default in memory (one instance). */
  subjectIndex?: SubjectIndex;
  /** Webhook event ids seen; default in memory (one instance). */
  replayGuard?: (ttlMs: number) => ReplayGuardPort;
}): StatusSetup {
  const { config, logger } = options;
  const demo = loadDemoPersons();
  const panel: StatusPanel = config.STATUS_PANEL_URL
    ? createHttpStatusPanel({
        baseUrl: config.STATUS_PANEL_URL,
        ...(config.STATUS_PANEL_API_KEY && { apiKey: config.STATUS_PANEL_API_KEY }),
        timeoutMs: config.STATUS_PANEL_TIMEOUT_MS,
        cacheTtlMs: config.STATUS_PANEL_CACHE_MS,
        logger,
        ...(options.onCircuitChange && { onCircuitChange: options.onCircuitChange }),
      })
    : createFixtureStatusPanel(demo);
  const lookupStatus = createStatusLookup({
    panel,
    logger,
    timeoutMs: config.STATUS_LOOKUP_TIMEOUT_MS,
    ...(options.onLookup && { onOutcome: options.onLookup }),
  });
  const texts = loadStatusTexts(options.localesDir);
  const proactive = createProactiveStatus({
    lookupStatus,
    texts,
    logger,
    invalidate: (code) => panel.invalidate?.(code),
    ...(options.subjectIndex && { index: options.subjectIndex }),
  });

  return {
    panel,
    demoPersons: demo.persons,
    lookupStatus,
    proactive,
    mount(app) {
      mountStatusWebhook(app, {
        ...(config.STATUS_WEBHOOK_SECRET && { secret: config.STATUS_WEBHOOK_SECRET }),
        notify: (event) => proactive.notify(event),
        ...(options.replayGuard && { replayGuard: options.replayGuard }),
        logger,
      });
    },
    async idle() {
      await proactive.close();
    },
    async close() {
      await proactive.close();
      await panel.close?.();
    },
  };
}

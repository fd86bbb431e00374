/**
 * POST /api/v1/status-events: the status panel tells of a status change. The signature is
 * checked over the raw body before anything is parsed; then the timestamp, the body and
 * whether the event id was seen already. Answers 202 with how many sessions got the message.
 */
import type { Express } from 'express';
import type { Logger } from '../logger.js';
import { HttpError, parseBody, rawBodyOf } from '../transport/http.js';
import { createMemoryReplayGuard, type ReplayGuardPort } from './replay-guard.js';
import {
  WebhookSignatureError,
  WireStatusEvent,
  toStatusEvent,
  verifyWebhookSignature,
  type StatusEvent,
} from './status-events.js';

export interface StatusWebhookOptions {
  /** Absent: the route answers 503 WEBHOOK_NOT_CONFIGURED. */
  secret?: string;
  notify: (event: StatusEvent) => Promise<number>;
  logger: Logger;
  /** How far the signed timestamp may be from now. */
  toleranceS?: number;
  now?: () => number;
  /** Event ids seen; default in memory. Give the Redis one when several instances run. */
  replayGuard?: (ttlMs: number) => ReplayGuardPort;
}

export const STATUS_EVENTS_PATH = '/api/v1/status-events';

export function mountStatusWebhook(app: Express, options: StatusWebhookOptions): void {
  const now = options.now ?? Date.now;
  const toleranceS = options.toleranceS ?? 300;
  const ttlMs = 2 * toleranceS * 1000 + 60_000;
  const replay = options.replayGuard?.(ttlMs) ?? createMemoryReplayGuard({ ttlMs, now });

  app.post(STATUS_EVENTS_PATH, async (req, res) => {
    if (!options.secret)
      throw new HttpError(503, 'WEBHOOK_NOT_CONFIGURED', 'Status events are not enabled here.');
    const raw = rawBodyOf(req);
    if (!raw) throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send application/json.');
    try {
      verifyWebhookSignature({
        secret: options.secret,
        header: req.get('x-signature'),
        rawBody: raw,
        nowS: Math.floor(now() / 1000),
        toleranceS,
      });
    } catch (err) {
      if (err instanceof WebhookSignatureError) {
        options.logger.warn({ problem: err.problem }, 'status event refused');
        throw new HttpError(401, err.code, err.message);
      }
      throw err;
    }
    const event = toStatusEvent(parseBody(WireStatusEvent, req.body));
    if (!(await replay.firstTime(event.id))) {
      options.logger.warn({ eventId: event.id }, 'status event replayed');
      throw new HttpError(409, 'REPLAYED_EVENT', `Event ${event.id} was already received.`);
    }
    const delivered = await options.notify(event);
    options.logger.info(
      { eventId: event.id, type: event.type, delivered },
      'status event delivered',
    );
    res.status(202).json({ accepted: true, delivered });
  });
}

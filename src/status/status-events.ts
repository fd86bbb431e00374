/**
 * Status-change events from the status panel, delivered to POST /api/v1/status-events and
 * signed with HMAC-SHA256 (docs/status-panel-api.md): `X-Signature: t=<unix s>,v1=<hex>` over
 * `${t}.${rawBody}`. Old timestamps and replayed event ids are refused.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { LIFE_EVENTS } from '../nlu/types.js';
import {
  PersonalCodeSchema,
  WireOffer,
  WireServiceStatus,
  toPersonStatus,
} from './status-schema.js';
import type { ProactiveOffer, ServiceStatus } from '../core/status.js';
import type { LifeEventId } from '../nlu/types.js';

export const WireStatusEvent = z.discriminatedUnion('type', [
  z
    .object({
      id: z.string().min(1).max(128),
      type: z.literal('service-changed'),
      occurredAt: z.iso.datetime({ offset: true }),
      personalCode: PersonalCodeSchema,
      lifeEvent: z.enum(LIFE_EVENTS),
      service: WireServiceStatus,
    })
    .strict(),
  z
    .object({
      id: z.string().min(1).max(128),
      type: z.literal('offer-created'),
      occurredAt: z.iso.datetime({ offset: true }),
      personalCode: PersonalCodeSchema,
      offer: WireOffer,
    })
    .strict(),
]);
export type WireStatusEvent = z.infer<typeof WireStatusEvent>;

/** The core's view of an event. */
export type StatusEvent =
  | {
      id: string;
      type: 'service-changed';
      personalCode: string;
      lifeEvent: LifeEventId;
      service: ServiceStatus;
    }
  | { id: string; type: 'offer-created'; personalCode: string; offer: ProactiveOffer };

export function toStatusEvent(wire: WireStatusEvent): StatusEvent {
  if (wire.type === 'service-changed') {
    const status = toPersonStatus({
      personalCode: wire.personalCode,
      updatedAt: wire.occurredAt,
      lifeEvents: [{ lifeEvent: wire.lifeEvent, services: [wire.service] }],
      offers: [],
    });
    return {
      id: wire.id,
      type: wire.type,
      personalCode: wire.personalCode,
      lifeEvent: wire.lifeEvent,
      service: status.lifeEvents[0]!.services[0]!,
    };
  }
  const status = toPersonStatus({
    personalCode: wire.personalCode,
    updatedAt: wire.occurredAt,
    lifeEvents: [],
    offers: [wire.offer],
  });
  return {
    id: wire.id,
    type: wire.type,
    personalCode: wire.personalCode,
    offer: status.offers[0]!,
  };
}

export type SignatureProblem = 'missing' | 'malformed' | 'stale' | 'mismatch';

export class WebhookSignatureError extends Error {
  override name = 'WebhookSignatureError';
  readonly code = 'BAD_SIGNATURE';
  constructor(
    readonly problem: SignatureProblem,
    message: string,
  ) {
    super(message);
  }
}

/** The header value a sender puts in X-Signature. */
export function signWebhook(secret: string, rawBody: string | Buffer, timestampS: number): string {
  const mac = createHmac('sha256', secret).update(`${timestampS}.`).update(rawBody).digest('hex');
  return `t=${timestampS},v1=${mac}`;
}

/**
 * Checks the signature header against the raw body; several v1 values may be given (key
 * rotation). Throws WebhookSignatureError; returns the timestamp.
 */
export function verifyWebhookSignature(options: {
  secret: string;
  header: string | undefined;
  rawBody: Buffer;
  nowS: number;
  toleranceS: number;
}): number {
  if (!options.header) throw new WebhookSignatureError('missing', 'X-Signature header is missing.');
  const parts = options.header.split(',').map((p) => p.trim().split('=', 2));
  const t = parts.find(([k]) => k === 't')?.[1];
  const macs = parts
    .filter(([k, v]) => k === 'v1' && v && /^[0-9a-f]{64}$/.test(v))
    .map(([, v]) => v!);
  if (!t || !/^\d{1,12}$/.test(t) || macs.length === 0)
    throw new WebhookSignatureError('malformed', 'X-Signature must be t=<unix seconds>,v1=<hex>.');
  const expected = Buffer.from(
    createHmac('sha256', options.secret).update(`${t}.`).update(options.rawBody).digest('hex'),
  );
  const ok = macs.some((m) => {
    const given = Buffer.from(m);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!ok) throw new WebhookSignatureError('mismatch', 'The signature does not match.');
  const ts = Number(t);
  if (Math.abs(options.nowS - ts) > options.toleranceS)
    throw new WebhookSignatureError(
      'stale',
      `The timestamp is more than ${options.toleranceS} s off.`,
    );
  return ts;
}

/** Remembers event ids for the tolerance window (and a little more), bounded in size. */
export function createReplayGuard(options: {
  ttlMs: number;
  maxEntries: number;
  now: () => number;
}) {
  const seen = new Map<string, number>();
  return {
    /** True the first time an id is seen within the window. */
    firstTime(id: string): boolean {
      const t = options.now();
      for (const [key, expires] of seen) {
        if (expires > t) break; // insertion order == expiry order
        seen.delete(key);
      }
      if (seen.has(id)) return false;
      seen.set(id, t + options.ttlMs);
      while (seen.size > options.maxEntries) {
        const oldest = seen.keys().next().value;
        if (oldest === undefined) break;
        seen.delete(oldest);
      }
      return true;
    },
  };
}

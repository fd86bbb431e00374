/**
 * The status panel's wire format (docs/status-panel-api.md), as zod schemas: the fixture
 * data file, the HTTP adapter's responses and the mock server all go through these.
 * docs/status-panel-api.schema.json is generated from them (npm run status-panel:schema).
 */
import { z } from 'zod';
import { LANGS, type Lang } from '../protocol/frames.js';
import { LIFE_EVENTS } from '../nlu/types.js';
import type { PersonStatus } from '../core/status.js';
import { parsePersonalCode } from '../identity/personal-code.js';

const IsoDate = z.iso.date({ message: 'must be an ISO date YYYY-MM-DD' });
const HttpsUrl = z.url({ protocol: /^https$/, message: 'must be an https URL' });
const ServiceId = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'must be a kebab-case id' })
  .max(64);

export const PersonalCodeSchema = z
  .string()
  .regex(/^[1-8]\d{10}$/, { message: 'must be 11 digits, the first 1-8' })
  .superRefine((v, ctx) => {
    const result = parsePersonalCode(v);
    if (!result.ok)
      ctx.addIssue({ code: 'custom', message: `not a valid personal code: ${result.message}` });
  });

export const SERVICE_STATES = [
  'done',
  'in-progress',
  'action-needed',
  'not-started',
  'offered',
] as const;

/** Next step texts by language; Estonian is always present. */
export const LocalizedText = z
  .object({
    et: z.string().min(1),
    en: z.string().min(1).optional(),
    ru: z.string().min(1).optional(),
  })
  .strict();

export const WireServiceStatus = z
  .object({
    serviceId: ServiceId,
    state: z.enum(SERVICE_STATES),
    date: IsoDate.optional(),
    nextStep: LocalizedText.optional(),
    url: HttpsUrl.optional(),
  })
  .strict();

export const WireLifeEventStatus = z
  .object({
    lifeEvent: z.enum(LIFE_EVENTS),
    startedAt: IsoDate.optional(),
    services: z.array(WireServiceStatus).max(50),
  })
  .strict();

export const WireOffer = z
  .object({
    offerId: z.string().min(1).max(64),
    serviceId: ServiceId,
    lifeEvent: z.enum(LIFE_EVENTS),
    offeredAt: IsoDate.optional(),
    expires: IsoDate.optional(),
    url: HttpsUrl.optional(),
  })
  .strict();

/** GET /v1/persons/{personalCode}/status -> 200 body. */
export const WirePersonStatus = z
  .object({
    personalCode: PersonalCodeSchema,
    updatedAt: z.iso.datetime({ offset: true }),
    lifeEvents: z.array(WireLifeEventStatus).max(20),
    offers: z.array(WireOffer).max(50),
  })
  .strict();
export type WirePersonStatus = z.infer<typeof WirePersonStatus>;

/** Error body of every non-2xx answer. */
export const WireError = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});

/** Wire -> core: drops what the core does not need (the code, offer ids). */
export function toPersonStatus(wire: WirePersonStatus): PersonStatus {
  return {
    lifeEvents: wire.lifeEvents.map((le) => ({
      lifeEvent: le.lifeEvent,
      ...(le.startedAt && { startedAt: le.startedAt }),
      services: le.services.map((s) => ({
        serviceId: s.serviceId,
        state: s.state,
        ...(s.date && { date: s.date }),
        ...(s.nextStep && {
          nextStep: s.nextStep.et,
          nextStepByLang: Object.fromEntries(
            LANGS.flatMap((l: Lang) => (s.nextStep?.[l] ? [[l, s.nextStep[l]]] : [])),
          ),
        }),
        ...(s.url && { url: s.url }),
      })),
    })),
    offers: wire.offers.map((o) => ({
      serviceId: o.serviceId,
      lifeEvent: o.lifeEvent,
      ...(o.offeredAt && { offeredAt: o.offeredAt }),
      ...(o.expires && { expires: o.expires }),
      ...(o.url && { url: o.url }),
    })),
  };
}

/** A demo person of the fixture data file (src/status/demo-persons.json). */
export const DemoPerson = z
  .object({
    /** Stable id used by the demo sign-in and scripted conversations. */
    id: ServiceId,
    name: z
      .string()
      .min(1)
      .refine((n) => n.includes('(demo)'), {
        message: 'must say "(demo)" so nobody takes it for a real person',
      }),
    personalCode: PersonalCodeSchema,
    lifeEvents: z.array(WireLifeEventStatus),
    offers: z.array(WireOffer),
  })
  .strict();
export type DemoPerson = z.infer<typeof DemoPerson>;

export const DemoPersonsFile = z
  .object({ updatedAt: z.iso.datetime({ offset: true }), persons: z.array(DemoPerson).min(1) })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Map<string, number>();
    file.persons.forEach((p, i) => {
      for (const key of [`id:${p.id}`, `code:${p.personalCode}`]) {
        const first = seen.get(key);
        if (first !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['persons', i],
            message: `duplicate ${key} (also persons.${first})`,
          });
        else seen.set(key, i);
      }
    });
  });
export type DemoPersonsFile = z.infer<typeof DemoPersonsFile>;

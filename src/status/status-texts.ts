/**
 * The texts of the proactive messages (greeting offers and actions, status changes), from
 * locales/<lang>/status.json: every language must have every key (checked at load), and the
 * status block's items are built here in the session's language.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { LANGS, type Lang, type StatusItem } from '../protocol/frames.js';
import { LIFE_EVENTS, type LifeEventId } from '../nlu/types.js';
import type { ProactiveOffer, ServiceStatus } from '../core/status.js';
import { SERVICE_STATES } from './status-schema.js';
import { dayMonthYear } from '../dialog/formats.js';

const record = <K extends string>(keys: readonly K[]) =>
  z
    .object(Object.fromEntries(keys.map((k) => [k, z.string().min(1)])) as Record<K, z.ZodString>)
    .strict();

const StatusTextsFile = z
  .object({
    title: z.string().min(1),
    greeting: record(['offersAndActions', 'offersOnly', 'actionsOnly', 'unavailable'] as const),
    change: record(['service', 'offer'] as const),
    offer: record(['nextStep', 'nextStepNoDate'] as const),
    states: record(SERVICE_STATES),
    lifeEvents: record(LIFE_EVENTS),
  })
  .strict();
type StatusTextsFile = z.infer<typeof StatusTextsFile> & { services: Record<string, string> };

/** Service names come from the service catalog's texts, so the chat names a service one way. */
const CatalogNames = z.object({
  service: z.record(z.string(), z.object({ name: z.string().min(1) }).loose()),
});

export class StatusTextsError extends Error {
  override name = 'StatusTextsError';
  readonly code = 'LOCALE_INVALID';
}

export interface StatusTexts {
  title(lang: Lang): string;
  greeting(lang: Lang, key: keyof StatusTextsFile['greeting'], name: string): string;
  serviceChanged(lang: Lang, lifeEvent: LifeEventId, service: ServiceStatus): string;
  offerCreated(lang: Lang, offer: ProactiveOffer): string;
  serviceName(lang: Lang, serviceId: string): string;
  serviceItem(lang: Lang, service: ServiceStatus): StatusItem;
  offerItem(lang: Lang, offer: ProactiveOffer): StatusItem;
  /** Service ids named in every language. */
  readonly serviceIds: string[];
}

export function loadStatusTexts(localesDir: string): StatusTexts {
  const files = {} as Record<Lang, StatusTextsFile>;
  const problems: string[] = [];
  for (const lang of LANGS) {
    const file = join(localesDir, lang, 'status.json');
    try {
      const parsed = StatusTextsFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      const catalogFile = join(localesDir, lang, 'catalog.json');
      const catalog = CatalogNames.safeParse(JSON.parse(readFileSync(catalogFile, 'utf8')));
      if (!catalog.success) {
        problems.push(`${catalogFile}: ${catalog.error.issues.map((i) => i.message).join('; ')}`);
      } else if (parsed.success) {
        const services = Object.fromEntries(
          Object.entries(catalog.data.service).map(([id, s]) => [id, s.name]),
        );
        files[lang] = { ...parsed.data, services };
      } else
        problems.push(
          ...parsed.error.issues.map((i) => `${file}: ${i.path.join('.')}: ${i.message}`),
        );
    } catch (err) {
      problems.push(`${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (problems.length === 0) {
    const ids = (lang: Lang) => Object.keys(files[lang].services).sort().join(',');
    for (const lang of LANGS) {
      if (ids(lang) !== ids('et'))
        problems.push(`locales/${lang}/status.json: services must name the same ids as et`);
    }
  }
  if (problems.length > 0) throw new StatusTextsError(problems.join('\n'));
  return createStatusTexts(files);
}

const fill = (template: string, values: Record<string, string>) =>
  template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? '');

function createStatusTexts(files: Record<Lang, StatusTextsFile>): StatusTexts {
  const serviceName = (lang: Lang, id: string) =>
    files[lang].services[id] ?? files.et.services[id] ?? humanize(id);
  const texts: StatusTexts = {
    serviceIds: Object.keys(files.et.services),
    title: (lang) => files[lang].title,
    greeting: (lang, key, name) => fill(files[lang].greeting[key], { name }).replace(/^, /, ''),
    serviceName,
    serviceChanged: (lang, lifeEvent, service) =>
      fill(files[lang].change.service, {
        lifeEvent: files[lang].lifeEvents[lifeEvent],
        service: serviceName(lang, service.serviceId),
        state: files[lang].states[service.state],
      }),
    offerCreated: (lang, offer) =>
      fill(files[lang].change.offer, {
        lifeEvent: files[lang].lifeEvents[offer.lifeEvent],
        service: serviceName(lang, offer.serviceId),
      }),
    serviceItem(lang, s) {
      const nextStep = s.nextStepByLang?.[lang] ?? s.nextStep;
      return {
        serviceId: s.serviceId,
        name: serviceName(lang, s.serviceId),
        state: s.state,
        ...(s.date && { date: s.date }),
        ...(nextStep && { nextStep }),
        ...(s.url && { url: s.url }),
      };
    },
    offerItem(lang, o) {
      return {
        serviceId: o.serviceId,
        name: serviceName(lang, o.serviceId),
        state: 'offered',
        ...(o.offeredAt && { date: o.offeredAt }),
        nextStep: o.expires
          ? fill(files[lang].offer.nextStep, { date: offerDate(o.expires, lang) })
          : files[lang].offer.nextStepNoDate,
        ...(o.url && { url: o.url }),
      };
    },
  };
  return texts;
}

/**
 * A date in running text as each language writes it: `31.12.2026` in Estonian and Russian
 * (the numeric form needs no case ending after „hiljemalt“ or «до»), `31 December 2026` in
 * English. Never the ISO form the panel sends. A value that is not an ISO date is left as it is.
 */
export function offerDate(iso: string, lang: Lang): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  const [, y, mo, d] = m;
  if (lang !== 'en') return `${d}.${mo}.${y}`;
  return dayMonthYear('en').format(new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d))));
}

/** A name for a service id the locales do not know yet: `funeral-grant` -> `Funeral grant`. */
function humanize(id: string): string {
  const words = id.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

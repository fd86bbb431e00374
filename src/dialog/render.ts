/**
 * Catalog services and a person's status as protocol blocks, in one language. Only https links
 * leave this file: a link that is not https is dropped, not shown.
 */
import { planMarker } from '../protocol/marker.js';
import type { Block, ChecklistItem, Lang, ServiceCard, StatusItem } from '../protocol/frames.js';
import { deadlineText } from '../protocol/deadline.js';
import type { LifeEventStatus, ProactiveOffer } from '../core/status.js';
import type {
  Catalog,
  CatalogService,
  Municipality,
  OfficialDomains,
  PlanService,
} from './schema.js';
import type { Translate } from './i18n.js';
import { indexLinks, isHttpsUrl, pageLanguage, type PageLanguageOf } from './links.js';

export interface CatalogIndex {
  service(id: string): CatalogService | undefined;
  /**
   * The page to act on in `lang`: the person's own municipality's page for a local service
   * (`municipality` is the dialog variable: an id or a name), else the service's link.
   */
  link(service: CatalogService, lang: Lang, municipality?: string): string | undefined;
  /** The municipality a typed answer or an id names (`all` only by its id), if any. */
  municipality(value: string): Municipality | undefined;
  /** The language of a page shown for a service, where it can be told (links.ts). */
  pageLanguage: PageLanguageOf;
}

export function indexCatalog(
  catalog: Catalog,
  municipalities: readonly Municipality[] = [],
  domains: OfficialDomains['domains'] = [],
): CatalogIndex {
  const byId = new Map<string, CatalogService>();
  for (const event of catalog.lifeEvents) for (const s of event.services) byId.set(s.id, s);
  const links = indexLinks(municipalities, domains);
  return {
    service: (id) => byId.get(id),
    link: (s, lang, m) => links.link(s, lang, m),
    municipality: (value) => links.municipality(value),
    pageLanguage: links.pageLanguage,
  };
}

/**
 * The providers' names: as a heading or table cell (`agency.*`), or inside a sentence
 * (`agencyInSentence.*`, where a generic name such as „kohalik omavalitsus“ / «нотариус» goes
 * on in lower case after „Pakkuja:“ / «Кто оказывает:», and proper names keep their capital).
 */
export function providerName(
  service: CatalogService,
  tc: Translate,
  place: 'alone' | 'in-sentence' = 'alone',
): string {
  const ns = place === 'in-sentence' ? 'agencyInSentence' : 'agency';
  // A heading or cell lists them as „A / B“; prose does not take a slash („Pakkuja: A, B.“).
  return service.providers
    .map((p) => tc(`${ns}.${p}`))
    .join(place === 'in-sentence' ? ', ' : ' / ');
}

/**
 * A service's name, summary or deadline as this plan line says it: the entry's own wording
 * (`service.<id>.as.<as>.<field>`) where it has one, else the service's. A deadline is
 * undefined when neither has one.
 */
export function serviceText(service: PlanService, field: 'name' | 'summary', tc: Translate): string;
export function serviceText(
  service: PlanService,
  field: 'deadline',
  tc: Translate,
): string | undefined;
export function serviceText(
  service: PlanService,
  field: 'name' | 'summary' | 'deadline',
  tc: Translate,
): string | undefined {
  const own = service.as
    ? tc(`service.${service.id}.as.${service.as}.${field}`, { defaultValue: '' })
    : '';
  if (own !== '') return own;
  if (field === 'deadline' && !service.deadline) return undefined;
  return tc(`service.${service.id}.${field}`);
}

function link(service: CatalogService): string | undefined {
  return service.sources.find(isHttpsUrl);
}

/**
 * The sentence that tells the reader the linked page is in another language („Lingitud leht on
 * inglise keeles.“, «Страница по ссылке — на эстонском языке.»), where the page's language is
 * known and is not the reader's; undefined otherwise.
 */
export function linkLanguageNote(
  service: CatalogService,
  url: string | undefined,
  lang: Lang,
  tc: Translate,
  languageOf: PageLanguageOf = pageLanguage,
): string | undefined {
  const page = url ? languageOf(service, url, lang) : undefined;
  return page && page !== lang ? tc(`linkLanguage.${page}`) : undefined;
}

/**
 * The service's summary, followed by the note on the linked page's language when it has one
 * (where a deadline follows the summary, the note comes after it: see checklistText).
 */
export function serviceSummary(
  service: CatalogService,
  tc: Translate,
  url?: string,
  lang?: Lang,
  languageOf?: PageLanguageOf,
): string {
  const summary = serviceText(service, 'summary', tc);
  const note = lang ? linkLanguageNote(service, url, lang, tc, languageOf) : undefined;
  return note ? `${summary} ${note}` : summary;
}

function withDeadline(deadline: string | undefined): { deadline?: string } {
  return deadline === undefined ? {} : { deadline };
}

export function serviceCard(
  service: CatalogService,
  tc: Translate,
  url: string | undefined = link(service),
  lang?: Lang,
  languageOf?: PageLanguageOf,
): ServiceCard | undefined {
  if (!url) return undefined;
  return {
    id: service.id,
    name: serviceText(service, 'name', tc),
    provider: providerName(service, tc),
    kind: service.kind,
    mode: service.mode,
    summary: serviceSummary(service, tc, url, lang, languageOf),
    ...withDeadline(serviceText(service, 'deadline', tc)),
    url,
  };
}

export function checklistItem(
  service: CatalogService,
  tc: Translate,
  url: string | undefined = link(service),
  lang?: Lang,
  languageOf?: PageLanguageOf,
): ChecklistItem {
  return {
    serviceId: service.id,
    text: serviceText(service, 'name', tc),
    summary: serviceSummary(service, tc, url, lang, languageOf),
    kind: service.kind,
    mode: service.mode,
    provider: providerName(service, tc),
    ...withDeadline(serviceText(service, 'deadline', tc)),
    ...(url ? { url } : {}),
  };
}

/**
 * The checklist as plain numbered lines: name and mode, provider, summary, deadline and the
 * linked page's language, each a sentence of its own (a provider name often carries brackets already, so it is not put in
 * brackets again).
 */
export function checklistText(
  services: CatalogService[],
  t: Translate,
  tc: Translate,
  summaryOf: (s: CatalogService) => string = (s) => serviceSummary(s, tc),
  noteOf: (s: CatalogService) => string | undefined = () => undefined,
  deadlineOf: (s: CatalogService) => string | undefined = (s) => serviceText(s, 'deadline', tc),
): string {
  return services
    .map((s, i) => {
      const line = t('checklist.line', {
        n: i + 1,
        name: serviceText(s, 'name', tc),
        mode: t(`mode.${planMarker(s)}`),
      });
      // The summary carries the facts (amounts with their year, who qualifies); the deadline
      // closes the item, so a text-only channel gets the same answer as the cards.
      const parts = [
        line,
        t('checklist.provider', { provider: providerName(s, tc, 'in-sentence') }),
        summaryOf(s),
      ];
      const deadline = deadlineOf(s);
      if (deadline) parts.push(deadlineLine(deadline, t));
      // The page's language closes the item, after the deadline (review 17 F-1).
      const note = noteOf(s);
      if (note) parts.push(note);
      return parts.join(' ');
    })
    .join('\n');
}

/** A deadline as a plan line shows it: a fragment after "Deadline:", a sentence on its own. */
export function deadlineLine(deadline: string, t: Translate): string {
  return deadlineText(deadline, (fragment) => t('checklist.deadline', { deadline: fragment }));
}

export function statusBlock(
  title: string,
  statuses: LifeEventStatus[],
  catalog: CatalogIndex,
  tc: Translate,
  lang: Lang,
): Extract<Block, { type: 'status' }> {
  const items: StatusItem[] = [];
  for (const event of statuses) {
    for (const s of event.services) {
      const known = catalog.service(s.serviceId);
      const url =
        s.url && isHttpsUrl(s.url) ? s.url : known ? catalog.link(known, lang) : undefined;
      items.push({
        serviceId: s.serviceId,
        // A service the catalog does not know is still the person's: show it under its id.
        name: known ? tc(`service.${s.serviceId}.name`) : s.serviceId,
        state: s.state,
        ...(s.date ? { date: s.date } : {}),
        // The panel may give the next step in each language; otherwise its own (Estonian).
        ...((s.nextStepByLang?.[lang] ?? s.nextStep)
          ? { nextStep: s.nextStepByLang?.[lang] ?? s.nextStep }
          : {}),
        ...(url ? { url } : {}),
      });
    }
  }
  return { type: 'status', title, items };
}

export function offerCards(
  offers: ProactiveOffer[],
  catalog: CatalogIndex,
  tc: Translate,
  lang: Lang = 'et',
): ServiceCard[] {
  const cards: ServiceCard[] = [];
  for (const offer of offers) {
    const service = catalog.service(offer.serviceId);
    const card =
      service && serviceCard(service, tc, catalog.link(service, lang), lang, catalog.pageLanguage);
    if (card) cards.push(card);
  }
  return cards;
}

/**
 * Which page a person is sent to for a service: the page in their language where one exists,
 * and for a local-government service their own municipality's page (or its site), or the common
 * page when the municipality is not known. Never another municipality's page. Pure.
 */
import { LANGS, type Lang } from '../protocol/frames.js';
import {
  ALL_MUNICIPALITIES,
  type CatalogFact,
  type CatalogService,
  type LangLinks,
  type Municipality,
  type OfficialDomains,
} from './schema.js';

export function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

export function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** `www.tallinn.ee` → `tallinn.ee`; the domain a municipality's pages must be on. */
export function siteDomain(site: string): string | undefined {
  return hostOf(site)?.replace(/^www\./, '');
}

export function onDomain(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

export function pick(links: LangLinks | undefined, lang: Lang): string | undefined {
  return links ? (links[lang] ?? links.et) : undefined;
}

/**
 * The page a reader of `lang` is shown as a fact's source: the one in their language where the
 * catalog gives one per language, else the Estonian one (or the fact's one page). Empty for a
 * fact whose source is not shown (`noLink`): it is said without a link.
 */
export function factSource(fact: Pick<CatalogFact, 'source' | 'noLink'>, lang: Lang): string {
  if (fact.noLink !== undefined) return '';
  const { source } = fact;
  return typeof source === 'string' ? source : (source[lang] ?? source.et);
}

/** A site's front page (`https://www.notar.ee`, `…/`): no path, no query, no fragment. */
export function isHomepage(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.pathname === '' || u.pathname === '/') && u.search === '' && u.hash === '';
  } catch {
    return false;
  }
}

/** Every page a fact cites, each with the language the catalog gives it (none for a plain URL). */
export function factSources(fact: Pick<CatalogFact, 'source'>): { lang?: Lang; url: string }[] {
  const { source } = fact;
  if (typeof source === 'string') return [{ url: source }];
  return LANGS.flatMap((lang) => {
    const url = source[lang];
    return url === undefined ? [] : [{ lang, url }];
  });
}

/** The languages facts name a page in (`source: { ru: URL }`), for pageLanguage. */
function factLanguages(facts: readonly CatalogFact[] | undefined, url: string): Lang[] {
  return LANGS.filter((l) =>
    (facts ?? []).some((f) => typeof f.source !== 'string' && f.source[l] === url),
  );
}

/** Tells the language of the page at `url`, shown for `service` to a reader of `lang`. */
export type PageLanguageOf = (service: CatalogService, url: string, lang: Lang) => Lang | undefined;

/**
 * The language a service's page is in, where it can be told: the catalog names it (`links.<lang>`
 * or a fact's `source.<lang>`, the reader's own language first when several languages share a
 * page), or its address does
 * (`/et/…`, `/45/ET/…`, `index_et.htm`), or its site does (`hostLanguage`: the language of an
 * official site's pages whose address names none, dialogs/official-domains.yaml). Undefined
 * otherwise: nothing is claimed then, and `dialogs check` fails for a link a person of another
 * language than Estonian would get.
 */
export function pageLanguage(
  service: CatalogService,
  url: string,
  lang: Lang,
  hostLanguage: (host: string) => Lang | undefined = () => undefined,
): Lang | undefined {
  const named = LANGS.filter(
    (l) => service.links?.[l] === url || factLanguages(service.facts, url).includes(l),
  );
  if (named.includes(lang)) return lang;
  if (named[0]) return named[0];
  return addressLanguage(url) ?? hostLanguage(hostOf(url) ?? '');
}

/** The language an address names: a path segment (`/en/`, `/ET/`) or a file (`index_et.htm`). */
export function addressLanguage(url: string): Lang | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const segments = path.split('/').filter(Boolean).slice(0, 2);
  const named = segments.map((s) => s.toLowerCase()).find((s) => isLang(s));
  const inFile = /_(et|en|ru)\.html?$/i.exec(path)?.[1]?.toLowerCase();
  const found = named ?? inFile;
  return found && isLang(found) ? found : undefined;
}

function isLang(value: string): value is Lang {
  return (LANGS as readonly string[]).includes(value);
}

/**
 * The language of an official host's pages whose address names none: the allow-list says it
 * for state sites; a local government's site is in Estonian.
 */
export function hostLanguages(
  domains: OfficialDomains['domains'],
  municipalities: readonly Municipality[],
): (host: string) => Lang | undefined {
  return (host) => {
    const state = domains.find((d) => onDomain(host, d.domain));
    if (state) return state.language;
    return municipalityOfHost(host, municipalities) ? 'et' : undefined;
  };
}

const fold = (s: string): string =>
  s
    .toLowerCase()
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/** Words that name the kind of municipality, not which one ("Saku vald", "город Нарва"). */
const KIND_WORDS = new Set([
  'vald',
  'vallas',
  'linn',
  'linnas',
  'parish',
  'город',
  'волость',
  'city',
]);

/** Case endings a place name takes in Estonian ("Tallinnas", "Tartust") and Russian ("в Таллинне"). */
const ENDINGS = [
  '',
  's',
  'st',
  'sse',
  'l',
  'lt',
  'le',
  'ga',
  'ni',
  'na',
  'ks',
  'e',
  'a',
  'у',
  'е',
  'а',
  'ом',
  'и',
];

function nameKey(name: string): string {
  return fold(name)
    .split(' ')
    .filter((w) => !KIND_WORDS.has(w))
    .join(' ');
}

export interface LinkIndex {
  /** The link for a service in a language, for a person in `municipality` (an id) if known. */
  link(service: CatalogService, lang: Lang, municipality?: string): string | undefined;
  /**
   * The municipality a dialog variable names: its id (from the extractor) or its name as typed
   * ("Tartu", "Saku vald"); undefined for anything else ("ei tea").
   */
  municipality(value: string): Municipality | undefined;
  /** The language of a page shown for a service (pageLanguage with the sites' languages). */
  pageLanguage: PageLanguageOf;
}

export function indexLinks(
  municipalities: readonly Municipality[],
  domains: OfficialDomains['domains'] = [],
): LinkIndex {
  const hostLanguage = hostLanguages(domains, municipalities);
  const byId = new Map(municipalities.map((m) => [m.id, m]));
  // Exact names in all languages; a city's bare name ("Tartu") means the city, not the parish.
  const byName = new Map<string, Municipality>();
  for (const m of municipalities) {
    if (m.id === ALL_MUNICIPALITIES) continue;
    for (const name of [m.name.et, m.name.en, m.name.ru]) {
      byName.set(fold(name), m);
      const key = nameKey(name);
      const taken = byName.get(key);
      // Not \b: it knows only ASCII letters, so „волость Тарту“ would pass as a town.
      const isCity = !/(^|\s)(vald|parish|волость)(\s|$)/iu.test(name);
      if (!taken || isCity) byName.set(key, m);
    }
  }
  const inflected = (value: string): Municipality | undefined => {
    // "Tallinnas", "в Таллинне", "Saku vallas": a known name plus a case ending.
    const words = nameKey(value)
      .split(' ')
      .filter((w) => w.length >= 3);
    for (const word of words) {
      for (const ending of ENDINGS) {
        if (ending && !word.endsWith(ending)) continue;
        const stem = ending ? word.slice(0, -ending.length) : word;
        // Estonian case forms add a stem vowel: "Tallinna-s", "Tallinna-st".
        for (const candidate of [stem, stem.replace(/[aeiuõäöü]$/, '')]) {
          const hit = candidate.length >= 3 ? byName.get(candidate) : undefined;
          if (hit) return hit;
        }
      }
    }
    return undefined;
  };
  const find = (value: string | undefined): Municipality | undefined => {
    if (!value) return undefined;
    const direct = byId.get(value);
    if (direct) return direct;
    return byName.get(fold(value)) ?? byName.get(nameKey(value)) ?? inflected(value);
  };
  const municipalPage = (m: Municipality, serviceId: string, lang: Lang): string | undefined =>
    pick(m.pages?.[serviceId], lang);
  return {
    municipality: find,
    pageLanguage(service, url, lang) {
      // A local government's page named per language (municipalities.yaml `pages`).
      if (service.local) {
        for (const m of municipalities) {
          const pages = m.pages?.[service.id];
          const named = LANGS.filter(
            (l) => pages?.[l] === url || factLanguages(m.facts?.[service.id], url).includes(l),
          );
          if (named.length > 0) return named.includes(lang) ? lang : named[0];
        }
      }
      return pageLanguage(service, url, lang, hostLanguage);
    },
    link(service, lang, municipality) {
      // No official page confirmed: the provider is named without a link.
      if (service.noLink !== undefined) return undefined;
      if (service.local) {
        const own = find(municipality);
        // A municipality whose site nobody has confirmed (no `checked`) gets the common page.
        if (own && own.id !== ALL_MUNICIPALITIES && own.checked) {
          return municipalPage(own, service.id, lang) ?? own.site;
        }
        const all = byId.get(ALL_MUNICIPALITIES);
        const common = all ? (municipalPage(all, service.id, lang) ?? all.site) : undefined;
        if (common) return common;
      }
      const chosen = pick(service.links, lang) ?? service.sources.find(isHttpsUrl);
      return chosen && isHttpsUrl(chosen) ? chosen : undefined;
    },
  };
}

/** Why a URL may be shown, or undefined when it may not (not https, not an official host). */
export function officialReason(
  url: string,
  domains: OfficialDomains['domains'],
  municipalities: readonly Municipality[],
): string | undefined {
  if (!isHttpsUrl(url)) return undefined;
  const host = hostOf(url);
  if (!host) return undefined;
  const state = domains.find((d) => onDomain(host, d.domain));
  if (state) return state.reason;
  const local = municipalityOfHost(host, municipalities);
  return local ? `official site of ${local.name.en}` : undefined;
}

/** The municipality whose site the host belongs to (not the `all` entry). */
export function municipalityOfHost(
  host: string,
  municipalities: readonly Municipality[],
): Municipality | undefined {
  return municipalities.find((m) => {
    if (m.id === ALL_MUNICIPALITIES) return false;
    const domain = siteDomain(m.site);
    return domain !== undefined && onDomain(host, domain);
  });
}

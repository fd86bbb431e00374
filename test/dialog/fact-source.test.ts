/**
 * A fact's source per language (issue 13): the schema takes one URL or one per language, every
 * consumer gives the reader the page in their language (else the Estonian one), and
 * `dialogs check` applies the allow-list to every page and the language check per language.
 */
import { describe, expect, it } from 'vitest';
import { CatalogFact, type CatalogService } from '../../src/dialog/schema.js';
import { factSource, factSources, pageLanguage } from '../../src/dialog/links.js';
import { factSentence } from '../../src/dialog/direct.js';
import { checkDialogBundle } from '../../src/dialog/check.js';
import { formatProblem, isError } from '../../src/dialog/problem.js';
import { linkLanguageNote } from '../../src/dialog/render.js';
import type { DialogBundle } from '../../src/dialog/load.js';
import { realBundle } from './helpers.js';

const ET = 'https://www.tooelu.ee/et/63/puhkused-lapsevanematele';
const EN = 'https://www.tooelu.ee/en/63/leaves-parents';
const base = {
  id: 'father-days',
  kind: 'duration',
  effective: '2022-04-01',
  checked: '2026-12-01',
};

const parse = (source: unknown) => CatalogFact.safeParse({ ...base, source });
const messages = (source: unknown) => {
  const r = parse(source);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('a fact source per language: schema', () => {
  it('takes one URL, or the page per language with Estonian required', () => {
    expect(parse(ET).success).toBe(true);
    expect(parse({ et: ET, en: EN }).success).toBe(true);
    expect(parse({ et: ET, ru: 'https://www.eesti.ee/ru/x', en: EN }).success).toBe(true);
  });

  it('says what is wrong in words an author can act on', () => {
    expect(messages({ en: EN })).toEqual([
      expect.stringMatching(
        /^source: a source URL, or one per language: \{ et: URL, ru: URL, en: URL \} \(et required/,
      ),
    ]);
    expect(messages(42)).toEqual([expect.stringMatching(/^source: a source URL, or one per/)]);
    expect(messages({ et: ET, de: 'https://x.de' })).toEqual([
      expect.stringMatching(/^source: Unrecognized key: "de"/),
    ]);
  });
});

describe('a fact source per language: reading it', () => {
  const plain = { source: ET };
  const perLang = { source: { et: ET, en: EN } };

  it('gives the page in the reader’s language, else the Estonian one', () => {
    expect(factSource(plain, 'en')).toBe(ET);
    expect(factSource(perLang, 'en')).toBe(EN);
    expect(factSource(perLang, 'ru')).toBe(ET);
    expect(factSource(perLang, 'et')).toBe(ET);
    expect(factSources(plain)).toEqual([{ url: ET }]);
    expect(factSources(perLang)).toEqual([
      { lang: 'et', url: ET },
      { lang: 'en', url: EN },
    ]);
  });

  const fact = { ...base, kind: 'duration', value: 30, unit: 'days', ...perLang } as CatalogFact;
  const service = { id: 'leave', facts: [fact] } as unknown as CatalogService;
  const tc = (key: string, o?: Record<string, unknown>) =>
    key.startsWith('linkLanguage.')
      ? `The linked page is in ${key.slice(13)}.`
      : `Leave is ${String(o?.value)}.`;
  const tv = (key: string, o?: Record<string, unknown>) =>
    key === 'direct.source'
      ? `Source: ${String(o?.url)}`
      : key === 'direct.since'
        ? 'since then'
        : `${String(o?.n)} days`;

  it('cites the reader’s page in the fact’s sentence', () => {
    expect(factSentence(service, fact, 'en', tc, tv)).toBe(
      `Leave is 30 days (since then). Source: ${EN}`,
    );
    expect(factSentence(service, fact, 'ru', tc, tv)).toBe(
      `Leave is 30 days (since then). Source: ${ET}`,
    );
  });

  it('knows the language of each page, so the "page is in Estonian" note is only for the fallback', () => {
    // The address names no language the catalog's key does not (tooelu.ee has no host language).
    expect(pageLanguage(service, EN, 'en')).toBe('en');
    expect(pageLanguage(service, 'https://www.example.ee/leave', 'en')).toBeUndefined();
    expect(linkLanguageNote(service, EN, 'en', tc)).toBeUndefined();
    expect(linkLanguageNote(service, ET, 'ru', tc)).toMatch(/is in et/);
  });
});

describe('a fact source per language: dialogs check', () => {
  const NOW = new Date('2026-12-01T12:00:00Z');
  function changed(edit: (fact: CatalogFact) => void): string[] {
    const real = realBundle();
    const copy = structuredClone({ ...real, localeFile: undefined }) as unknown as DialogBundle;
    copy.localeFile = (lang, ns) => real.localeFile(lang, ns);
    const service = copy.catalog.lifeEvents
      .flatMap((e) => e.services)
      .find((s) => s.id === 'birth-parental-benefit');
    const fact = service?.facts?.find((f) => f.id === 'father-days');
    if (!fact) throw new Error('birth-parental-benefit father-days');
    edit(fact);
    return checkDialogBundle(copy, NOW).filter(isError).map(formatProblem);
  }

  it('passes the real per-language sources', () => {
    expect(changed(() => undefined)).toEqual([]);
  });

  it('applies the allow-list to every language’s page', () => {
    expect(
      changed((f) => (f.source = { et: ET, en: 'https://www.news.example.com/en/leave' })),
    ).toContainEqual(expect.stringMatching(/facts\.\d+\.source\.en: /));
  });

  it('fails a page given for one language whose address says another', () => {
    expect(changed((f) => (f.source = { et: ET, ru: ET }))).toContainEqual(
      expect.stringMatching(
        /facts\.\d+\.source\.ru: a page in Russian under source\.ru \(.* is in Estonian/,
      ),
    );
  });

  it('fails an empty page of a per-language source', () => {
    expect(changed((f) => (f.source = { et: ET, en: '' }))).toContainEqual(
      expect.stringMatching(/facts\.\d+\.source\.en: a source \(the official page/),
    );
  });
});

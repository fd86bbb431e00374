/**
 * The content rules `dialogs check` enforces on top of the schemas: official links only, never
 * another municipality's page, every fact with a source and a recent check, fact sentences with
 * their value, no editorial notes, "sina"/"te"/«вы». Each rule is shown failing on a small
 * change to the real bundle, and the real bundle passes.
 */
import { describe, expect, it } from 'vitest';
import { checkDialogBundle } from '../../src/dialog/check.js';
import { formatProblem, isError } from '../../src/dialog/problem.js';
import { checkTexts } from '../../src/dialog/text-rules.js';
import { factSource, indexLinks, officialReason } from '../../src/dialog/links.js';
import type { DialogBundle } from '../../src/dialog/load.js';
import type { CatalogService } from '../../src/dialog/schema.js';
import { realBundle } from './helpers.js';

const NOW = new Date('2026-12-01T12:00:00Z');

/** A deep copy of the real bundle with one change. */
function changed(edit: (b: DialogBundle) => void): DialogBundle {
  const real = realBundle();
  const copy = structuredClone({ ...real, localeFile: undefined }) as unknown as DialogBundle;
  copy.localeFile = (lang, ns) => real.localeFile(lang, ns);
  edit(copy);
  return copy;
}

function service(b: DialogBundle, id: string): CatalogService {
  const s = b.catalog.lifeEvents.flatMap((e) => e.services).find((x) => x.id === id);
  if (!s) throw new Error(id);
  return s;
}

const problems = (b: DialogBundle) => checkDialogBundle(b, NOW).map(formatProblem);
const errors = (b: DialogBundle) => checkDialogBundle(b, NOW).filter(isError).map(formatProblem);

describe('content rules', () => {
  it('passes the real data without errors', () => {
    expect(errors(realBundle())).toEqual([]);
  });

  it('fails a link that is not on the official-domain allow-list', () => {
    const b = changed((x) => {
      service(x, 'divorce-property').sources[0] = 'https://citynotar.ee/teenused/';
    });
    expect(errors(b)).toContainEqual(
      expect.stringMatching(
        /catalog\.yaml: .*sources\.0: an official page .*"https:\/\/citynotar\.ee/,
      ),
    );
  });

  it('fails a catalog link to a municipality (local pages come from municipalities.yaml)', () => {
    const b = changed((x) => {
      service(x, 'birth-registration').links = {
        et: 'https://www.viljandi.ee/sunni-registreerimine',
      };
    });
    expect(errors(b)).toContainEqual(
      expect.stringMatching(/links\.et: a state page, not Viljandi's/),
    );
  });

  it("fails a municipality page on another municipality's site", () => {
    const b = changed((x) => {
      const tartu = x.municipalities.find((m) => m.id === 'tartu');
      if (tartu)
        tartu.pages = {
          'death-funeral-grant': { et: 'https://www.tallinn.ee/Teenus-Matusetoetus' },
        };
    });
    expect(errors(b)).toContainEqual(
      expect.stringMatching(
        /municipalities\.yaml: .*pages\.death-funeral-grant\.et: a page on Tartu's own site/,
      ),
    );
  });

  it('fails a fact without a source, and warns when it was checked more than a year ago', () => {
    const b = changed((x) => {
      const facts = service(x, 'marriage-registration').facts ?? [];
      if (facts[0]) facts[0].source = '';
      if (facts[1]) facts[1].checked = '2025-06-30';
    });
    const all = checkDialogBundle(b, NOW);
    expect(all.filter(isError).map(formatProblem)).toContainEqual(
      expect.stringMatching(/facts\.0\.source: a source/),
    );
    const warning = all.find((p) => p.path.endsWith('facts.1.checked'));
    expect(warning?.severity).toBe('warning');
    expect(warning?.message).toMatch(/last checked 2025-06-30/);
    // A warning is not an error: the data still loads.
    expect(problems(b).some((p) => p.startsWith('warning: '))).toBe(true);
  });

  it('fails a fact sentence that does not say the value', () => {
    const b = changed((x) => {
      const et = x.resources.et.catalog as {
        service: Record<string, { facts: Record<string, string> }>;
      };
      const facts = et.service['marriage-registration']?.facts;
      if (facts) facts['state-fee'] = 'Riigilõiv on seitsekümmend eurot.';
    });
    expect(errors(b)).toContainEqual(
      expect.stringMatching(
        /locales\/et\/catalog\.json: service\.marriage-registration\.facts\.state-fee: the fact's value as \{\{value\}\}/,
      ),
    );
  });

  it('fails a placeholder effective date, and accepts "unknown" for a start no source states', () => {
    const b = changed((x) => {
      const facts = service(x, 'ret-old-age-pension').facts ?? [];
      if (facts[0]) facts[0].effective = '2000-01-01';
      if (facts[1]) facts[1].effective = 'unknown';
    });
    const all = errors(b);
    expect(all).toContainEqual(
      expect.stringMatching(
        /facts\.0\.effective: the real date from the source.*placeholder 2000-01-01/,
      ),
    );
    expect(all.some((p) => p.includes('facts.1.effective'))).toBe(false);
    // An adopted law needs the date it comes into force.
    const adopted = changed((x) => {
      const fact = service(x, 'death-survivors-benefit').facts?.[0];
      if (fact) {
        fact.status = 'adopted';
        fact.effective = 'unknown';
      }
    });
    expect(errors(adopted)).toContainEqual(
      expect.stringMatching(/effective: the date an adopted law comes into force/),
    );
  });

  it('keeps an unconfirmed figure away from citizens: no fact, no sentence, no text stating it', () => {
    // The real data keeps the maintenance allowance amount out of every citizen text.
    const real = service(realBundle(), 'divorce-maintenance-support');
    expect(real.unconfirmed?.map((u) => u.id)).toContain('amount');
    expect(real.facts?.some((f) => f.id === 'amount')).toBe(false);
    const maternity = service(realBundle(), 'birth-maternity-benefit');
    expect(maternity.unconfirmed?.map((u) => u.id)).toContain('non-working-mother-days');

    const stated = changed((x) => {
      const ru = x.resources.ru.catalog as { service: Record<string, { summary: string }> };
      const s = ru.service['divorce-maintenance-support'];
      if (s) s.summary = `${s.summary} Пособие — 200 евро в месяц.`;
      const et = x.resources.et.dialog as Record<string, Record<string, string>>;
      const divorce = et.divorce;
      if (divorce) divorce.intro = `${divorce.intro ?? ''} Elatisabi on 200 eurot kuus.`;
    });
    const e = errors(stated);
    expect(e).toContainEqual(
      expect.stringMatching(
        /locales\/ru\/catalog\.json: service\.divorce-maintenance-support\.summary: no unconfirmed figure/,
      ),
    );
    expect(e).toContainEqual(
      expect.stringMatching(/locales\/et\/dialog\.json: divorce\.intro: no unconfirmed figure/),
    );

    const sentence = changed((x) => {
      const en = x.resources.en.catalog as {
        service: Record<string, { facts: Record<string, string> }>;
      };
      const facts = en.service['divorce-maintenance-support']?.facts;
      if (facts) facts.amount = 'The allowance is {{value}} a month.';
    });
    expect(errors(sentence)).toContainEqual(
      expect.stringMatching(/facts\.amount: no sentence for the unconfirmed figure "amount"/),
    );

    const promoted = changed((x) => {
      const s = service(x, 'divorce-maintenance-support');
      const u = s.unconfirmed?.[0];
      if (u)
        s.facts?.push({
          id: u.id,
          kind: u.kind,
          value: 200,
          unit: 'EUR-per-month',
          effective: '2024-01-01',
          checked: '2026-12-01',
          source: 'https://www.sotsiaalkindlustusamet.ee/et/lapsed-ja-pere/elatisabi',
        });
    });
    expect(errors(promoted)).toContainEqual(
      expect.stringMatching(/unconfirmed\.0\.id: an unconfirmed figure kept out of facts/),
    );
  });

  it('fails a count of municipalities other than 79, and a second common entry', () => {
    const b = changed((x) => {
      x.municipalities = x.municipalities.filter((m) => m.id !== 'ruhnu');
      const all = x.municipalities.find((m) => m.id === 'all');
      if (all) x.municipalities.push({ ...all });
    });
    const found = errors(b);
    expect(found).toContainEqual(expect.stringMatching(/exactly one entry "all"/));
    expect(found).toContainEqual(expect.stringMatching(/79 local governments, got 78/));
  });
});

describe('text rules', () => {
  const rule = (lang: 'et' | 'en' | 'ru', text: string, address: 'one' | 'couple' = 'one') =>
    checkTexts(lang, 'k', text, 'f', address).map((p) => p.message);

  it('flags editorial notes meant for authors', () => {
    expect(rule('et', 'Korduvtõend maksab 10 € (allikas aastat ei nimeta).')).toHaveLength(1);
    expect(
      rule('et', 'Tähtaeg on 30 päeva (mõnel vanemal omavalitsuse lehel on 14).'),
    ).toHaveLength(1);
    expect(rule('en', 'Some older pages say 14 days.')).toHaveLength(1);
    expect(rule('en', 'The deadline is 30 days.')).toEqual([]);
  });

  it('wants "sina" for one person in Estonian: no "Te"/"Teie", no -ge imperatives', () => {
    expect(rule('et', 'Teie avaldus on kätte saadud.')[0]).toMatch(/found "Teie"/);
    expect(rule('et', 'Esitage avaldus Sotsiaalkindlustusametile.')[0]).toMatch(/found "Esitage"/);
    expect(rule('et', 'Mis vallas te elate?')[0]).toMatch(/found "te"/);
    expect(rule('et', 'Esita avaldus ja kõige parem on teha seda kohe.')).toEqual([]);
    expect(rule('et', 'Ta saab tuge ja erituge, raske puude korral ka transporti.')).toEqual([]);
    expect(rule('et', 'Pensioni võib saada ka vanem või muu pereliige.')).toEqual([]);
    expect(rule('et', 'Pereliige, esitage avaldus.')[0]).toMatch(/found "esitage"/);
  });

  it('lets a couple be "te", but not mixed with "sina" in one message', () => {
    expect(rule('et', 'Esitage avaldus koos ja valige kuupäev.', 'couple')).toEqual([]);
    expect(rule('et', 'Esitage avaldus koos, siis on sinu nimi uus.', 'couple')[0]).toMatch(
      /one address form per message/,
    );
  });

  it('wants «вы» in Russian', () => {
    expect(rule('ru', 'Подай заявление, если у тебя есть ребёнок.')[0]).toMatch(/«вы»/);
    expect(rule('ru', 'Подайте заявление, если у вас есть ребёнок.')).toEqual([]);
  });
});

describe('links for a person', () => {
  const bundle = realBundle();
  const links = indexLinks(bundle.municipalities);
  const grant = service(bundle, 'death-funeral-grant');

  it("sends a local-government service to the person's own municipality, else the common page", () => {
    expect(links.link(grant, 'et', 'tallinn')).toBe('https://www.tallinn.ee/Teenus-Matusetoetus');
    expect(links.link(grant, 'en', 'tallinn')).toBe(
      'https://www.tallinn.ee/en/services/funeral-benefit',
    );
    // A municipality without its own page for the service: its site, never another's page.
    expect(links.link(grant, 'et', 'ruhnu')).toBe('https://ruhnu.ee');
    expect(links.link(grant, 'ru', undefined)).toMatch(
      /^https:\/\/www\.sotsiaalkindlustusamet\.ee\//,
    );
    expect(links.link(grant, 'et', 'ei tea')).toMatch(/sotsiaalkindlustusamet/);
  });

  it('sends a municipality whose site is not confirmed to the common page, and warns', () => {
    // Every site is confirmed today: take one back to unconfirmed (no checked date).
    const b = changed((x) => {
      const m = x.municipalities.find((e) => e.id === 'laaneranna');
      if (m) delete m.checked;
    });
    const unconfirmed = b.municipalities.find((m) => m.id === 'laaneranna');
    expect(unconfirmed?.checked).toBeUndefined();
    if (!unconfirmed) return;
    const unconfirmedLinks = indexLinks(b.municipalities);
    expect(unconfirmedLinks.link(grant, 'et', unconfirmed.id)).toMatch(/sotsiaalkindlustusamet/);
    expect(unconfirmedLinks.link(grant, 'et', unconfirmed.id)).not.toContain(unconfirmed.site);
    // Confirmed (a checked date), it sends the person to its own site.
    expect(links.link(grant, 'et', unconfirmed.id)).toBe('https://laanerannavald.ee');
    const warnings = checkDialogBundle(b, NOW).filter(
      (p) => p.severity === 'warning' && p.message.includes(unconfirmed.name.en),
    );
    expect(warnings).toHaveLength(1);
    expect(
      checkDialogBundle(bundle, NOW).filter((p) => p.message.includes(unconfirmed.name.en)),
    ).toEqual([]);
  });

  it('understands a municipality typed as a name, inflected, in any language', () => {
    for (const [typed, id] of [
      ['Tallinn', 'tallinn'],
      ['Tallinnas', 'tallinn'],
      ['в Таллинне', 'tallinn'],
      ['Tartu', 'tartu'],
      ['Tartu vald', 'tartu-vald'],
      // A town's bare name is the town in Russian too (the parish test once used \b, which
      // knows only ASCII letters, so «волость Тарту» passed as a town).
      ['Тарту', 'tartu'],
      ['в Тарту', 'tartu'],
      ['волость Тарту', 'tartu-vald'],
      ['Saku vallas', 'saku'],
      ['Narva-Jõesuu', 'narva-joesuu'],
      ['Võrust', 'voru'],
    ] as const) {
      expect(links.municipality(typed)?.id, typed).toBe(id);
    }
    expect(links.municipality('ei tea')).toBeUndefined();
    expect(links.municipality('Helsingi')).toBeUndefined();
  });

  it('gives the page in the person language where one exists, else Estonian', () => {
    const birth = service(bundle, 'birth-registration');
    expect(links.link(birth, 'ru')).toContain('/ru/');
    expect(links.link(birth, 'en')).toContain('/en/');
    const mediation = service(bundle, 'divorce-family-mediation');
    expect(links.link(mediation, 'en')).toBe(mediation.sources[0]);
  });

  it("links a newborn's family doctor and a death's registration to their own pages (review 17 F-3)", () => {
    const known = indexLinks(bundle.municipalities, bundle.officialDomains);
    for (const id of ['birth-family-doctor', 'settle-family-doctor']) {
      const doctor = service(bundle, id);
      expect(known.link(doctor, 'et')).toBe(
        'https://tervisekassa.ee/perearsti-valimine-ja-vahetamine',
      );
      expect(known.link(doctor, 'en')).toMatch(
        /^https:\/\/terviseamet\.ee\/en\/.*choosing-family-physician-and-switching$/,
      );
    }
    const death = service(bundle, 'death-registration');
    for (const lang of ['et', 'en', 'ru'] as const) {
      expect(known.link(death, lang)).toMatch(/^https:\/\/www\.siseministeerium\.ee\//);
    }
    expect(known.link(death, 'ru')).toContain('/ru/');
    // No English page: the Estonian one, and the reader is told so.
    expect(known.pageLanguage(death, known.link(death, 'en') ?? '', 'en')).toBe('et');
  });

  it("warns when an English or Russian speaker would get the portal's Estonian page", () => {
    const real = checkDialogBundle(realBundle(), NOW);
    // The ID card: the English page exists and is used, so no warning for English on it.
    expect(
      real.some((p) => p.path.endsWith('services.3.links.en') && p.path.startsWith('lifeEvents.3')),
    ).toBe(false);
    const b = changed((x) => {
      const s = service(x, 'settle-id-card');
      if (s.links) delete s.links.en;
    });
    const warning = checkDialogBundle(b, NOW).find((p) =>
      p.path.startsWith('lifeEvents.3.services.3.links.en'),
    );
    expect(warning?.severity).toBe('warning');
    expect(warning?.message).toMatch(/a page in English \(https:\/\/www\.eesti\.ee\/et\//);
  });

  it('tells the language of an Estonian-only page of kra.ee and mil.ee, and fails a page whose language is unknown (review 17 F-2)', () => {
    const known = indexLinks(bundle.municipalities, bundle.officialDomains);
    const health = service(bundle, 'mil-health-check');
    const url = known.link(health, 'ru') ?? '';
    expect(url).toMatch(/^https:\/\/kra\.ee\/ajateenistus\//);
    expect(known.pageLanguage(health, url, 'ru')).toBe('et');
    expect(known.pageLanguage(health, 'https://kra.ee/en/x', 'ru')).toBe('en');
    const support = service(bundle, 'mil-support');
    expect(known.pageLanguage(support, 'https://mil.ee/ajateenistus/', 'en')).toBe('et');
    // The language in the address beats the site's: europa.eu names it in the file.
    expect(
      known.pageLanguage(
        support,
        'https://europa.eu/youreurope/citizens/residence/documents-formalities/registering-residence/estonia/index_et.htm',
        'en',
      ),
    ).toBe('et');
    // A site whose language nobody gave: the check fails for a reader of English and Russian.
    const b = changed((x) => {
      const kra = x.officialDomains.find((d) => d.domain === 'kra.ee');
      if (kra) delete kra.language;
    });
    expect(errors(b)).toContainEqual(
      expect.stringMatching(
        /a page whose language can be told for a reader of ru \(https:\/\/kra\.ee\/ajateenistus\/terviseseisundi-hindamine\//,
      ),
    );
  });

  it('explains why a host is official', () => {
    expect(
      officialReason('https://www.eesti.ee/et/x', bundle.officialDomains, bundle.municipalities),
    ).toMatch(/state portal/);
    expect(
      officialReason('https://www.tartu.ee/x', bundle.officialDomains, bundle.municipalities),
    ).toMatch(/Tartu/);
    expect(
      officialReason('http://www.eesti.ee', bundle.officialDomains, bundle.municipalities),
    ).toBeUndefined();
    expect(
      officialReason('https://www.err.ee/1', bundle.officialDomains, bundle.municipalities),
    ).toBeUndefined();
  });
});

describe('"sina" and «вы» beyond the dialogs', () => {
  it('status, widget and handover texts address one person as "sina" and in Russian as «вы»', async () => {
    const { readFileSync } = await import('node:fs');
    const { HANDOVER_TEXTS } = await import('../../src/handover/texts.js');
    const flat = (tree: unknown, prefix = ''): [string, string][] =>
      Object.entries(tree as Record<string, unknown>).flatMap(([k, v]) =>
        typeof v === 'string' ? [[`${prefix}${k}`, v]] : flat(v, `${prefix}${k}.`),
      );
    const found: string[] = [];
    for (const lang of ['et', 'ru'] as const) {
      for (const file of ['status.json', 'widget.json']) {
        const tree: unknown = JSON.parse(readFileSync(`locales/${lang}/${file}`, 'utf8'));
        for (const [key, text] of flat(tree)) {
          found.push(...checkTexts(lang, key, text, file, 'one').map(formatProblem));
        }
      }
      for (const [key, texts] of Object.entries(HANDOVER_TEXTS)) {
        const say = texts[lang] as (...args: unknown[]) => string;
        const text = say({ hours: '9–17', back: '9' });
        found.push(...checkTexts(lang, key, text, 'handover', 'one').map(formatProblem));
      }
    }
    expect(found).toEqual([]);
  });
});

describe('no link, homepages and the language decision (issue 13 leftovers)', () => {
  it("fails a link to a site's bare homepage, unless the domain says why its homepage is the page", () => {
    const b = changed((x) => {
      service(x, 'divorce-name').sources.push('https://www.siseministeerium.ee/');
    });
    expect(errors(b)).toContainEqual(
      expect.stringMatching(
        /services\.\d+\.sources\.1: the page that says it, not www\.siseministeerium\.ee's homepage/,
      ),
    );
    const allowed = changed((x) => {
      service(x, 'divorce-name').sources.push('https://www.siseministeerium.ee/');
      const domain = x.officialDomains.find((d) => d.domain === 'siseministeerium.ee');
      if (domain) domain.homepage = 'a reason that names why the front page is the page';
    });
    expect(errors(allowed)).toEqual([]);
    // The two that are allowed say why (dialogs/official-domains.yaml).
    const reasons = realBundle()
      .officialDomains.filter((d) => d.homepage !== undefined)
      .map((d) => d.domain);
    expect(reasons.sort()).toEqual(['rajaleidja.ee', 'settleinestonia.ee']);
  });

  it('a service with no confirmed page says why (noLink), shows nothing in its place and is named without a link', () => {
    const bundle = realBundle();
    const known = indexLinks(bundle.municipalities, bundle.officialDomains);
    for (const id of ['death-funeral', 'death-survivors-benefit']) {
      const s = service(bundle, id);
      expect(s.noLink).toMatch(/G-28/);
      for (const lang of ['et', 'en', 'ru'] as const) expect(known.link(s, lang)).toBeUndefined();
    }
    const none = changed((x) => {
      service(x, 'divorce-name').sources = [];
    });
    expect(errors(none)).toContainEqual(
      expect.stringMatching(/sources: at least one source URL, or noLink saying why/),
    );
    const both = changed((x) => {
      service(x, 'death-funeral').sources = ['https://www.eesti.ee/et/perekond/'];
    });
    expect(errors(both)).toContainEqual(
      expect.stringMatching(/services\.\d+\.sources: no sources on a service with noLink/),
    );
  });

  it('a fact with noLink keeps its source for the maintainers and shows none to citizens', () => {
    const bundle = realBundle();
    const from = service(bundle, 'death-survivors-benefit').facts?.find((f) => f.id === 'from');
    expect(from?.source).toMatch(/^https:\/\/www\.sm\.ee\//);
    expect(from && factSource(from, 'et')).toBe('');
    const plain = service(bundle, 'marriage-minor').facts?.[0];
    expect(plain && factSource(plain, 'en')).toBe(
      'https://www.riigiteataja.ee/en/eli/ee/527122016004/consolide/current',
    );
  });

  it('an Estonian page for a Russian or English reader is a decision in data (langFallback), else a warning', () => {
    const real = checkDialogBundle(realBundle(), NOW).filter((p) => p.severity === 'warning');
    expect(real.filter((p) => /links\.(en|ru)$/.test(p.path))).toEqual([]);
    const b = changed((x) => {
      delete service(x, 'mil-register').langFallback;
    });
    const warning = checkDialogBundle(b, NOW).find(
      (p) => p.severity === 'warning' && p.path.endsWith('links.ru'),
    );
    expect(warning?.message).toMatch(/or langFallback\.ru saying why there is none/);
    const contradicts = changed((x) => {
      const s = service(x, 'marriage-new-id-document');
      s.links = {
        ...(s.links ?? { et: s.sources[0] ?? '' }),
        en: 'https://www.eesti.ee/en/x/',
      };
    });
    expect(errors(contradicts)).toContainEqual(
      expect.stringMatching(
        /langFallback\.en: no langFallback for en: the service links a page in it/,
      ),
    );
  });

  it('every answer that gives a link has a form for a service with none, in every language', () => {
    const b = changed((x) => {
      const direct = (x.resources.ru.conversation as Record<string, Record<string, string>>).direct;
      if (direct) delete direct['noFact_nolink'];
    });
    expect(errors(b)).toContainEqual(
      expect.stringMatching(/direct\.noFact: text "direct\.noFact_nolink" in locales\/\{ru\}/),
    );
  });
});

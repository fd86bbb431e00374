/**
 * Cross-checks over a schema-valid bundle: everything a schema cannot see. Pure: returns the
 * problems, each with file, path and what was expected.
 */
import { LANGS, type Lang } from '../protocol/frames.js';
import { deadlineFormProblem } from '../protocol/deadline.js';
import { LIFE_EVENTS } from '../nlu/types.js';
import type { DialogBundle, JsonTree, Namespace } from './load.js';
import { NAMESPACES } from './load.js';
import {
  CONVERSATION_KEYS,
  CONVERSATION_PLURAL_KEYS,
  ENGINE_KEYS,
  ENGINE_PLURAL_KEYS,
  NO_LINK_CONTEXT,
  NO_LINK_KEYS,
  PLURAL_FORMS,
} from './keys.js';
import { COUNTED_UNITS, FactUnit } from './schema.js';
import { ASK_KINDS, EMERGENCY_KINDS } from './understand.js';
import { TYPED_CUES, TYPED_EXTRACTORS, TYPED_LEXICONS, isTyped } from './extract/extractors.js';
import type { Problem } from './problem.js';
import {
  ALL_MUNICIPALITIES,
  EFFECTIVE_UNKNOWN,
  checklistEntry,
  successors,
  type CatalogFact,
  type CatalogService,
  type Dialog,
  type DialogNode,
} from './schema.js';
import {
  addressLanguage,
  factSource,
  factSources,
  hostLanguages,
  hostOf,
  indexLinks,
  isHomepage,
  isHttpsUrl,
  municipalityOfHost,
  officialReason,
  onDomain,
  siteDomain,
} from './links.js';
import { checkTexts } from './text-rules.js';

export { isHttpsUrl } from './links.js';

/** Local governments in Estonia since the 2017 reform: 15 cities and 64 parishes. */
export const MUNICIPALITY_COUNT = 79;
/** A fact not confirmed for longer than this is reported as a warning. */
const FACT_MAX_AGE_DAYS = 365;
/**
 * Dates someone wrote for "long ago, exact date not known": an effective date must be the real
 * one from the source, or `unknown`.
 */
export const PLACEHOLDER_DATES: ReadonlySet<string> = new Set([
  '0001-01-01',
  '1900-01-01',
  '1970-01-01',
  '1999-12-31',
  '2000-01-01',
]);

/** Variables the engine sets itself; conditions may use them without a question. */
const BUILTIN_VARS: Record<string, readonly string[]> = {
  signedIn: ['true', 'false'],
  status: ['found', 'signed-out', 'unavailable'],
};

function flatten(
  tree: JsonTree,
  prefix = '',
  out = new Map<string, string>(),
): Map<string, string> {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else flatten(v, key, out);
  }
  return out;
}

const pluralSuffix = /_(zero|one|two|few|many|other)$/;

class LocaleIndex {
  readonly keys: Record<Lang, Record<Namespace, Map<string, string>>>;

  constructor(bundle: DialogBundle) {
    this.keys = {} as typeof this.keys;
    for (const lang of LANGS) {
      this.keys[lang] = {
        dialog: flatten(bundle.resources[lang].dialog),
        catalog: flatten(bundle.resources[lang].catalog),
        conversation: flatten(bundle.resources[lang].conversation),
        glossary: flatten(bundle.resources[lang].glossary),
      };
    }
  }

  has(lang: Lang, ns: Namespace, key: string): boolean {
    const map = this.keys[lang][ns];
    return map.has(key) || map.has(`${key}_other`);
  }

  /** The languages that lack the key. */
  missing(ns: Namespace, key: string): Lang[] {
    return LANGS.filter((lang) => !this.has(lang, ns, key));
  }
}

/**
 * A person reading English or Russian is told when a page is in another language (review 17
 * F-2), so every page such a person can be shown must have a language that can be told
 * (links.ts pageLanguage): the service's link for each municipality and for none, and its facts'
 * sources.
 */
function checkPageLanguages(
  s: CatalogService,
  sp: string,
  file: string,
  links: ReturnType<typeof indexLinks>,
  bundle: DialogBundle,
): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const municipalities = s.local
    ? [undefined, ...bundle.municipalities.map((m) => m.id)]
    : [undefined];
  for (const lang of ['en', 'ru'] as const) {
    const shown: [string, string][] = (s.facts ?? []).map((f, fi) => [
      typeof f.source === 'string'
        ? `${sp}.facts.${fi}.source`
        : `${sp}.facts.${fi}.source.${lang}`,
      factSource(f, lang),
    ]);
    for (const m of municipalities) {
      const url = links.link(s, lang, m);
      if (url) shown.push([m ? `${sp} (for ${m})` : `${sp}.links.${lang}`, url]);
    }
    for (const [path, url] of shown) {
      if (!isHttpsUrl(url) || seen.has(`${lang} ${url}`)) continue;
      seen.add(`${lang} ${url}`);
      if (links.pageLanguage(s, url, lang) !== undefined) continue;
      problems.push({
        file,
        path,
        message: `a page whose language can be told for a reader of ${lang} (${url}: name it under links, put it in the address, or give its site a language in dialogs/official-domains.yaml)`,
      });
    }
  }
  return problems;
}

export function checkDialogBundle(bundle: DialogBundle, now = new Date()): Problem[] {
  const problems: Problem[] = [];
  const locales = new LocaleIndex(bundle);
  const requireKey = (ns: Namespace, key: string, file: string, path: string): void => {
    const missing = locales.missing(ns, key);
    if (missing.length > 0) {
      problems.push({
        file,
        path,
        message: `text "${key}" in locales/{${missing.join(',')}}/${ns}.json (missing there)`,
      });
    }
  };

  // Catalog.
  const { catalog, catalogFile } = bundle;
  const agencies = new Set(catalog.agencies);
  const services = new Map<string, string>(); // service id -> life event
  const links = indexLinks(bundle.municipalities, bundle.officialDomains);
  catalog.agencies.forEach((a, i) => {
    requireKey('catalog', `agency.${a}`, catalogFile, `agencies.${i}`);
    requireKey('catalog', `agencyInSentence.${a}`, catalogFile, `agencies.${i}`);
  });
  for (const id of LIFE_EVENTS) {
    if (!catalog.lifeEvents.some((e) => e.id === id)) {
      problems.push({ file: catalogFile, path: 'lifeEvents', message: `an entry for "${id}"` });
    }
  }
  catalog.lifeEvents.forEach((event, ei) => {
    const at = `lifeEvents.${ei}`;
    requireKey('catalog', `lifeEvent.${event.id}.name`, catalogFile, `${at}.id`);
    event.services.forEach((s, si) => {
      const sp = `${at}.services.${si}`;
      if (services.has(s.id)) {
        problems.push({
          file: catalogFile,
          path: `${sp}.id`,
          message: `a unique id ("${s.id}" repeats)`,
        });
      }
      services.set(s.id, event.id);
      s.providers.forEach((p, pi) => {
        if (!agencies.has(p)) {
          problems.push({
            file: catalogFile,
            path: `${sp}.providers.${pi}`,
            message: `an agency listed under agencies (one of ${[...agencies].join(', ')}), got "${p}"`,
          });
        }
      });
      const citizenLinks: [string, string][] = [
        ...s.sources.map((url, ui): [string, string] => [`${sp}.sources.${ui}`, url]),
        ...Object.entries(s.links ?? {}).map(([lang, url]): [string, string] => [
          `${sp}.links.${lang}`,
          url,
        ]),
      ];
      for (const [path, url] of citizenLinks) {
        problems.push(...checkLink(url, catalogFile, path, bundle, { stateOnly: true }));
      }
      problems.push(...checkNoLink(s, sp, catalogFile));
      if (!s.local) {
        const etLink = s.links?.et ?? s.sources.find(isHttpsUrl);
        for (const lang of ['en', 'ru'] as const) {
          const fallback = s.langFallback?.[lang];
          if (fallback !== undefined && s.links?.[lang]) {
            problems.push({
              file: catalogFile,
              path: `${sp}.langFallback.${lang}`,
              message: `no langFallback for ${lang}: the service links a page in it (links.${lang})`,
            });
          }
          if (fallback !== undefined && (!etLink || addressLanguage(etLink) === lang)) {
            problems.push({
              file: catalogFile,
              path: `${sp}.langFallback.${lang}`,
              message: `no langFallback for ${lang}: the page shown is not an Estonian one`,
            });
          }
          if (s.links?.[lang] || fallback !== undefined) continue;
          if (!etLink || !isEstonianPortalPage(etLink)) continue;
          problems.push({
            file: catalogFile,
            path: `${sp}.links.${lang}`,
            message: `a page in ${lang === 'en' ? 'English' : 'Russian'} (${etLink} is the portal's Estonian page; eesti.ee has /${lang}/ pages), or langFallback.${lang} saying why there is none`,
            severity: 'warning',
          });
        }
      }
      problems.push(...checkPageLanguages(s, sp, catalogFile, links, bundle));
      for (const field of ['name', 'summary', ...(s.deadline ? ['deadline'] : [])]) {
        requireKey('catalog', `service.${s.id}.${field}`, catalogFile, `${sp}.id`);
      }
      if (s.deadline) {
        for (const lang of LANGS) {
          const key = `service.${s.id}.deadline`;
          const text = locales.keys[lang].catalog.get(key);
          const problem = text === undefined ? undefined : deadlineFormProblem(text);
          if (problem) {
            problems.push({
              file: bundle.localeFile(lang, 'catalog'),
              path: key,
              message: problem,
            });
          }
        }
      }
      const factIds = new Set<string>();
      (s.facts ?? []).forEach((fact, fi) => {
        const fp = `${sp}.facts.${fi}`;
        if (factIds.has(fact.id)) {
          problems.push({
            file: catalogFile,
            path: `${fp}.id`,
            message: `a fact id unique within the service ("${fact.id}" repeats)`,
          });
        }
        factIds.add(fact.id);
        problems.push(...checkFact(fact, catalogFile, fp, bundle, now, { stateOnly: true }));
        const key = `service.${s.id}.facts.${fact.id}`;
        requireKey('catalog', key, catalogFile, `${fp}.id`);
        if (fact.value !== undefined) {
          for (const lang of LANGS) {
            const text = locales.keys[lang].catalog.get(key);
            if (text !== undefined && !text.includes('{{value}}') && !text.includes('{{n}}')) {
              problems.push({
                file: bundle.localeFile(lang, 'catalog'),
                path: key,
                message: "the fact's value as {{value}} (or the bare number {{n}}) in its sentence",
              });
            }
          }
        }
      });
      problems.push(...checkUnconfirmed(s, event.id, factIds, sp, bundle, locales));
    });
  });

  problems.push(...checkMunicipalities(bundle, services, now));

  // Dialogs.
  for (const id of LIFE_EVENTS) {
    const loaded = bundle.dialogs[id];
    if (!loaded) {
      problems.push({
        file: `dialogs/${id}.yaml`,
        path: '',
        message: 'a dialog for this life event',
      });
      continue;
    }
    problems.push(...checkDialog(loaded.file, loaded.dialog, services, locales));
  }

  problems.push(...checkConversation(bundle, locales, services));

  // Locales: engine keys, plural forms, the same keys in every language, https only.
  for (const key of ENGINE_KEYS) requireKey('dialog', key, bundle.localeFile('et', 'dialog'), key);
  for (const lang of LANGS) {
    for (const key of ENGINE_PLURAL_KEYS) {
      for (const form of PLURAL_FORMS[lang]) {
        if (!locales.keys[lang].dialog.has(`${key}_${form}`)) {
          problems.push({
            file: bundle.localeFile(lang, 'dialog'),
            path: `${key}_${form}`,
            message: `the "${form}" plural form of "${key}"`,
          });
        }
      }
    }
    for (const ns of NAMESPACES) {
      const file = bundle.localeFile(lang, ns);
      for (const [key, text] of locales.keys[lang][ns]) {
        const base = key.replace(pluralSuffix, '');
        const elsewhere = locales.missing(ns, base);
        if (elsewhere.length > 0) {
          problems.push({
            file,
            path: key,
            message: `the same key in locales/{${elsewhere.join(',')}}/${ns}.json (missing there)`,
          });
        }
        for (const url of text.match(/\bhttps?:\/\/[^\s)"'<>]+/g) ?? []) {
          if (!url.startsWith('https://')) {
            problems.push({ file, path: key, message: `https:// links only, got "${url}"` });
          } else problems.push(...checkLink(url, file, key, bundle, { stateOnly: true }));
        }
        if (!isLexicon(ns, key)) {
          problems.push(...checkTexts(lang, key, text, file, addressOf(ns, key, services)));
        }
        if (text.trim() === '') problems.push({ file, path: key, message: 'a non-empty text' });
      }
    }
  }
  return problems;
}

function checkDialog(
  file: string,
  dialog: Dialog,
  services: Map<string, string>,
  locales: LocaleIndex,
): Problem[] {
  const problems: Problem[] = [];
  const { nodes } = dialog;
  const ids = Object.keys(nodes);
  const requireText = (key: string, path: string): void => {
    const missing = locales.missing('dialog', key);
    if (missing.length > 0) {
      problems.push({
        file,
        path,
        message: `text "${key}" in locales/{${missing.join(',')}}/dialog.json (missing there)`,
      });
    }
  };

  if (!(dialog.start in nodes)) {
    problems.push({
      file,
      path: 'start',
      message: `an existing node (one of ${ids.join(', ')}), got "${dialog.start}"`,
    });
  }

  // Variables the questions set, with their possible values.
  const vars = new Map<string, Set<string> | 'free'>();
  for (const node of Object.values(nodes)) {
    if (node.kind === 'question') {
      const values = vars.get(node.var);
      const set = values instanceof Set ? values : new Set<string>();
      node.options.forEach((o) => set.add(o.id));
      vars.set(node.var, set);
    } else if (node.kind === 'input') vars.set(node.var, 'free');
  }
  const checkCondition = (when: Record<string, unknown>, path: string): void => {
    for (const [name, value] of Object.entries(when)) {
      const allowed = BUILTIN_VARS[name] ?? vars.get(name);
      if (allowed === undefined) {
        problems.push({
          file,
          path: `${path}.${name}`,
          message: `a variable set by a question (${[...vars.keys(), ...Object.keys(BUILTIN_VARS)].join(', ')})`,
        });
        continue;
      }
      if (allowed === 'free') continue;
      const values = Array.isArray(value) ? value.map(String) : [String(value)];
      for (const v of values) {
        if (![...allowed].includes(v)) {
          problems.push({
            file,
            path: `${path}.${name}`,
            message: `one of ${[...allowed].join(', ')}, got "${v}"`,
          });
        }
      }
    }
  };

  for (const [id, node] of Object.entries(nodes)) {
    const at = `nodes.${id}`;
    if ('text' in node) requireText(node.text, `${at}.text`);
    if (node.kind === 'input' && node.hint) requireText(node.hint, `${at}.hint`);
    const targets = gotoPaths(node);
    for (const [path, target] of targets) {
      if (!(target in nodes)) {
        problems.push({
          file,
          path: `${at}.${path}`,
          message: `an existing node, got "${target}" (dangling goto)`,
        });
      }
    }
    if (node.kind === 'question') {
      const seen = new Set<string>();
      node.options.forEach((o, i) => {
        if (seen.has(o.id))
          problems.push({
            file,
            path: `${at}.options.${i}.id`,
            message: `a unique option id ("${o.id}" repeats)`,
          });
        seen.add(o.id);
        requireText(o.label ?? `option.${o.id}`, `${at}.options.${i}.label`);
        // `means: no` stands in for a missing `no` option; once per question.
        const means = o.means;
        if (
          means &&
          node.options.some((other, j) => j !== i && (other.id === means || other.means === means))
        )
          problems.push({
            file,
            path: `${at}.options.${i}.means`,
            message: `a "${means}" no other option of the question is or means`,
          });
      });
    }
    if (node.kind === 'branch')
      node.cases.forEach((c, i) => checkCondition(c.when, `${at}.cases.${i}.when`));
    if (node.kind === 'checklist') {
      node.services.forEach((entry, i) => {
        const { service, when, as } = checklistEntry(entry);
        const owner = services.get(service);
        // An entry's own wording must say something: a name, summary or deadline of its own
        // (the same keys in every language are checked with all texts).
        if (
          as !== undefined &&
          !['name', 'summary', 'deadline'].some((f) =>
            locales.has('et', 'catalog', `service.${service}.as.${as}.${f}`),
          )
        ) {
          problems.push({
            file,
            path: `${at}.services.${i}.as`,
            message: `a name, summary or deadline under "service.${service}.as.${as}" in locales/<lang>/catalog.json`,
          });
        }
        if (owner === undefined) {
          problems.push({
            file,
            path: `${at}.services.${i}`,
            message: `a service in dialogs/catalog.yaml, got "${service}"`,
          });
        } else if (owner !== dialog.lifeEvent) {
          problems.push({
            file,
            path: `${at}.services.${i}`,
            message: `a service of ${dialog.lifeEvent}, got "${service}" (of ${owner})`,
          });
        }
        if (when) checkCondition(when, `${at}.services.${i}.when`);
      });
    }
  }

  // Reachability from start, and from every reachable node a way to an end.
  const reachable = new Set<string>();
  const queue = dialog.start in nodes ? [dialog.start] : [];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (reachable.has(id)) continue;
    reachable.add(id);
    const node = nodes[id];
    if (node) queue.push(...successors(node).filter((t) => t in nodes));
  }
  for (const id of ids) {
    if (!reachable.has(id))
      problems.push({
        file,
        path: `nodes.${id}`,
        message: `to be reachable from "${dialog.start}" (unreachable node)`,
      });
  }
  const terminates = new Set(ids.filter((id) => isTerminal(nodes[id])));
  for (let changed = true; changed;) {
    changed = false;
    for (const id of ids) {
      const node = nodes[id];
      if (node && !terminates.has(id) && successors(node).some((t) => terminates.has(t))) {
        terminates.add(id);
        changed = true;
      }
    }
  }
  for (const id of ids) {
    if (reachable.has(id) && !terminates.has(id)) {
      problems.push({
        file,
        path: `nodes.${id}`,
        message: 'a way to an end or handover node (dead end)',
      });
    }
  }
  return problems;
}

function isTerminal(node: DialogNode | undefined): boolean {
  return node?.kind === 'end' || node?.kind === 'handover';
}

function gotoPaths(node: DialogNode): [string, string][] {
  switch (node.kind) {
    case 'question':
      return node.options.map((o, i) => [`options.${i}.goto`, o.goto]);
    case 'branch':
      return [
        ...node.cases.map((c, i): [string, string] => [`cases.${i}.goto`, c.goto]),
        ['otherwise', node.otherwise],
      ];
    case 'handover':
    case 'end':
      return [];
    default:
      return [['next', node.next]];
  }
}

/**
 * The engine's own data: texts, emergency and question lexicons, service search terms, every
 * question's extractors (each lexicon and value in all three languages, each mapped value an
 * option of the question), the “You said” text of every answer, and the glossary.
 */
function checkConversation(
  bundle: DialogBundle,
  locales: LocaleIndex,
  services: Map<string, string>,
): Problem[] {
  const problems: Problem[] = [];
  const file = bundle.localeFile('et', 'conversation');
  const need = (
    key: string,
    path: string,
    where = file,
    ns: Namespace = 'conversation',
  ): boolean => {
    const missing = locales.missing(ns, key);
    if (missing.length > 0) {
      problems.push({
        file: where,
        path,
        message: `text "${key}" in locales/{${missing.join(',')}}/${ns}.json (missing there)`,
      });
    }
    return missing.length === 0;
  };
  for (const key of CONVERSATION_KEYS) need(key, key);
  for (const key of NO_LINK_KEYS) need(`${key}_${NO_LINK_CONTEXT}`, key);
  for (const lang of LANGS) {
    const keys = locales.keys[lang].conversation;
    const plural = (key: string) => {
      for (const form of PLURAL_FORMS[lang]) {
        if (!keys.has(`${key}_${form}`)) {
          problems.push({
            file: bundle.localeFile(lang, 'conversation'),
            path: `${key}_${form}`,
            message: `the "${form}" plural form of "${key}"`,
          });
        }
      }
    };
    CONVERSATION_PLURAL_KEYS.forEach(plural);
    for (const unit of FactUnit.options) {
      if (COUNTED_UNITS.includes(unit)) plural(`units.${unit}`);
    }
  }
  for (const unit of FactUnit.options) {
    if (!COUNTED_UNITS.includes(unit)) need(`units.${unit}`, `units.${unit}`);
    else need(`units.bare.${unit}`, `units.bare.${unit}`);
  }
  for (const kind of EMERGENCY_KINDS) {
    need(`emergency.words.${kind}`, `emergency.words.${kind}`);
    need(`emergency.reply.${kind}`, `emergency.reply.${kind}`);
  }
  for (const kind of ASK_KINDS) need(`ask.${kind}`, `ask.${kind}`);
  for (const [key] of locales.keys.et.conversation) {
    const service = /^terms\.(.+)$/.exec(key)?.[1];
    if (service !== undefined && !services.has(service)) {
      problems.push({
        file,
        path: key,
        message: `a service of dialogs/catalog.yaml, got "${service}"`,
      });
    }
  }
  /** The values of lexicon `extract.<name>` (in Estonian; the same-key check covers the rest). */
  const lexiconValues = (name: string): string[] =>
    [...locales.keys.et.conversation.keys()]
      .filter((k) => k.startsWith(`extract.${name}.`))
      .map((k) => k.slice(`extract.${name}.`.length));

  for (const id of LIFE_EVENTS) {
    const loaded = bundle.dialogs[id];
    if (!loaded) continue;
    for (const [nodeId, node] of Object.entries(loaded.dialog.nodes)) {
      if (node.kind !== 'question') continue;
      const at = `nodes.${nodeId}`;
      const options = new Set(node.options.map((o) => o.id));
      for (const o of node.options) {
        need(`said.${id}.${node.var}.${o.id}`, `${at}.options`, loaded.file);
      }
      if (node.assume) {
        if (!options.has(node.assume.option)) {
          problems.push({
            file: loaded.file,
            path: `${at}.assume.option`,
            message: `an option id (${[...options].join(', ')}), got "${node.assume.option}"`,
          });
        }
        node.assume.askIf.forEach((item, i) => {
          const [lexicon = '', value] = item.split('.');
          const values = lexiconValues(lexicon);
          if (value === undefined ? values.length === 0 : !values.includes(value)) {
            problems.push({
              file: loaded.file,
              path: `${at}.assume.askIf.${i}`,
              message: `a lexicon extract.${item}${value === undefined ? '.<value>' : ''} in locales/<lang>/conversation.json`,
            });
            return;
          }
          for (const v of value === undefined ? values : [value])
            need(`extract.${lexicon}.${v}`, `${at}.assume.askIf.${i}`, loaded.file);
        });
      }
      (node.extract ?? []).forEach((decl, i) => {
        const path = `${at}.extract.${i}`;
        const use = typeof decl === 'string' ? decl : decl.use;
        const map = typeof decl === 'string' ? undefined : decl.map;
        let values: string[];
        if (isTyped(use)) {
          values = [...TYPED_EXTRACTORS[use]];
          const cueLexicon = use === 'age-until' ? 'age' : use;
          for (const cue of TYPED_CUES[use])
            need(`extract.${cueLexicon}-cue.${cue}`, path, loaded.file);
          for (const key of TYPED_LEXICONS[use]) need(`extract.${key}`, path, loaded.file);
          const { at } = typeof decl === 'string' ? { at: undefined } : decl;
          if (use === 'age-until' && at === undefined) {
            problems.push({
              file: loaded.file,
              path,
              message: 'an age "at": years, or service-id.fact-id',
            });
          }
          if (typeof at === 'string') {
            const [serviceId, factId] = at.split('.');
            const fact = bundle.catalog.lifeEvents
              .flatMap((e) => e.services)
              .find((s) => s.id === serviceId)
              ?.facts?.find((f) => f.id === factId);
            if (fact?.kind !== 'age' || fact.value === undefined) {
              problems.push({
                file: loaded.file,
                path: `${path}.at`,
                message: `a catalog fact of kind age with a value, got "${at}"`,
              });
            }
          }
        } else {
          values = lexiconValues(use);
          if (values.length === 0) {
            problems.push({
              file: loaded.file,
              path,
              message: `a lexicon extract.${use}.<value> in locales/<lang>/conversation.json, or one of ${Object.keys(TYPED_EXTRACTORS).join(', ')}`,
            });
            return;
          }
          for (const v of values) need(`extract.${use}.${v}`, path, loaded.file);
        }
        const near = typeof decl === 'string' ? undefined : decl.near;
        if (near !== undefined) {
          const cues = lexiconValues(near);
          if (cues.length === 0) {
            problems.push({
              file: loaded.file,
              path: `${path}.near`,
              message: `a lexicon extract.${near}.<value> in locales/<lang>/conversation.json`,
            });
          }
          for (const v of cues) need(`extract.${near}.${v}`, `${path}.near`, loaded.file);
        }
        if (!map) {
          if (!values.some((v) => options.has(v))) {
            problems.push({
              file: loaded.file,
              path,
              message: `a lexicon with values that are option ids (${[...options].join(', ')}), or a map; got values ${values.join(', ')}`,
            });
          }
          return;
        }
        for (const [from, to] of Object.entries(map)) {
          if (!values.includes(from)) {
            problems.push({
              file: loaded.file,
              path: `${path}.map.${from}`,
              message: `a value of "${use}" (${values.join(', ')})`,
            });
          }
          if (!options.has(to)) {
            problems.push({
              file: loaded.file,
              path: `${path}.map.${from}`,
              message: `an option id of the question (${[...options].join(', ')}), got "${to}"`,
            });
          }
        }
      });
    }
  }

  // Glossary: every term with its name, the words that name it and a plain explanation.
  const gfile = bundle.localeFile('et', 'glossary');
  const terms = new Set(
    LANGS.flatMap((lang) => [...locales.keys[lang].glossary.keys()].map((k) => k.split('.')[0]!)),
  );
  for (const term of terms) {
    for (const field of ['term', 'words', 'means'])
      need(`${term}.${field}`, term, gfile, 'glossary');
  }
  return problems;
}

/**
 * A service either has a source to link, or says why not (`noLink`); one with `noLink` shows
 * nothing in its place: no links, no sources, no municipality's page.
 */
function checkNoLink(s: CatalogService, sp: string, file: string): Problem[] {
  if (s.noLink === undefined) {
    return s.sources.length === 0
      ? [
          {
            file,
            path: `${sp}.sources`,
            message: 'at least one source URL, or noLink saying why no official page is linked',
          },
        ]
      : [];
  }
  const problems: Problem[] = [];
  const shown: [string, boolean][] = [
    ['links', s.links !== undefined],
    ['sources', s.sources.length > 0],
    ['local', s.local === true],
    ['langFallback', s.langFallback !== undefined],
  ];
  for (const [field, present] of shown) {
    if (!present) continue;
    problems.push({
      file,
      path: `${sp}.${field}`,
      message: `no ${field} on a service with noLink (nothing is linked in place of the missing page)`,
    });
  }
  return problems;
}

/** Who a text speaks to: a couple (marriage, divorce) may be addressed with "te". */
/** Phrase lists the engine matches messages with: the person's words, not texts said to them. */
function isLexicon(ns: Namespace, key: string): boolean {
  return ns === 'conversation' && /^(extract|terms|topics|cues|ask|emergency\.words)\./.test(key);
}

function addressOf(ns: Namespace, key: string, services: Map<string, string>): 'one' | 'couple' {
  const couple = new Set(['marriage', 'divorce']);
  if (ns === 'dialog') return couple.has(key.split('.')[0] ?? '') ? 'couple' : 'one';
  if (ns === 'conversation' && key.startsWith('said.')) {
    return couple.has(key.split('.')[1] ?? '') ? 'couple' : 'one';
  }
  const m = /^service\.([^.]+)\./.exec(key);
  const event = m?.[1] ? services.get(m[1]) : undefined;
  return event && couple.has(event) ? 'couple' : 'one';
}

/**
 * A citizen-facing link: https, on an official domain or a municipality's own site; with
 * `stateOnly`, never a municipality's page (those come from dialogs/municipalities.yaml only,
 * so a person is never sent to another municipality's page).
 */
function checkLink(
  url: string,
  file: string,
  path: string,
  bundle: DialogBundle,
  opts: { stateOnly?: boolean; municipality?: string } = {},
): Problem[] {
  if (!isHttpsUrl(url)) return [{ file, path, message: `an https:// URL, got "${url}"` }];
  const host = hostOf(url) ?? '';
  const reason = officialReason(url, bundle.officialDomains, bundle.municipalities);
  if (!reason) {
    return [
      {
        file,
        path,
        message: `an official page (a domain in ${bundle.domainsFile} or a municipality's site), got "${url}"`,
      },
    ];
  }
  const state = bundle.officialDomains.find((d) => onDomain(host, d.domain));
  if (isHomepage(url) && state?.homepage === undefined) {
    return [
      {
        file,
        path,
        message: `the page that says it, not ${host}'s homepage ("${url}"); or the domain's homepage reason in ${bundle.domainsFile}`,
      },
    ];
  }
  const local = municipalityOfHost(host, bundle.municipalities);
  if (local && opts.stateOnly) {
    return [
      {
        file,
        path,
        message: `a state page, not ${local.name.en}'s ("${url}"): a local page belongs in ${bundle.municipalitiesFile} (and the service gets local: true)`,
      },
    ];
  }
  if (opts.municipality !== undefined) {
    const own = bundle.municipalities.find((m) => m.id === opts.municipality);
    const domain = own ? siteDomain(own.site) : undefined;
    const isOwn = domain !== undefined && onDomain(host, domain);
    if (own?.id === ALL_MUNICIPALITIES ? local !== undefined : !isOwn) {
      return [
        {
          file,
          path,
          message:
            own?.id === ALL_MUNICIPALITIES
              ? `a state page for the common entry, got ${local?.name.en ?? ''}'s "${url}"`
              : `a page on ${own?.name.en ?? opts.municipality}'s own site (${domain ?? '?'}), got "${url}"`,
        },
      ];
    }
  }
  return [];
}

const LANGUAGE_NAMES: Record<Lang, string> = { et: 'Estonian', en: 'English', ru: 'Russian' };

/** Every fact has an official source and dates; a fact not confirmed for a year is a warning. */
function checkFact(
  fact: CatalogFact,
  file: string,
  path: string,
  bundle: DialogBundle,
  now: Date,
  linkOpts: { stateOnly?: boolean; municipality?: string },
): Problem[] {
  const problems: Problem[] = [];
  // Every page of a per-language source is checked like a single one: on the allow-list, and in
  // the language it is given for where its address or site tells a language.
  const hostLanguage = hostLanguages(bundle.officialDomains, bundle.municipalities);
  for (const { lang, url } of factSources(fact)) {
    const at = lang ? `${path}.source.${lang}` : `${path}.source`;
    if (url.trim() === '') {
      problems.push({
        file,
        path: at,
        message: 'a source (the official page that states the fact)',
      });
      continue;
    }
    problems.push(...checkLink(url, file, at, bundle, linkOpts));
    const told = lang && (addressLanguage(url) ?? hostLanguage(hostOf(url) ?? ''));
    if (lang && told && told !== lang) {
      problems.push({
        file,
        path: at,
        message: `a page in ${LANGUAGE_NAMES[lang]} under source.${lang} (${url} is in ${LANGUAGE_NAMES[told]} by its address or site)`,
      });
    }
  }
  if (fact.value !== undefined && fact.unit === undefined) {
    problems.push({ file, path: `${path}.unit`, message: 'a unit for the value' });
  }
  for (const field of ['effective', 'checked'] as const) {
    if (field === 'effective' && fact.effective === EFFECTIVE_UNKNOWN) {
      if (fact.status === 'adopted') {
        problems.push({
          file,
          path: `${path}.effective`,
          message: 'the date an adopted law comes into force (not "unknown")',
        });
      }
      continue;
    }
    if (PLACEHOLDER_DATES.has(fact[field])) {
      problems.push({
        file,
        path: `${path}.${field}`,
        message: `the real date from the source, or "unknown" when no official source states it; got the placeholder ${fact[field]}`,
      });
      continue;
    }
    if (Number.isNaN(Date.parse(`${fact[field]}T00:00:00Z`))) {
      problems.push({
        file,
        path: `${path}.${field}`,
        message: `a real date, got "${fact[field]}"`,
      });
    }
  }
  const checked = Date.parse(`${fact.checked}T00:00:00Z`);
  const ageDays = (now.getTime() - checked) / 86_400_000;
  if (ageDays > FACT_MAX_AGE_DAYS) {
    problems.push({
      file,
      path: `${path}.checked`,
      message: `a fact confirmed within the last year (last checked ${fact.checked}): check it against its source`,
      severity: 'warning',
    });
  }
  if (ageDays < -1) {
    problems.push({
      file,
      path: `${path}.checked`,
      message: `a checked date not in the future, got ${fact.checked}`,
    });
  }
  return problems;
}

/** An eesti.ee page in Estonian (/et/…): an English or Russian speaker should get the portal's own page. */
function isEstonianPortalPage(url: string): boolean {
  const host = hostOf(url);
  return host !== undefined && onDomain(host, 'eesti.ee') && /^https:\/\/[^/]+\/et\//.test(url);
}

/** The figure as it could be written in a text: 200, 138.08, 138,08. */
function valuePattern(value: number): RegExp {
  const plain = String(value);
  const forms = new Set([
    plain,
    plain.replace('.', ','),
    value.toFixed(2),
    value.toFixed(2).replace('.', ','),
  ]);
  const alternatives = [...forms].map((f) => f.replace(/[.]/g, '\\.')).join('|');
  return new RegExp(`(?<![\\d.,])(?:${alternatives})(?![\\d]|[.,]\\d)`);
}

/**
 * An unconfirmed figure must not reach a citizen: no fact of the same id, no fact sentence for it
 * in any language, and its value in none of the service's texts nor the texts of its life
 * event's dialog (the plan, the public pages and direct answers read only those and `facts`).
 */
function checkUnconfirmed(
  s: CatalogService,
  lifeEvent: string,
  factIds: ReadonlySet<string>,
  sp: string,
  bundle: DialogBundle,
  locales: LocaleIndex,
): Problem[] {
  const problems: Problem[] = [];
  (s.unconfirmed ?? []).forEach((u, ui) => {
    const up = `${sp}.unconfirmed.${ui}`;
    if (factIds.has(u.id)) {
      problems.push({
        file: bundle.catalogFile,
        path: `${up}.id`,
        message: `an unconfirmed figure kept out of facts ("${u.id}" is also a fact shown to citizens)`,
      });
    }
    for (const lang of LANGS) {
      const key = `service.${s.id}.facts.${u.id}`;
      if (locales.has(lang, 'catalog', key)) {
        problems.push({
          file: bundle.localeFile(lang, 'catalog'),
          path: key,
          message: `no sentence for the unconfirmed figure "${u.id}" (it must not reach citizens)`,
        });
      }
      if (u.value === undefined) continue;
      const pattern = valuePattern(u.value);
      const texts: [Namespace, string, string][] = [
        ...[...locales.keys[lang].catalog]
          .filter(([k]) => k.startsWith(`service.${s.id}.`))
          .map(([k, t]): [Namespace, string, string] => ['catalog', k, t]),
        ...[...locales.keys[lang].dialog]
          .filter(([k]) => k.startsWith(`${lifeEvent}.`))
          .map(([k, t]): [Namespace, string, string] => ['dialog', k, t]),
      ];
      for (const [ns, key2, text] of texts) {
        if (pattern.test(text)) {
          problems.push({
            file: bundle.localeFile(lang, ns),
            path: key2,
            message: `no unconfirmed figure: ${s.id}'s "${u.id}" (${u.value}) is not confirmed on an official page, so no citizen text may state it`,
          });
        }
      }
    }
  });
  return problems;
}

function checkMunicipalities(
  bundle: DialogBundle,
  services: Map<string, string>,
  now: Date,
): Problem[] {
  const problems: Problem[] = [];
  const file = bundle.municipalitiesFile;
  const { municipalities } = bundle;
  if (municipalities.length === 0) return problems; // the loader already said why
  const localServices = new Set(
    bundle.catalog.lifeEvents.flatMap((e) => e.services.filter((s) => s.local).map((s) => s.id)),
  );
  const seen = new Set<string>();
  const hosts = new Map<string, string>();
  const alls = municipalities.filter((m) => m.id === ALL_MUNICIPALITIES).length;
  if (alls !== 1) {
    problems.push({
      file,
      path: 'municipalities',
      message: `exactly one entry "${ALL_MUNICIPALITIES}" (the common page), got ${alls}`,
    });
  }
  const count = municipalities.length - alls;
  if (count !== MUNICIPALITY_COUNT) {
    problems.push({
      file,
      path: 'municipalities',
      message: `${MUNICIPALITY_COUNT} local governments, got ${count}`,
    });
  }
  municipalities.forEach((m, i) => {
    const at = `municipalities.${i}`;
    if (seen.has(m.id))
      problems.push({ file, path: `${at}.id`, message: `a unique id ("${m.id}" repeats)` });
    seen.add(m.id);
    if (m.id === ALL_MUNICIPALITIES) {
      problems.push(...checkLink(m.site, file, `${at}.site`, bundle, { stateOnly: true }));
    } else {
      if (!m.checked) {
        problems.push({
          file,
          path: `${at}.checked`,
          message: `a confirmed site for ${m.name.en} (no checked date): its links go to the common page until then`,
          severity: 'warning',
        });
      }
      const domain = siteDomain(m.site);
      if (!isHttpsUrl(m.site) || !domain) {
        problems.push({ file, path: `${at}.site`, message: `an https:// URL, got "${m.site}"` });
      } else {
        const other = hosts.get(domain);
        if (other)
          problems.push({
            file,
            path: `${at}.site`,
            message: `a site of its own ("${domain}" is also ${other}'s)`,
          });
        hosts.set(domain, m.id);
        if (bundle.officialDomains.some((d) => onDomain(domain, d.domain))) {
          problems.push({
            file,
            path: `${at}.site`,
            message: `the municipality's own site, got a state domain "${domain}"`,
          });
        }
      }
    }
    for (const [serviceId, links] of Object.entries(m.pages ?? {})) {
      const pp = `${at}.pages.${serviceId}`;
      if (!services.has(serviceId)) {
        problems.push({
          file,
          path: pp,
          message: `a service in ${bundle.catalogFile}, got "${serviceId}"`,
        });
      } else if (!localServices.has(serviceId)) {
        problems.push({
          file,
          path: pp,
          message: `a local-government service (local: true in ${bundle.catalogFile}), got "${serviceId}"`,
        });
      }
      for (const [lang, url] of Object.entries(links)) {
        problems.push(...checkLink(url, file, `${pp}.${lang}`, bundle, { municipality: m.id }));
      }
    }
    for (const [serviceId, facts] of Object.entries(m.facts ?? {})) {
      const fp = `${at}.facts.${serviceId}`;
      if (!localServices.has(serviceId)) {
        problems.push({
          file,
          path: fp,
          message: `a local-government service (local: true in ${bundle.catalogFile}), got "${serviceId}"`,
        });
      }
      facts.forEach((fact, fi) => {
        problems.push(...checkFact(fact, file, `${fp}.${fi}`, bundle, now, { municipality: m.id }));
      });
    }
  });
  return problems;
}

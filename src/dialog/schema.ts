/**
 * Zod schemas for the data in dialogs/: the service catalog and one dialog tree per life event.
 * Kept small on purpose so dialog authors can read them; docs/dialogs.md documents every field.
 * Texts are never written here: the files hold i18next keys, the words live in locales/.
 */
import { z } from 'zod';
import { LIFE_EVENTS } from '../nlu/types.js';

const slug = /^[a-z0-9][a-z0-9-]*$/;
export const NodeId = z.string().regex(slug, 'a node id in kebab-case (a-z, 0-9, -)');
export const ServiceId = z.string().regex(slug, 'a service id in kebab-case (a-z, 0-9, -)');
export const AgencyId = z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'an agency id like SKA');
/** An i18next key in the `dialog` namespace, e.g. `marriage.intro`. */
export const TextKey = z
  .string()
  .regex(/^[a-z0-9-]+(\.[a-zA-Z0-9-]+)+$/, 'a text key like marriage.intro (dot-separated)');
export const LifeEvent = z.enum(LIFE_EVENTS);

// ---------------------------------------------------------------------------------------------
// Catalog: life events and their sub-services. Names and texts are in locales/<lang>/catalog.json.

export const ServiceKind = z.enum(['core', 'optional', 'exceptional']);
/** automatic: the state does it from its data; proactive: the state offers it, you accept. */
export const ServiceMode = z.enum(['automatic', 'proactive', 'application']);
/** How far the state is along: it only informs, it exchanges data, or it acts proactively. */
export const Maturity = z.enum(['information', 'data-exchange', 'proactive']);

/** What a fact is about; a direct question ("how much…", "by when…") is answered with its kind. */
export const FactKind = z.enum(['amount', 'fee', 'deadline', 'duration', 'age', 'other']);
export const FactUnit = z.enum([
  'EUR',
  'EUR-per-month',
  'EUR-per-day',
  'days',
  'working-days',
  'months',
  'years',
  'percent',
]);

/** Units counted in whole numbers: plural forms, and one of them reads as the bare word. */
export const COUNTED_UNITS: readonly string[] = ['days', 'working-days', 'months', 'years'];
export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2025-01-01');
/**
 * The date a fact applies from, or `unknown` when no official source states it (the fact is
 * then said as "in force, checked …" rather than with an invented start date).
 */
export const EFFECTIVE_UNKNOWN = 'unknown';
export const EffectiveDate = z.union([IsoDate, z.literal(EFFECTIVE_UNKNOWN)]);
/** Whether a fact is law now, adopted but not yet in force, or only a draft. */
export const FactStatus = z.enum(['in-force', 'adopted', 'draft']);

/**
 * One checkable fact of a service: its value, from when it applies and where it is stated.
 * The sentence that says it is `service.<id>.facts.<factId>` in locales/<lang>/catalog.json,
 * with `{{value}}` where the formatted value goes. Direct answers and plans read facts from
 * here, never from a copy of the text.
 */
export const Condition = z.record(
  z.string(),
  z.union([z.string(), z.boolean(), z.array(z.string()).min(1)]),
);
export type Condition = z.infer<typeof Condition>;

/** A page in each language it exists in; Estonian is the fallback and must be there. */
export const LangLinks = z.strictObject({
  et: z.string({ error: 'the Estonian page (et), the fallback for every language' }),
  en: z.string().optional(),
  ru: z.string().optional(),
});
export type LangLinks = z.infer<typeof LangLinks>;

/**
 * Where a fact is stated: one official page, or the page per language where the official page in
 * that language states the same fact (`{ et: URL, ru: URL, en: URL }`, et required). A reader
 * gets the page in their language, else the Estonian one.
 */
export const FactSource = z.union([z.string(), LangLinks], {
  error: (issue) =>
    issue.code === 'invalid_union'
      ? 'a source URL, or one per language: { et: URL, ru: URL, en: URL } (et required, no other keys)'
      : undefined,
});
export type FactSource = z.infer<typeof FactSource>;

export const CatalogFact = z.strictObject({
  id: z.string().regex(slug, 'a fact id in kebab-case, unique within its service'),
  kind: FactKind,
  /** Absent only for a fact that is a sentence without a number (kind `other`). */
  value: z.number().optional(),
  unit: FactUnit.optional(),
  /** The date the value applies from; `unknown` when no official source states it. */
  effective: EffectiveDate,
  /** The date someone last confirmed the value against `source` (each of its pages). */
  checked: IsoDate,
  /** The official page that states the value (https), or one per language (FactSource). */
  source: FactSource,
  status: FactStatus.optional(),
  /**
   * Why the source is not shown to citizens (a news item of the ministry about the draft, with no
   * official page of the law as adopted): the fact keeps its source for the maintainers and
   * docs/facts.md, and is said with its dates but without a link.
   */
  noLink: z.string().min(10, 'why the source is not shown (what page is missing)').optional(),
  /**
   * The dialog's answers the fact is for (`{ eu: 'yes' }`): a direct answer uses it only when the
   * person's answers say so, and then before the service's other facts of that kind.
   */
  when: Condition.optional(),
});
export type CatalogFact = z.infer<typeof CatalogFact>;

/**
 * A figure someone found for a service but no official page confirmed. It is kept here, out of
 * `facts`, so that no citizen-facing text, page or direct answer can show it (renderers read
 * `facts` only); `dialogs check` fails a locale text that states it anyway. Confirm it on the
 * official page and move it to `facts`, or leave it here.
 */
export const UnconfirmedFact = z.strictObject({
  id: z.string().regex(slug, 'a fact id in kebab-case, unique within its service'),
  kind: FactKind,
  value: z.number().optional(),
  unit: FactUnit.optional(),
  /** Where the figure was seen (a news or secondary page, never shown to citizens). */
  seen: z.string().min(1, 'where the figure was seen'),
  /** Why it is not confirmed, for the maintainers. */
  note: z.string().min(10, 'why the figure is not confirmed'),
});
export type UnconfirmedFact = z.infer<typeof UnconfirmedFact>;

export const CatalogService = z.strictObject({
  id: ServiceId,
  kind: ServiceKind,
  providers: z.array(AgencyId).min(1),
  mode: ServiceMode,
  maturity: Maturity,
  /**
   * Where the facts come from; the first one is the link to act. https only (the checker says so).
   * At least one, unless `noLink` says why there is none.
   */
  sources: z.array(z.string()),
  /** The page to act on, per language (used before `sources`). */
  links: LangLinks.optional(),
  /**
   * Why no page is linked: no official page for the service is confirmed (only a homepage or a
   * news item was found). The plan and answers then name the provider without a link; `sources`
   * and `links` stay empty so that nothing else is shown in its place.
   */
  noLink: z.string().min(10, 'why no page is linked (what was looked for)').optional(),
  /**
   * Why a reader of English or Russian gets the Estonian page (no page in their language is
   * confirmed): the decision made, per language. The reply tells them the page's language.
   */
  langFallback: z
    .strictObject({
      en: z.string().min(10, 'why English readers get the Estonian page').optional(),
      ru: z.string().min(10, 'why Russian readers get the Estonian page').optional(),
    })
    .optional(),
  /**
   * A local-government service: the link is the person's own municipality's page (dialogs/
   * municipalities.yaml, dialog variable `municipality`), or the common page when unknown.
   */
  local: z.boolean().optional(),
  /** Set when the texts in locales have a deadline (catalog: service.<id>.deadline). */
  deadline: z.boolean().optional(),
  /** Structured facts (amounts, fees, deadlines, ages, durations) with date and source. */
  facts: z.array(CatalogFact).optional(),
  /** Figures not confirmed on an official page: never shown to citizens (see UnconfirmedFact). */
  unconfirmed: z.array(UnconfirmedFact).optional(),
});
export type CatalogService = z.infer<typeof CatalogService>;

export const CatalogLifeEvent = z.strictObject({
  id: LifeEvent,
  services: z.array(CatalogService).min(1),
});

export const Catalog = z.strictObject({
  agencies: z.array(AgencyId).min(1),
  lifeEvents: z.array(CatalogLifeEvent),
});
export type Catalog = z.infer<typeof Catalog>;

// ---------------------------------------------------------------------------------------------
// Municipalities (dialogs/municipalities.yaml): the 79 local governments and the common page.

export const MunicipalityId = z.string().regex(slug, 'a municipality id in kebab-case');
export const Municipality = z.strictObject({
  id: MunicipalityId,
  name: z.strictObject({ et: z.string().min(1), en: z.string().min(1), ru: z.string().min(1) }),
  /** The municipality's official site (https). */
  site: z.string(),
  /** Per catalog service id: the municipality's own page for it, per language. */
  pages: z.record(ServiceId, LangLinks).optional(),
  /** Per catalog service id: the municipality's own facts (e.g. its funeral grant). */
  facts: z.record(ServiceId, z.array(CatalogFact).min(1)).optional(),
  /** The date someone last confirmed `site` (and pages) against the live or stored page. */
  checked: IsoDate.optional(),
});
export type Municipality = z.infer<typeof Municipality>;
/** The id of the entry that stands for all municipalities (their common page). */
export const ALL_MUNICIPALITIES = 'all';
export const Municipalities = z.strictObject({ municipalities: z.array(Municipality).min(1) });
export type Municipalities = z.infer<typeof Municipalities>;

// ---------------------------------------------------------------------------------------------
// Official domains (dialogs/official-domains.yaml): the only hosts a citizen-facing link may use.

export const OfficialDomain = z.strictObject({
  /** A host name; its subdomains are allowed too (`eesti.ee` allows `www.eesti.ee`). */
  domain: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'a host name like eesti.ee'),
  /** Why this host is official: who runs it. */
  reason: z.string().min(10, 'a reason (who runs the site and why it is official)'),
  /**
   * The language of its pages whose address names none (`kra.ee/ajateenistus/…` is Estonian,
   * `kra.ee/en/…` English); absent when every address names its language (europa.eu).
   */
  language: z.optional(z.enum(['et', 'en', 'ru'])),
  /**
   * Why the site's bare homepage may be linked (a programme whose site is itself the service);
   * without it `dialogs check` fails a link to the homepage: a person needs the page that says it.
   */
  homepage: z.string().min(10, 'why the homepage itself is the page to link').optional(),
});
export const OfficialDomains = z.strictObject({ domains: z.array(OfficialDomain).min(1) });
export type OfficialDomains = z.infer<typeof OfficialDomains>;

// ---------------------------------------------------------------------------------------------
// Dialog trees.

/**
 * All keys must hold (AND). A key is a question's `var`, or one the engine sets: `signedIn`
 * (true/false) and `status` (found / signed-out / unavailable, after a status node).
 * A list of values means any of them.
 */

/** Whether a condition holds for these answers (`answer(name)`: undefined while not known). */
export function conditionHolds(
  when: Condition,
  answer: (name: string) => string | undefined,
): boolean {
  return Object.entries(when).every(([name, expected]) => {
    const actual = answer(name);
    if (actual === undefined) return false;
    return Array.isArray(expected) ? expected.includes(actual) : String(expected) === actual;
  });
}

export const QuestionOption = z.strictObject({
  /** Stable id, stored as the answer (`yes`, `no`, `abroad`...). */
  id: z.string().regex(slug, 'an option id in kebab-case'),
  /** Label key; defaults to `option.<id>`. */
  label: TextKey.optional(),
  /**
   * The plain yes or no this option stands for when its id is another (`not-yet` at „Kas laps on
   * juba sündinud?“): a typed „ei“ / «нет» / "no" picks it (review 19 F-9).
   */
  means: z.enum(['yes', 'no']).optional(),
  goto: NodeId,
});

/**
 * How a question takes its answer from free text (docs/dialogs.md "Extractors"). A string names
 * a phrase lexicon whose values are the node's option ids: `extract.<name>.<option>` in
 * locales/<lang>/conversation.json. The object form maps a lexicon's or a typed extractor's
 * values to option ids: `{ use: place, map: { abroad: 'yes', estonia: 'no' } }`. Typed
 * extractors: `age` (values `adult`/`minor`, with `atLeast`), `months` (values `within`/`later`,
 * with `within` months from now), `date` (values `past`/`future`), `age-until` (values
 * `reached`/`within`/`later`: when the person reaches the age `at` compared with `within` months).
 */
export const ExtractDecl = z.union([
  z.string().regex(slug, 'a lexicon name in kebab-case'),
  z.strictObject({
    use: z.string().regex(slug, 'a lexicon or extractor name in kebab-case'),
    map: z.record(z.string(), z.string()).optional(),
    atLeast: z.number().int().positive().optional(),
    within: z.number().int().positive().optional(),
    /**
     * A lexicon whose phrase must stand in the same clause (between punctuation or „ja“, “and”,
     * «и») for this one to count: a town is the birthplace only next to a birth word (“born in
     * Tallinn”), not in “we live in Tallinn”. The open question itself is that context.
     */
    near: z.string().regex(slug, 'a lexicon name in kebab-case').optional(),
    /** `age-until`: the age in years, or a catalog fact that holds it (`service.fact`). */
    at: z
      .union([
        z.number().int().positive(),
        z.string().regex(/^[a-z0-9-]+\.[a-z0-9-]+$/, 'a catalog fact as service-id.fact-id'),
      ])
      .optional(),
  }),
]);
export type ExtractDecl = z.infer<typeof ExtractDecl>;

const MessageNode = z.strictObject({ kind: z.literal('message'), text: TextKey, next: NodeId });
const QuestionNode = z.strictObject({
  kind: z.literal('question'),
  text: TextKey,
  var: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/, 'a variable name like nameChange'),
  options: z.array(QuestionOption).min(2, 'at least two options'),
  /** The answers this question can take from free text, in any message of its dialog. */
  extract: z.array(ExtractDecl).optional(),
  /**
   * The answer taken without asking when the message that starts the dialog (or a click on the
   * topic) says none of `askIf`'s phrases: a plain wish to marry is a marriage in Estonia; the
   * place is asked only when a foreign country or „abroad“ is named, or the couple married
   * already. `askIf` items are lexicons (`wed-before`) or one value of one (`place.abroad`).
   */
  assume: z
    .strictObject({
      option: z.string().regex(slug, 'an option id in kebab-case'),
      askIf: z
        .array(z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)?$/, 'a lexicon or lexicon.value'))
        .min(1),
    })
    .optional(),
});
/** A question answered in the person's own words; the answer is kept in `var` (max 200 chars). */
const InputNode = z.strictObject({
  kind: z.literal('input'),
  /** The question alone: the plan page lists it with the answer. */
  text: TextKey,
  /** What the chat says after the question (why it asks, how to skip it); not on the plan. */
  hint: TextKey.optional(),
  var: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/, 'a variable name like municipality'),
  next: NodeId,
});
const BranchNode = z.strictObject({
  kind: z.literal('branch'),
  cases: z.array(z.strictObject({ when: Condition, goto: NodeId })).min(1),
  otherwise: NodeId,
});
const ChecklistEntry = z.union([
  ServiceId,
  z.strictObject({
    service: ServiceId,
    when: Condition.optional(),
    /**
     * The line's wording for the people this entry is for: the texts under
     * `service.<id>.as.<as>` in locales/<lang>/catalog.json (name, summary, deadline) replace the
     * service's own where given (an EU citizen's first registration has its own deadline).
     */
    as: z.string().regex(slug, 'a wording id in kebab-case').optional(),
  }),
]);
const ChecklistNode = z.strictObject({
  kind: z.literal('checklist'),
  text: TextKey,
  services: z.array(ChecklistEntry).min(1),
  next: NodeId,
});
const StatusNode = z.strictObject({ kind: z.literal('status'), next: NodeId });
const HandoverNode = z.strictObject({ kind: z.literal('handover'), text: TextKey });
const EndNode = z.strictObject({ kind: z.literal('end'), text: TextKey });

export const DialogNode = z.discriminatedUnion('kind', [
  MessageNode,
  QuestionNode,
  InputNode,
  BranchNode,
  ChecklistNode,
  StatusNode,
  HandoverNode,
  EndNode,
]);
export type DialogNode = z.infer<typeof DialogNode>;
export type NodeOf<K extends DialogNode['kind']> = Extract<DialogNode, { kind: K }>;
export type ChecklistEntry = z.infer<typeof ChecklistEntry>;

export const Dialog = z.strictObject({
  lifeEvent: LifeEvent,
  start: NodeId,
  nodes: z.record(NodeId, DialogNode),
});
export type Dialog = z.infer<typeof Dialog>;

/** Where a node may go next, in order. */
export function successors(node: DialogNode): string[] {
  switch (node.kind) {
    case 'message':
    case 'input':
    case 'checklist':
    case 'status':
      return [node.next];
    case 'question':
      return node.options.map((o) => o.goto);
    case 'branch':
      return [...node.cases.map((c) => c.goto), node.otherwise];
    case 'handover':
    case 'end':
      return [];
  }
}

export function checklistEntry(entry: ChecklistEntry): {
  service: string;
  when?: Condition;
  as?: string;
} {
  return typeof entry === 'string' ? { service: entry } : entry;
}

/**
 * A service as a plan lists it: with the entry's own wording (`as`), if it has one. Texts are
 * read with serviceText (render.ts), which prefers the wording's.
 */
export type PlanService = CatalogService & { readonly as?: string };

/** The service with the entry's wording, or the service itself when the entry has none. */
export function planService(service: CatalogService, as: string | undefined): PlanService {
  return as === undefined ? service : { ...service, as };
}

/**
 * Extractors: what a message says that answers a dialog's questions. Each question node
 * declares its extractors (`extract` in the dialog YAML); the lexicons are data in
 * locales/<lang>/conversation.json under `extract.<name>.<value>`, and every language's
 * phrases are tried on every message (people mix languages, and a short message's language is
 * a guess). Pure: the lexicons are compiled once from the loaded resources.
 */
import { LANGS } from '../../protocol/frames.js';
import type { Dialog, ExtractDecl, NodeOf } from '../schema.js';
import type { Resources } from '../load.js';
import type { Municipality } from '../schema.js';
import {
  ageCueBefore,
  ageOf,
  dayOf,
  findBirths,
  findDates,
  isoOf,
  reaching,
  sideOf,
  tenseOf,
  type Birth,
  type DateSpan,
} from './dates.js';
import { Lexicon, numberValue, tokens } from './lexicon.js';

/** The words of `extract.date-cue` (docs/dialogs.md “Dates and ages”). */
const DATE_CUES = [
  'yesterday',
  'day-before-yesterday',
  'today',
  'tomorrow',
  'ago',
  'after',
  'in',
  'last',
  'this',
  'next',
  'day',
  'week',
  'month',
  'year',
  'past',
  'future',
  'born',
] as const;

/** Typed extractors and the values they produce (the dialog maps them to option ids). */
export const TYPED_EXTRACTORS = {
  age: ['adult', 'minor'],
  months: ['within', 'later'],
  date: ['past', 'future'],
  'age-until': ['reached', 'within', 'later'],
} as const;
export type TypedExtractor = keyof typeof TYPED_EXTRACTORS;

export function isTyped(name: string): name is TypedExtractor {
  return name in TYPED_EXTRACTORS;
}

/** The lexicon a typed extractor reads its cue words from (`extract.<name>-cue.<value>`). */
export const TYPED_CUES: Record<TypedExtractor, readonly string[]> = {
  age: ['before', 'after', 'both'],
  months: ['month', 'year', 'next-month', 'this-year', 'next-year'],
  date: DATE_CUES,
  'age-until': ['before', 'after', 'both'],
};

/** Other lexicons a typed extractor reads (`extract.<name>.<value>`), checked like cues. */
export const TYPED_LEXICONS: Record<TypedExtractor, readonly string[]> = {
  age: ['date-cue.born'],
  months: [],
  date: ['month-names.1'],
  'age-until': ['date-cue.born', 'month-names.1'],
};

export interface ExtractContext {
  /** Epoch milliseconds (for `months`). */
  now: number;
}

export interface Extracted {
  /** The option id the question gets. */
  value: string;
  /** The question node it answers. */
  node: string;
  /** What a typed extractor read (`age:63`, `date:2026-11-30`), shown in “You said: …”. */
  detail?: string;
}

/** A typed extractor's value and what it read. */
interface Read {
  value: string;
  detail?: string;
}

/** Looks up a catalog fact's number (`service.fact`), for `at: ret-old-age-pension.pension-age-2026`. */
export type FactNumber = (ref: string) => number | undefined;

const MONTH_NAMES_KEY = 'month-names';

/** How many `forDialog` reads an `Extractors` keeps (a turn makes up to about four). */
const RECENT_READS = 4;

export class Extractors {
  private readonly lexicons = new Map<string, Lexicon>();
  /** The last `forDialog` reads (a few per turn), newest last. */
  private readonly recentReads: {
    dialog: Dialog;
    text: string;
    now: number;
    open: NodeOf<'question'> | undefined;
    found: ReadonlyMap<string, Extracted>;
  }[] = [];
  /** Municipality names by id; a text names one when exactly one id matches. */
  private readonly municipalities: Lexicon;
  /** Whether each municipality is a town or a parish (from its Estonian name). */
  private readonly placeKinds = new Map<string, PlaceKind>();
  /** The last `births` read (`findBirths` does not change what it returns). */
  private lastBirths:
    { text: string; toks: readonly string[]; now: number; births: readonly Birth[] } | undefined;

  constructor(
    resources: Resources,
    municipalities: readonly Municipality[] = [],
    private readonly factNumber: FactNumber = () => undefined,
  ) {
    const byName = new Map<string, [string, string][]>();
    for (const lang of LANGS) {
      const tree = resources[lang].conversation.extract;
      if (typeof tree !== 'object') continue;
      for (const [name, values] of Object.entries(tree)) {
        if (typeof values !== 'object') continue;
        const list = byName.get(name) ?? [];
        for (const [value, spec] of Object.entries(values)) {
          if (typeof spec === 'string') list.push([value, spec]);
        }
        byName.set(name, list);
      }
    }
    for (const [name, entries] of byName) this.lexicons.set(name, new Lexicon(entries));
    this.municipalities = new Lexicon(
      municipalities
        .filter((m) => m.id !== 'all')
        .flatMap((m) => LANGS.map((l): [string, string] => [m.id, namePattern(m.name[l])])),
    );
    // A municipality whose Estonian name has no „vald“ or „linn“ (Tallinn) is a town.
    for (const m of municipalities) {
      this.placeKinds.set(m.id, placeKindOf(tokens(m.name.et)) ?? 'town');
    }
  }

  lexicon(name: string): Lexicon | undefined {
    return this.lexicons.get(name);
  }

  /** The option id a declaration gives for the text (and what it read), or undefined. */
  private apply(
    decl: ExtractDecl,
    text: string,
    toks: readonly string[],
    ctx: ExtractContext,
    open: boolean,
  ): Read | undefined {
    const d = typeof decl === 'string' ? { use: decl } : decl;
    const read =
      typeof decl !== 'string' && decl.near !== undefined
        ? this.readNear(d, decl.near, text, ctx, open)
        : this.read(d, text, toks, ctx);
    if (read === undefined) return undefined;
    if (!d.map) return read;
    const value = d.map[read.value];
    return value === undefined ? undefined : { ...read, value };
  }

  /**
   * What the declaration reads in the clauses that also hold a phrase of lexicon `near`; one
   * answer only when those clauses agree. When its question is the open one, a clause that says
   * nothing but the answer („Tallinnas“, «в Таллинне») counts too: the question is its context.
   */
  private readNear(
    d: Exclude<ExtractDecl, string> | { use: string },
    near: string,
    text: string,
    ctx: ExtractContext,
    open: boolean,
  ): Read | undefined {
    const cue = this.lexicons.get(near);
    const own = this.lexicons.get(d.use);
    if (!cue) return undefined;
    const reads: Read[] = [];
    for (const clause of clausesOf(text)) {
      const toks = tokens(clause);
      const alone =
        open &&
        own !== undefined &&
        own.perToken(toks).every((m, i) => m.length > 0 || toks[i]!.length <= 2);
      if (!alone && cue.all(toks).length === 0) continue;
      const read = this.read(d, clause, toks, ctx);
      if (read) reads.push(read);
    }
    return reads.length > 0 && reads.every((r) => r.value === reads[0]!.value)
      ? reads[0]
      : undefined;
  }

  private read(
    d: Exclude<ExtractDecl, string> | { use: string },
    text: string,
    toks: readonly string[],
    ctx: ExtractContext,
  ): Read | undefined {
    const { use } = d;
    const opts = d as Exclude<ExtractDecl, string>;
    if (use === 'age') return this.age(text, toks, opts.atLeast ?? 18, ctx.now);
    if (use === 'age-until') {
      const years = typeof opts.at === 'string' ? this.factNumber(opts.at) : opts.at;
      if (years === undefined) return undefined;
      return this.ageUntil(text, toks, years, opts.within ?? 6, ctx.now);
    }
    if (use === 'date') return this.date(text, toks, ctx.now);
    if (use === 'months') {
      const value = this.months(toks, opts.within ?? 6, ctx.now);
      return value === undefined ? undefined : { value };
    }
    const value = this.lexicons.get(use)?.pick(toks)?.value;
    return value === undefined ? undefined : { value };
  }

  /** The answer a question takes from the text (as its open question), if its extractors find one. */
  answer(node: NodeOf<'question'>, text: string, ctx: ExtractContext): string | undefined {
    return this.answerTokens(node, text, tokens(text), ctx, true)?.value;
  }

  /**
   * The answer the question's extractors agree on. A phrase lexicon (“pole veel sündinud”) wins
   * over a typed extractor (a date somewhere in the message); what a typed extractor read is
   * kept when its answer is the same.
   */
  private answerTokens(
    node: NodeOf<'question'>,
    text: string,
    toks: readonly string[],
    ctx: ExtractContext,
    open: boolean,
  ): Read | undefined {
    const options = new Set(node.options.map((o) => o.id));
    const reads: { typed: boolean; read: Read }[] = [];
    for (const decl of node.extract ?? []) {
      const read = this.apply(decl, text, toks, ctx, open);
      if (read === undefined || !options.has(read.value)) continue;
      reads.push({ typed: isTyped(typeof decl === 'string' ? decl : decl.use), read });
    }
    const chosen = (reads.find((r) => !r.typed) ?? reads[0])?.read;
    if (!chosen) return undefined;
    const detail = reads.find((r) => r.read.value === chosen.value && r.read.detail)?.read.detail;
    return detail === undefined ? { value: chosen.value } : { value: chosen.value, detail };
  }

  /**
   * Every question of the dialog the text answers, by variable (first node of a var wins).
   * `open` is the question the text answers, if one is asked: it is the context a `near`
   * declaration needs („Tallinnas“ answers “Was the baby born abroad?”).
   */
  forDialog(
    dialog: Dialog,
    text: string,
    ctx: ExtractContext,
    open?: NodeOf<'question'>,
  ): Map<string, Extracted> {
    // A turn reads the same message for the same dialog up to three times (the plan offer's
    // check, the facts taken, the direct answer's prefill): the last reads are kept (the dialog
    // and the open question by identity; a read depends on nothing else but the text and the
    // clock), and each caller gets its own copy of the map.
    for (const r of this.recentReads)
      if (r.dialog === dialog && r.text === text && r.now === ctx.now && r.open === open)
        return new Map(r.found);
    const toks = tokens(text);
    const found = new Map<string, Extracted>();
    for (const [id, node] of Object.entries(dialog.nodes)) {
      if (node.kind !== 'question' || found.has(node.var)) continue;
      const read = this.answerTokens(node, text, toks, ctx, node === open);
      if (read !== undefined) found.set(node.var, Object.freeze({ ...read, node: id }));
    }
    if (this.recentReads.length >= RECENT_READS) this.recentReads.shift();
    this.recentReads.push({ dialog, text, now: ctx.now, open, found: new Map(found) });
    return found;
  }

  /**
   * Every municipality the text may name: „Tartu“ names both Tartu linn and Tartu vald, „Tartu
   * vallas“ / «в волости Тарту» only the parish and „Tartu linnas“ only the town.
   */
  municipalityCandidates(text: string): string[] {
    const toks = tokens(text);
    const ids = [...new Set(this.municipalities.all(toks).map((h) => h.value))];
    const said = ids.length > 1 ? placeKindOf(toks) : undefined;
    if (!said) return ids;
    const narrowed = ids.filter((id) => this.placeKinds.get(id) === said);
    return narrowed.length > 0 ? narrowed : ids;
  }

  private dateLexicons(): { cue: Lexicon | undefined; months: Lexicon | undefined } {
    return { cue: this.lexicons.get('date-cue'), months: this.lexicons.get(MONTH_NAMES_KEY) };
  }

  /**
   * The births and ages the text says: the same for `age` and `age-until`, which one read of a
   * dialog (`forDialog`) asks for the same text in several questions; the last is kept.
   */
  private births(text: string, toks: readonly string[], now: number): readonly Birth[] {
    const last = this.lastBirths;
    if (last !== undefined && last.text === text && last.toks === toks && last.now === now)
      return last.births;
    const births = findBirths(text, toks, dayOf(now), {
      ...this.dateLexicons(),
      ageCue: this.lexicons.get('age-cue'),
    });
    this.lastBirths = { text, toks, now, births };
    return births;
  }

  /** `adult` when every age said is at least `atLeast`, `minor` when one is below. */
  private age(
    text: string,
    toks: readonly string[],
    atLeast: number,
    now: number,
  ): Read | undefined {
    const births = this.births(text, toks, now);
    if (births.length > 0) {
      const today = dayOf(now);
      const sides = births.map((b) => reaching(b, atLeast, 0, today));
      if (sides.includes(undefined)) return undefined;
      const value = sides.every((s) => s === 'reached') ? 'adult' : 'minor';
      return { value, ...birthDetail(births, today) };
    }
    const words = this.lexicons.get('age')?.pick(toks)?.value;
    return words === undefined ? undefined : { value: words };
  }

  /** When the person reaches `years` of age: `reached`, `within` `within` months, or `later`. */
  private ageUntil(
    text: string,
    toks: readonly string[],
    years: number,
    within: number,
    now: number,
  ): Read | undefined {
    const births = this.births(text, toks, now);
    if (births.length !== 1) return undefined;
    const today = dayOf(now);
    const value = reaching(births[0]!, years, within, today);
    return value === undefined ? undefined : { value, ...birthDetail(births, today) };
  }

  /** `past` or `future`: every date the text says lies on that side of today. */
  private date(text: string, toks: readonly string[], now: number): Read | undefined {
    const lex = this.dateLexicons();
    const today = dayOf(now);
    const spans = findDates(text, toks, today, lex);
    const value = sideOf(spans, today, tenseOf(toks, lex));
    if (value === undefined) return undefined;
    const detail = spans.length === 1 ? spanDetail(spans[0]!) : undefined;
    return detail === undefined ? { value } : { value, detail };
  }

  /** `within` when the date or span said is at most `within` months from now, else `later`. */
  private months(toks: readonly string[], within: number, now: number): string | undefined {
    const cue = this.lexicons.get('months-cue');
    const names = this.lexicons.get(MONTH_NAMES_KEY);
    const today = new Date(now);
    const thisYear = today.getUTCFullYear();
    let ahead: number | undefined;
    const ageCue = this.lexicons.get('age-cue')?.perToken(toks);
    const units = cue?.perToken(toks);
    toks.forEach((tok, i) => {
      const n = numberValue(tok);
      const next = toks[i + 1];
      // «мне 64 года», “I'm 63 years old” say an age, not a span of time.
      const isAge = ageCue !== undefined && ageCueBefore(ageCue, i);
      if (n !== undefined && next !== undefined && n < 100 && !isAge) {
        const unit = units?.[i + 1]!.map((m) => m.value) ?? [];
        if (unit.includes('month')) ahead = n;
        else if (unit.includes('year')) ahead = n * 12;
      }
      if (/^20\d\d$/.test(tok)) {
        const year = Number(tok);
        if (ahead === undefined) ahead = year <= thisYear ? 0 : (year - thisYear) * 12;
      }
    });
    const phrase = cue?.pick(toks)?.value;
    if (ahead === undefined && phrase === 'next-month') ahead = 1;
    // "This year" and "next year" are spans: an answer only when the whole span is on one side.
    const month = today.getUTCMonth();
    const span =
      phrase === 'this-year'
        ? [0, 11 - month]
        : phrase === 'next-year'
          ? [12 - month, 23 - month]
          : undefined;
    if (ahead === undefined && span) {
      const [from, to] = span as [number, number];
      if (to <= within) return 'within';
      if (from > within) return 'later';
      return undefined;
    }
    const named = names?.pick(toks)?.value;
    if (ahead === undefined && named !== undefined) ahead = (Number(named) - 1 - month + 12) % 12;
    if (ahead !== undefined) return ahead <= within ? 'within' : 'later';
    return this.lexicons.get('months')?.pick(toks)?.value;
  }
}

/** `age:63` for one age said, `born:1961` / `born:1961-05-15` for a birth year or date. */
function birthDetail(births: readonly Birth[], today: number): { detail?: string } {
  if (births.length !== 1) return {};
  const birth = births[0]!;
  if ('born' in birth.said) {
    const detail = spanDetail(birth.said.born);
    return detail ? { detail: detail.replace(/^[a-z]+:/, 'born:') } : {};
  }
  const age = ageOf(birth, today);
  return age === undefined ? {} : { detail: `age:${age}` };
}

/** A date said to the day, month or year: `date:2026-11-30`, `month:2027-05`, `year:2025`. */
function spanDetail(span: DateSpan): string | undefined {
  const iso = isoOf(span.from);
  if (span.precision === 'day') return `date:${iso}`;
  if (span.precision === 'month') return `month:${iso.slice(0, 7)}`;
  if (span.precision === 'year') return `year:${iso.slice(0, 4)}`;
  return undefined;
}

/**
 * The clauses of a text: split at punctuation, line breaks and the conjunctions that join two
 * statements („ei ole abielus, elame Tallinnas“, “we're not married and live in Tallinn”).
 */
export function clausesOf(text: string): string[] {
  return text
    .split(/[,.;:!?\n]+|\s(?:ja|ning|aga|kuid|and|but|и|а|но)\s/iu)
    .filter((c) => c.trim().length > 0);
}

const GENERIC_PLACE_WORDS = new Set([
  'vald',
  'linn',
  'parish',
  'rural',
  'municipality',
  'city',
  'town',
  'волость',
  'город',
  'уезд',
]);

type PlaceKind = 'town' | 'parish';

/** „vald“, „vallas“, parish, «волость», «волости» say parish; „linn“, „linnas“, city, town, «город» say town. */
function placeKindOf(toks: readonly string[]): PlaceKind | undefined {
  if (toks.some((t) => /^(vald|valla|parish|волост)/.test(t))) return 'parish';
  if (toks.some((t) => /^(linn|city|town|город)/.test(t))) return 'town';
  return undefined;
}

/** The phrase for a municipality name: each significant word as a stem (endings: Tallinnas, Таллинне). */
export function namePattern(name: string): string {
  return tokens(name)
    .filter((w) => !GENERIC_PLACE_WORDS.has(w))
    .map((w) => (w.length >= 5 ? `${w.replace(/[aeiouаеиоуыэюя]$/, '')}*` : w))
    .join(' ');
}

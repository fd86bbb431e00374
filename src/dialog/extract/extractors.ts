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
import { Lexicon, numberValue, tokens } from './lexicon.js';

/** Typed extractors and the values they produce (the dialog maps them to option ids). */
export const TYPED_EXTRACTORS = {
  age: ['adult', 'minor'],
  months: ['within', 'later'],
} as const;
export type TypedExtractor = keyof typeof TYPED_EXTRACTORS;

export function isTyped(name: string): name is TypedExtractor {
  return name in TYPED_EXTRACTORS;
}

/** The lexicon a typed extractor reads its cue words from (`extract.<name>-cue.<value>`). */
export const TYPED_CUES: Record<TypedExtractor, readonly string[]> = {
  age: ['before', 'after'],
  months: ['month', 'year', 'next-month', 'this-year', 'next-year'],
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
}

const MONTH_NAMES_KEY = 'month-names';

export class Extractors {
  private readonly lexicons = new Map<string, Lexicon>();
  /** Municipality names by id; a text names one when exactly one id matches. */
  private readonly municipalities: Lexicon;

  constructor(resources: Resources, municipalities: readonly Municipality[] = []) {
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
  }

  lexicon(name: string): Lexicon | undefined {
    return this.lexicons.get(name);
  }

  /** The option id a declaration gives for the text, or undefined. */
  private apply(decl: ExtractDecl, toks: string[], ctx: ExtractContext): string | undefined {
    const { use, map, atLeast, within } =
      typeof decl === 'string'
        ? { use: decl, map: undefined, atLeast: undefined, within: undefined }
        : decl;
    let value: string | undefined;
    if (use === 'age') value = this.age(toks, atLeast ?? 18);
    else if (use === 'months') value = this.months(toks, within ?? 6, ctx.now);
    else value = this.lexicons.get(use)?.pick(toks)?.value;
    if (value === undefined) return undefined;
    return map ? map[value] : value;
  }

  /** The answer a question takes from the text, if its extractors find one. */
  answer(node: NodeOf<'question'>, text: string, ctx: ExtractContext): string | undefined {
    return this.answerTokens(node, tokens(text), ctx);
  }

  private answerTokens(
    node: NodeOf<'question'>,
    toks: string[],
    ctx: ExtractContext,
  ): string | undefined {
    const options = new Set(node.options.map((o) => o.id));
    for (const decl of node.extract ?? []) {
      const value = this.apply(decl, toks, ctx);
      if (value !== undefined && options.has(value)) return value;
    }
    return undefined;
  }

  /** Every question of the dialog the text answers, by variable (first node of a var wins). */
  forDialog(dialog: Dialog, text: string, ctx: ExtractContext): Map<string, Extracted> {
    const toks = tokens(text);
    const found = new Map<string, Extracted>();
    for (const [id, node] of Object.entries(dialog.nodes)) {
      if (node.kind !== 'question' || found.has(node.var)) continue;
      const value = this.answerTokens(node, toks, ctx);
      if (value !== undefined) found.set(node.var, { value, node: id });
    }
    return found;
  }

  /** The municipality (id from dialogs/municipalities.yaml) the text names, if exactly one. */
  municipality(text: string): string | undefined {
    const toks = tokens(text);
    const hits = this.municipalities.all(toks);
    return hits.length === 1 ? hits[0]!.value : undefined;
  }

  /** `adult` when every age said is at least `atLeast`, `minor` when one is below. */
  private age(toks: string[], atLeast: number): string | undefined {
    const words = this.lexicons.get('age')?.pick(toks)?.value;
    const cue = this.lexicons.get('age-cue');
    const ages: number[] = [];
    toks.forEach((tok, i) => {
      const n = /^\d{1,3}$/.test(tok) ? Number(tok) : undefined;
      if (n === undefined || n < 10 || n > 120) return;
      const before = i > 0 && cue?.all([toks[i - 1]!]).some((m) => m.value === 'before');
      const after =
        i + 1 < toks.length && cue?.all([toks[i + 1]!]).some((m) => m.value === 'after');
      // "we are 25 and 27": a number right after another age counts too.
      const listed = ages.length > 0 && i > 1 && /^\d{1,3}$/.test(toks[i - 2] ?? '');
      if (before || after || listed) ages.push(n);
    });
    if (ages.length > 0) return ages.some((a) => a < atLeast) ? 'minor' : 'adult';
    return words;
  }

  /** `within` when the date or span said is at most `within` months from now, else `later`. */
  private months(toks: string[], within: number, now: number): string | undefined {
    const cue = this.lexicons.get('months-cue');
    const names = this.lexicons.get(MONTH_NAMES_KEY);
    const today = new Date(now);
    const thisYear = today.getUTCFullYear();
    let ahead: number | undefined;
    toks.forEach((tok, i) => {
      const n = numberValue(tok);
      const next = toks[i + 1];
      if (n !== undefined && next !== undefined && n < 100) {
        const unit = cue?.all([next]).map((m) => m.value) ?? [];
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

/** The phrase for a municipality name: each significant word as a stem (endings: Tallinnas, Таллинне). */
function namePattern(name: string): string {
  return tokens(name)
    .filter((w) => !GENERIC_PLACE_WORDS.has(w))
    .map((w) => (w.length >= 5 ? `${w.replace(/[aeiouаеиоуыэюя]$/, '')}*` : w))
    .join(' ');
}

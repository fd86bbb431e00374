/**
 * Phrase lexicons for understanding free text in three languages, tolerant of inflection and
 * typos. A lexicon entry is a list of phrases separated by `|`; in a phrase, each word is
 *
 * - `word`: the word itself, or with one typo (one letter wrong, missing, extra or two letters
 *   swapped) when it has at least 5 letters;
 * - `stem*`: any word that starts with the stem (Estonian and Russian endings: `sündi*`,
 *   `родил*`), again with one typo when the stem has at least 6 letters;
 * - `#`: a number of at least 1, in digits or words (“two”, “kaks”, “два”, “двое”).
 *
 * The words of a phrase must follow each other, with at most one other word between two of
 * them (“the baby was already born” matches `baby born`), never a negation (“we have no
 * children” does not match `have children`). Text and phrases are compared after
 * folding case, diacritics and punctuation, so “sündis” and “sundis”, “ребёнок” and “ребенок”
 * are the same. Pure: no I/O.
 */
import { normalise } from '../match.js';

type WordPattern =
  { kind: 'exact'; word: string } | { kind: 'prefix'; stem: string } | { kind: 'number' };

export interface Phrase {
  source: string;
  words: WordPattern[];
  /** Letters in the phrase: a longer match wins over a shorter one. */
  weight: number;
}

/** Number words (folded) with their values, for `#` and the typed extractors. */
const NUMBER_WORDS: Record<string, number> = {
  // en ("a"/"an" are not numbers here: "a child with a disability" counts nobody)
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  // et
  uks: 1,
  uhe: 1,
  kaks: 2,
  kahe: 2,
  kolm: 3,
  kolme: 3,
  neli: 4,
  nelja: 4,
  viis: 5,
  viie: 5,
  // ru (folded: й → и, ё → е)
  один: 1,
  одна: 1,
  одного: 1,
  одну: 1,
  два: 2,
  две: 2,
  двое: 2,
  двух: 2,
  три: 3,
  трое: 3,
  трех: 3,
  четыре: 4,
  четверо: 4,
  пять: 5,
  пятеро: 5,
};

/** The value of a token that is a number (digits or a number word), else undefined. */
export function numberValue(token: string): number | undefined {
  if (/^\d{1,4}$/.test(token)) return Number(token);
  return NUMBER_WORDS[token];
}

export function tokens(text: string): string[] {
  const folded = normalise(text);
  return folded === '' ? [] : folded.split(' ');
}

/**
 * The stem of a word for `stem: true` lexicons (service terms): Estonian and Russian endings
 * vary, so a long word matches any word that starts like it (“пособие” → “пособ*”).
 */
function autoStem(word: string): WordPattern {
  const n = word.length;
  if (n >= 9) return { kind: 'prefix', stem: word.slice(0, n - 3) };
  if (n >= 7) return { kind: 'prefix', stem: word.slice(0, n - 2) };
  if (n === 6) return { kind: 'prefix', stem: word.slice(0, n - 1) };
  return { kind: 'exact', word };
}

export function compilePhrases(spec: string, options: { stem?: boolean } = {}): Phrase[] {
  return spec
    .split('|')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((source) => {
      const words: WordPattern[] = [];
      for (const raw of source.split(/\s+/)) {
        if (raw === '#') {
          words.push({ kind: 'number' });
          continue;
        }
        // "ребёнка-инвалида" folds to two words, like the text it is compared with.
        const prefix = raw.endsWith('*');
        const parts = normalise(prefix ? raw.slice(0, -1) : raw)
          .split(' ')
          .filter(Boolean);
        parts.forEach((part, i) => {
          const last = i === parts.length - 1;
          if (prefix && last) words.push({ kind: 'prefix', stem: part });
          else words.push(options.stem ? autoStem(part) : { kind: 'exact', word: part });
        });
      }
      return { source, words, weight: source.replace(/[\s*#-]/g, '').length + words.length };
    })
    .filter((p) => p.words.length > 0);
}

/** Damerau–Levenshtein distance, but only whether it is at most 1 (cheap). */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    // One substitution, or one transposition of neighbours.
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  // One insertion or deletion.
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

const TYPO_MIN = 6;
/** Stems are shorter than words: a typo in a short stem would match other words (родил/родит). */
const STEM_TYPO_MIN = 6;

/** 2: the word or its stem; 1: with one typo; 0: no match. */
function wordMatches(pattern: WordPattern, token: string): number {
  switch (pattern.kind) {
    case 'number': {
      const n = numberValue(token);
      return n !== undefined && n >= 1 ? 2 : 0;
    }
    case 'exact':
      if (token === pattern.word) return 2;
      return pattern.word.length >= TYPO_MIN && withinOneEdit(token, pattern.word) ? 1 : 0;
    case 'prefix': {
      const { stem } = pattern;
      if (token.startsWith(stem)) return 2;
      if (stem.length < STEM_TYPO_MIN) return 0;
      for (const len of [stem.length - 1, stem.length, stem.length + 1]) {
        if (len <= token.length && withinOneEdit(token.slice(0, len), stem)) return 1;
      }
      return 0;
    }
  }
}

/** A word skipped inside a phrase must not turn it round: “we have no children”, “мы не женаты”. */
const NEGATIONS = new Set(['not', 'no', 'never', 't', 'ei', 'pole', 'ara', 'не', 'нет', 'ни']);

export interface PhraseMatch {
  start: number;
  end: number;
  /** Words matched only with a typo. */
  typos: number;
}

/** Where the phrase matches in the tokens (its first and last word), or undefined. */
export function findPhrase(phrase: Phrase, toks: readonly string[]): PhraseMatch | undefined {
  const [first, ...rest] = phrase.words;
  if (!first) return undefined;
  let best: PhraseMatch | undefined;
  for (let start = 0; start < toks.length; start++) {
    const q = wordMatches(first, toks[start]!);
    if (q === 0) continue;
    let typos = q === 1 ? 1 : 0;
    let at = start;
    let ok = true;
    for (const w of rest) {
      const next = at + 1 < toks.length ? wordMatches(w, toks[at + 1]!) : 0;
      const skip =
        at + 2 < toks.length && !NEGATIONS.has(toks[at + 1]!) ? wordMatches(w, toks[at + 2]!) : 0;
      if (next > 0) {
        at += 1;
        if (next === 1) typos += 1;
      } else if (skip > 0) {
        at += 2;
        if (skip === 1) typos += 1;
      } else {
        ok = false;
        break;
      }
    }
    if (ok && (!best || typos < best.typos)) best = { start, end: at, typos };
    if (best?.typos === 0) return best;
  }
  return best;
}

/** A typo costs this much weight: “estate” must not beat “state fee”, “lisapuhkus” not “isapuhkus”. */
const TYPO_COST = 3;

/** The weight of the best phrase of the list found in the tokens (0: none). */
export function bestMatch(phrases: readonly Phrase[], toks: readonly string[]): number {
  let best = 0;
  for (const p of phrases) {
    if (p.weight <= best) continue;
    const m = findPhrase(p, toks);
    if (m) best = Math.max(best, p.weight - TYPO_COST * m.typos, 0.5);
  }
  return best;
}

/** A lexicon: phrases per value. `pick` returns the value with the strongest match. */
export class Lexicon {
  private readonly values: [string, Phrase[]][];

  constructor(entries: Iterable<[string, string]>, options: { stem?: boolean } = {}) {
    const merged = new Map<string, Phrase[]>();
    for (const [value, spec] of entries) {
      merged.set(value, [...(merged.get(value) ?? []), ...compilePhrases(spec, options)]);
    }
    this.values = [...merged];
  }

  get size(): number {
    return this.values.length;
  }

  /** The best value, or undefined when nothing matched or two values tie. */
  pick(toks: readonly string[]): { value: string; weight: number } | undefined {
    let best: { value: string; weight: number } | undefined;
    let tie = false;
    for (const [value, phrases] of this.values) {
      const weight = bestMatch(phrases, toks);
      if (weight === 0) continue;
      if (!best || weight > best.weight) {
        best = { value, weight };
        tie = false;
      } else if (weight === best.weight) tie = true;
    }
    return tie ? undefined : best;
  }

  /** Every value that matched, strongest first. */
  all(toks: readonly string[]): { value: string; weight: number }[] {
    return this.values
      .map(([value, phrases]) => ({ value, weight: bestMatch(phrases, toks) }))
      .filter((m) => m.weight > 0)
      .sort((a, b) => b.weight - a.weight);
  }
}

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
  return prefixWithinOneEdit(a, a.length, b);
}

/**
 * `withinOneEdit(a.slice(0, la), b)` without making the slice: the turn's hot path calls this
 * for every phrase word against every token, so it compares characters in place.
 */
function prefixWithinOneEdit(a: string, la: number, b: string): boolean {
  const lb = b.length;
  if (la - lb > 1 || lb - la > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (la === lb) {
    if (i === la) return true;
    // One substitution, or one transposition of neighbours.
    if (sameTail(a, i + 1, la, b, i + 1)) return true;
    return (
      i + 1 < la &&
      a.charCodeAt(i) === b.charCodeAt(i + 1) &&
      a.charCodeAt(i + 1) === b.charCodeAt(i) &&
      sameTail(a, i + 2, la, b, i + 2)
    );
  }
  // One insertion or deletion.
  return la > lb ? sameTail(a, i + 1, la, b, i) : sameTail(a, i, la, b, i + 1);
}

/** Whether `a.slice(i, la) === b.slice(j)`. */
function sameTail(a: string, i: number, la: number, b: string, j: number): boolean {
  const n = Math.max(0, la - i);
  if (n !== Math.max(0, b.length - j)) return false;
  for (let k = 0; k < n; k++) if (a.charCodeAt(i + k) !== b.charCodeAt(j + k)) return false;
  return true;
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
      for (let len = stem.length - 1; len <= stem.length + 1 && len <= token.length; len++) {
        if (prefixWithinOneEdit(token, len, stem)) return 1;
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
  const words = phrase.words;
  const first = words[0];
  if (!first) return undefined;
  let best: PhraseMatch | undefined;
  for (let start = 0; start < toks.length; start++) {
    const q = wordMatches(first, toks[start]!);
    if (q === 0) continue;
    let typos = q === 1 ? 1 : 0;
    let at = start;
    let ok = true;
    for (let k = 1; k < words.length; k++) {
      const w = words[k]!;
      const next = at + 1 < toks.length ? wordMatches(w, toks[at + 1]!) : 0;
      const skip =
        next === 0 && at + 2 < toks.length && !NEGATIONS.has(toks[at + 1]!)
          ? wordMatches(w, toks[at + 2]!)
          : 0;
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

/**
 * Where the lexicon's index files a phrase, by its first word: which tokens can that word
 * match? A word without typo tolerance only the token that is it (`exact`) or, for a stem, one
 * that starts with its first character (`first`). With one typo allowed (an edit at the first or
 * second position, a swap of the two, a letter missing or extra in front), the token's first or
 * second character is among the word's first two (`near`). A number (`#`) may be any token.
 */
function indexKey(
  pattern: WordPattern,
): { exact: string } | { first: string } | { near: string[] } | 'any' {
  switch (pattern.kind) {
    case 'number':
      return 'any';
    case 'exact':
      if (pattern.word.length < TYPO_MIN) return { exact: pattern.word };
      return { near: leading(pattern.word) };
    case 'prefix':
      if (pattern.stem.length < STEM_TYPO_MIN) return { first: pattern.stem[0]! };
      return { near: leading(pattern.stem) };
  }
}

function leading(word: string): string[] {
  return word[1] !== word[0] ? [word[0]!, word[1]!] : [word[0]!];
}

function addTo(map: Map<string, number[]>, key: string, id: number): void {
  const ids = map.get(key);
  if (ids) ids.push(id);
  else map.set(key, [id]);
}

/** A lexicon: phrases per value. `pick` returns the value with the strongest match. */
export class Lexicon {
  private readonly values: [string, Phrase[]][];
  /** Every phrase, with the index of its value. */
  private readonly phrases: { phrase: Phrase; value: number }[] = [];
  /** Phrases by what their first word can match (see `indexKey`). */
  private readonly byWord = new Map<string, number[]>();
  private readonly byFirst = new Map<string, number[]>();
  private readonly byNear = new Map<string, number[]>();
  private readonly anyToken: number[] = [];
  /** Which phrases this call already tried (`tried[i] === generation`). */
  private readonly tried: Uint32Array;
  private generation = 0;

  constructor(entries: Iterable<[string, string]>, options: { stem?: boolean } = {}) {
    const merged = new Map<string, Phrase[]>();
    for (const [value, spec] of entries) {
      merged.set(value, [...(merged.get(value) ?? []), ...compilePhrases(spec, options)]);
    }
    this.values = [...merged];
    this.values.forEach(([, phrases], value) => {
      for (const phrase of phrases) {
        const id = this.phrases.push({ phrase, value }) - 1;
        const key = indexKey(phrase.words[0]!);
        if (key === 'any') this.anyToken.push(id);
        else if ('exact' in key) addTo(this.byWord, key.exact, id);
        else if ('first' in key) addTo(this.byFirst, key.first, id);
        else for (const c of key.near) addTo(this.byNear, c, id);
      }
    });
    this.tried = new Uint32Array(this.phrases.length);
  }

  get size(): number {
    return this.values.length;
  }

  /**
   * The best weight per value (0: none), as `bestMatch` of each value's phrases gives it, but
   * trying only the phrases whose first word can match one of the tokens.
   */
  private weights(toks: readonly string[]): Float64Array {
    const weights = new Float64Array(this.values.length);
    if (++this.generation === 0xffffffff) {
      this.tried.fill(0);
      this.generation = 1;
    }
    const generation = this.generation;
    const tryPhrases = (ids: readonly number[] | undefined) => {
      if (!ids) return;
      for (const id of ids) {
        if (this.tried[id] === generation) continue;
        this.tried[id] = generation;
        const { phrase, value } = this.phrases[id]!;
        if (phrase.weight <= weights[value]!) continue;
        const m = findPhrase(phrase, toks);
        if (m) weights[value] = Math.max(weights[value]!, phrase.weight - TYPO_COST * m.typos, 0.5);
      }
    };
    if (toks.length > 0) tryPhrases(this.anyToken);
    for (const token of toks) {
      if (token.length === 0) continue;
      tryPhrases(this.byWord.get(token));
      tryPhrases(this.byFirst.get(token[0]!));
      tryPhrases(this.byNear.get(token[0]!));
      if (token.length > 1 && token[1] !== token[0]) tryPhrases(this.byNear.get(token[1]!));
    }
    return weights;
  }

  /** The best value, or undefined when nothing matched or two values tie. */
  pick(toks: readonly string[]): { value: string; weight: number } | undefined {
    const weights = this.weights(toks);
    let best: { value: string; weight: number } | undefined;
    let tie = false;
    this.values.forEach(([value], i) => {
      const weight = weights[i]!;
      if (weight === 0) return;
      if (!best || weight > best.weight) {
        best = { value, weight };
        tie = false;
      } else if (weight === best.weight) tie = true;
    });
    return tie ? undefined : best;
  }

  /** Every value that matched, strongest first. */
  all(toks: readonly string[]): { value: string; weight: number }[] {
    const weights = this.weights(toks);
    return this.values
      .map(([value], i) => ({ value, weight: weights[i]! }))
      .filter((m) => m.weight > 0)
      .sort((a, b) => b.weight - a.weight);
  }
}

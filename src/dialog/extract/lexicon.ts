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

/**
 * Texts folded lately, with their tokens (least recently used first): a turn asks for the
 * tokens of the person's message about ten times (every lexicon and extractor), of the catalog's
 * fact sentences it compares the question with, and of its replies once. The arrays are frozen,
 * so no caller can change what the next one gets, and a lexicon recognises an array it has just
 * matched (`Lexicon.lastToks`).
 */
const TOKEN_MEMO_SIZE = 256;
const tokenMemo = new Map<string, readonly string[]>();

/** The folded words of a text (see `normalise`). The same text gives the same (frozen) array. */
export function tokens(text: string): readonly string[] {
  // The text asked for last is already the most recent: nothing to move.
  if (text === lastText) return lastToks;
  const known = tokenMemo.get(text);
  if (known !== undefined) {
    tokenMemo.delete(text);
    tokenMemo.set(text, known);
    lastText = text;
    lastToks = known;
    return known;
  }
  const folded = normalise(text);
  const toks = Object.freeze(folded === '' ? [] : folded.split(' '));
  if (tokenMemo.size >= TOKEN_MEMO_SIZE) tokenMemo.delete(tokenMemo.keys().next().value!);
  tokenMemo.set(text, toks);
  lastText = text;
  lastToks = toks;
  return toks;
}
/** The last text `tokens` answered (the newest entry of `tokenMemo`) and its tokens. */
let lastText: string | undefined;
let lastToks: readonly string[] = Object.freeze([]);

/**
 * Every token met lately, numbered: a message's tokens are looked up here once, and each lexicon
 * keeps what a token's first words matched in an array by that number instead of a Map of its
 * own (a turn asks about 14 lexicons about the same tokens). Bounded: when full it starts over
 * with a new epoch, and each lexicon forgets what it kept for the old numbers.
 */
const VOCABULARY_SIZE = 16_384;
let vocabulary = new Map<string, number>();
let vocabularyEpoch = 0;

function tokenId(token: string): number {
  let id = vocabulary.get(token);
  if (id === undefined) {
    if (vocabulary.size >= VOCABULARY_SIZE) {
      vocabulary = new Map();
      vocabularyEpoch++;
    }
    id = vocabulary.size;
    vocabulary.set(token, id);
  }
  return id;
}

/** How many tokens the vocabulary numbers now (for the test of its start-over). */
export function vocabularySize(): number {
  return vocabulary.size;
}

interface TokenIds {
  ids: Int32Array;
  epoch: number;
}
/** The numbers of the token lists `tokens` gives (frozen, so they cannot change). */
const idsOfList = new WeakMap<readonly string[], TokenIds>();

/**
 * The tokens' numbers, all of the current epoch; undefined for a list too long to number (more
 * tokens than the vocabulary holds).
 */
function tokenIds(toks: readonly string[]): Int32Array | undefined {
  if (toks.length >= VOCABULARY_SIZE) return undefined;
  const known = idsOfList.get(toks);
  if (known !== undefined && known.epoch === vocabularyEpoch) return known.ids;
  const ids = new Int32Array(toks.length);
  let epoch: number;
  do {
    // If the vocabulary starts over part way, number them all again in the new epoch (it has
    // room for all of them then).
    epoch = vocabularyEpoch;
    for (let i = 0; i < toks.length; i++) ids[i] = tokenId(toks[i]!);
  } while (epoch !== vocabularyEpoch);
  if (Object.isFrozen(toks)) idsOfList.set(toks, { ids, epoch });
  return ids;
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

/**
 * The typos of the phrase's match starting at token `start` (its first word matched there with
 * `q`: 2 exact, 1 with a typo), or -1 when the rest does not follow. `findPhrase` is the best of
 * these over every start; the lexicon tries only the starts its index points to.
 */
function typosFrom(
  words: readonly WordPattern[],
  toks: readonly string[],
  start: number,
  q: number,
): number {
  let typos = q === 1 ? 1 : 0;
  let at = start;
  for (let k = 1; k < words.length; k++) {
    const w = words[k]!;
    const next = at + 1 < toks.length ? wordMatches(w, toks[at + 1]!) : 0;
    if (next > 0) {
      at += 1;
      if (next === 1) typos += 1;
      continue;
    }
    const skip =
      at + 2 < toks.length && !NEGATIONS.has(toks[at + 1]!) ? wordMatches(w, toks[at + 2]!) : 0;
    if (skip === 0) return -1;
    at += 2;
    if (skip === 1) typos += 1;
  }
  return typos;
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
 * match? A word without typo tolerance only the token that is it (`exact`); a stem one that
 * starts with it, so with its first two characters (`start`; its first one for a one-letter
 * stem). With one typo allowed, see `nearKeys`. A number (`#`) may be any token.
 */
function indexKey(
  pattern: WordPattern,
): { exact: string } | { start: number } | { near: number[] } | 'any' {
  switch (pattern.kind) {
    case 'number':
      return 'any';
    case 'exact':
      if (pattern.word.length < TYPO_MIN) return { exact: pattern.word };
      return { near: nearKeys(pattern.word) };
    case 'prefix':
      if (pattern.stem.length < STEM_TYPO_MIN) return { start: startKey(pattern.stem) };
      return { near: nearKeys(pattern.stem) };
  }
}

/** Two characters as one number (a small integer: cheap to hash). */
function pair(a: number, b: number): number {
  return a * 0x10000 + b;
}

/** A stem's first two characters (its one character, for a one-letter stem). */
function startKey(stem: string): number {
  return stem.length === 1 ? stem.charCodeAt(0) : pair(stem.charCodeAt(0), stem.charCodeAt(1));
}

/** Which two of the first three characters a near key compares: t0 t1, t1 t2 or t0 t2. */
const NEAR_PAIRS = 3;

/**
 * The keys of a word (at least 3 letters) that a token within one edit of it (or of a stem,
 * the token's start) has among the three `firstMatches` looks up: two of its first three characters,
 * by position (NEAR_PAIRS × pair). Edit after the second letter: t0 t1 = w0 w1. A letter
 * replaced: first, t1 t2 = w1 w2; second, t0 t2 = w0 w2. Two swapped: first and second,
 * t0 t1 = w1 w0; second and third, t0 t1 = w0 w2. A letter missing: first, t0 t1 = w1 w2;
 * second, t0 t1 = w0 w2. A letter extra: in front, t1 t2 = w0 w1; after the first, t0 t2 =
 * w0 w1.
 */
function nearKeys(w: string): number[] {
  const [w0, w1, w2] = [w.charCodeAt(0), w.charCodeAt(1), w.charCodeAt(2)];
  const at = (position: number, key: number) => key * NEAR_PAIRS + position;
  const keys = [
    at(0, pair(w0, w1)),
    at(1, pair(w1, w2)),
    at(2, pair(w0, w2)),
    at(0, pair(w1, w0)),
    at(0, pair(w0, w2)),
    at(0, pair(w1, w2)),
    at(1, pair(w0, w1)),
    at(2, pair(w0, w1)),
  ];
  return [...new Set(keys)];
}

function addTo<K>(map: Map<K, number[]>, key: K, id: number): void {
  const ids = map.get(key);
  if (ids) ids.push(id);
  else map.set(key, [id]);
}

/**
 * The shortest token a first word can match: a word with a typo one letter less than itself, a
 * stem its own length (one less with a typo). Index buckets are sorted by it, so a short token
 * stops at the first longer word.
 */
function minLength(pattern: WordPattern): number {
  switch (pattern.kind) {
    case 'number':
      return 0;
    case 'exact':
      return pattern.word.length >= TYPO_MIN ? pattern.word.length - 1 : pattern.word.length;
    case 'prefix':
      return pattern.stem.length >= STEM_TYPO_MIN ? pattern.stem.length - 1 : pattern.stem.length;
  }
}

/** A value's weight in a text, as `pick` and `all` give it. */
export interface LexiconMatch {
  value: string;
  weight: number;
}

const NO_MATCHES: readonly number[] = Object.freeze([]);

/** A lexicon: phrases per value. `pick` returns the value with the strongest match. */
export class Lexicon {
  private readonly values: [string, Phrase[]][];
  /** Every phrase, with the index of its value. */
  private readonly phrases: { phrase: Phrase; value: number }[] = [];
  /** The distinct first words of the phrases, each with the phrases that start with it. */
  private readonly firsts: { pattern: WordPattern; phrases: number[] }[] = [];
  /** First words by what they can match (see `indexKey`). */
  private readonly byWord = new Map<string, number[]>();
  private readonly byStart = new Map<number, number[]>();
  private readonly byNear = new Map<number, number[]>();
  private readonly anyToken: number[] = [];
  /** The shortest token each first word can match (`minLength`). */
  private readonly minLength: number[];
  /**
   * Per token number (`tokenId`, of `firstsEpoch`), the first words the token matches, flat:
   * first word index, quality (2 or 1), … Words recur in what people write, and the assistant's
   * own replies are made of a few hundred words, so most tokens of a message are known.
   */
  private firstsById: (readonly number[] | undefined)[] = [];
  /** The vocabulary epoch `firstsById` belongs to. */
  private firstsEpoch = -1;
  /** Which first words this token already tried (`tried[i] === stamp`). */
  private readonly tried: Uint32Array;
  private stamp = 0;
  /** The weights of one call, reused (a call reads them before the next one starts). */
  private readonly scratch: Float64Array;
  /**
   * The last token list matched and what it gave: a turn asks the same lexicon about the same
   * message more than once, and `tokens` gives the same frozen array for the same text.
   */
  private lastToks: readonly string[] | undefined;
  private lastAll: readonly LexiconMatch[] = [];
  private lastPerToken:
    { toks: readonly string[]; values: (readonly LexiconMatch[])[] } | undefined;

  constructor(entries: Iterable<[string, string]>, options: { stem?: boolean } = {}) {
    const merged = new Map<string, Phrase[]>();
    for (const [value, spec] of entries) {
      merged.set(value, [...(merged.get(value) ?? []), ...compilePhrases(spec, options)]);
    }
    this.values = [...merged];
    const firstIds = new Map<string, number>();
    this.values.forEach(([, phrases], value) => {
      for (const phrase of phrases) {
        const id = this.phrases.push({ phrase, value }) - 1;
        const pattern = phrase.words[0]!;
        const name = JSON.stringify(pattern);
        const known = firstIds.get(name);
        if (known !== undefined) {
          this.firsts[known]!.phrases.push(id);
          continue;
        }
        const first = this.firsts.push({ pattern, phrases: [id] }) - 1;
        firstIds.set(name, first);
        const key = indexKey(pattern);
        if (key === 'any') this.anyToken.push(first);
        else if ('exact' in key) addTo(this.byWord, key.exact, first);
        else if ('start' in key) addTo(this.byStart, key.start, first);
        else for (const c of key.near) addTo(this.byNear, c, first);
      }
    });
    this.tried = new Uint32Array(this.firsts.length);
    this.scratch = new Float64Array(this.values.length);
    this.minLength = this.firsts.map((f) => minLength(f.pattern));
    const shortestFirst = (a: number, b: number) =>
      this.minLength[a]! - this.minLength[b]! || a - b;
    for (const bucket of [this.byStart, this.byNear])
      for (const ids of bucket.values()) ids.sort(shortestFirst);
  }

  get size(): number {
    return this.values.length;
  }

  /** `tokenIds`, with what this lexicon kept for an older epoch's numbers forgotten. */
  private idsOf(toks: readonly string[]): Int32Array | undefined {
    const ids = tokenIds(toks);
    if (this.firstsEpoch !== vocabularyEpoch) {
      this.firstsById = [];
      this.firstsEpoch = vocabularyEpoch;
    }
    return ids;
  }

  /** The first words that match the token (trying only those its index points to), memoised. */
  private firstMatches(token: string, id: number | undefined): readonly number[] {
    if (id === undefined) return this.findFirsts(token);
    const known = this.firstsById;
    let found = known[id];
    if (found === undefined) {
      found = this.findFirsts(token);
      // Numbers are handed out in order, so the array grows without holes.
      while (known.length < id) known.push(undefined);
      known[id] = found;
    }
    return found;
  }

  private findFirsts(token: string): readonly number[] {
    if (++this.stamp === 0xffffffff) {
      this.tried.fill(0);
      this.stamp = 1;
    }
    const found: number[] = [];
    // A number (`#`) may be any token.
    this.tryFirsts(this.anyToken, token, found);
    if (token.length > 0) {
      this.tryFirsts(this.byWord.get(token), token, found);
      // Stems of one letter, then of two or more.
      const t0 = token.charCodeAt(0);
      this.tryFirsts(this.byStart.get(t0), token, found);
      if (token.length > 1) {
        const t1 = token.charCodeAt(1);
        this.tryFirsts(this.byStart.get(pair(t0, t1)), token, found);
        // Typo-tolerant words (see `nearKeys`): a token of fewer than 3 letters matches none.
        if (token.length > 2) {
          const t2 = token.charCodeAt(2);
          const near = this.byNear;
          this.tryFirsts(near.get(pair(t0, t1) * NEAR_PAIRS), token, found);
          this.tryFirsts(near.get(pair(t1, t2) * NEAR_PAIRS + 1), token, found);
          this.tryFirsts(near.get(pair(t0, t2) * NEAR_PAIRS + 2), token, found);
        }
      }
    }
    return found.length === 0 ? NO_MATCHES : found;
  }

  /** Adds the first words of `ids` (shortest first) that match the token to `found`. */
  private tryFirsts(ids: readonly number[] | undefined, token: string, found: number[]): void {
    if (!ids) return;
    for (let n = 0; n < ids.length; n++) {
      const id = ids[n]!;
      // Sorted by the shortest token they match: none of the rest can match this one.
      if (this.minLength[id]! > token.length) return;
      if (this.tried[id] === this.stamp) continue;
      this.tried[id] = this.stamp;
      const q = wordMatches(this.firsts[id]!.pattern, token);
      if (q > 0) found.push(id, q);
    }
  }

  /**
   * The best weight per value (0: none) in `scratch`, as `bestMatch` of each value's phrases
   * gives it: at each token, only the phrases whose first word matches there are followed.
   */
  private weigh(toks: readonly string[]): Float64Array {
    const weights = this.scratch;
    weights.fill(0);
    const ids = this.idsOf(toks);
    for (let start = 0; start < toks.length; start++) {
      const firsts = this.firstMatches(toks[start]!, ids?.[start]);
      for (let f = 0; f < firsts.length; f += 2) {
        const q = firsts[f + 1]!;
        for (const id of this.firsts[firsts[f]!]!.phrases) {
          const { phrase, value } = this.phrases[id]!;
          if (phrase.weight <= weights[value]!) continue;
          const typos = typosFrom(phrase.words, toks, start, q);
          if (typos >= 0)
            weights[value] = Math.max(weights[value]!, phrase.weight - TYPO_COST * typos, 0.5);
        }
      }
    }
    return weights;
  }

  /** Every value that matched, strongest first (equal weights in the lexicon's order). */
  private matches(toks: readonly string[]): readonly LexiconMatch[] {
    if (toks === this.lastToks) return this.lastAll;
    const weights = this.weigh(toks);
    const out: LexiconMatch[] = [];
    for (let i = 0; i < weights.length; i++) {
      const weight = weights[i]!;
      if (weight > 0) out.push({ value: this.values[i]![0], weight });
    }
    out.sort((a, b) => b.weight - a.weight);
    // Only a frozen list (from `tokens`) cannot change before it is asked about again.
    if (Object.isFrozen(toks)) {
      this.lastToks = toks;
      this.lastAll = out;
    }
    return out;
  }

  /** The best value, or undefined when nothing matched or two values tie. */
  pick(toks: readonly string[]): LexiconMatch | undefined {
    const [best, second] = this.matches(toks);
    if (!best || second?.weight === best.weight) return undefined;
    return { value: best.value, weight: best.weight };
  }

  /**
   * Every value that matched, strongest first. The list is the lexicon's own (the same one for the
   * same frozen tokens): read it, never change it; a turn asks about eight of them.
   */
  all(toks: readonly string[]): readonly Readonly<LexiconMatch>[] {
    return this.matches(toks);
  }

  /**
   * What each token says alone (`all([token])` for every token), computed once per message:
   * the date and age finders ask about single words next to a number (“2 *nädalat tagasi*”,
   * «*мне* 64») all over the message.
   */
  perToken(toks: readonly string[]): (readonly LexiconMatch[])[] {
    if (this.lastPerToken?.toks === toks) return this.lastPerToken.values;
    const seen = new Map<string, readonly LexiconMatch[]>();
    const values = toks.map((token) => {
      let found = seen.get(token);
      if (found === undefined) {
        found = this.matches([token]);
        seen.set(token, found);
      }
      return found;
    });
    if (Object.isFrozen(toks)) this.lastPerToken = { toks, values };
    return values;
  }
}

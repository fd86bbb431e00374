/**
 * Feature extraction. Estonian has no stemmer in natural and fourteen cases, so the bulk of
 * the signal is character 3–5-grams with word-boundary markers on the diacritic-free text with
 * letter length kept: "matuste", "matustel", "matusetoetust" share "_matus", while "suur" (big)
 * and "surm" (death) do not share "_suu"/"_sur". Words, word bigrams and stems (natural's Porter
 * stemmers for Russian and English, a 5-letter prefix for Estonian) add whole-word evidence.
 * The length-folded word ("matusettoetus" → "matusetoetus") is a weak extra feature for typos.
 */
import enStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import ruStemmer from 'natural/lib/natural/stemmers/porter_stemmer_ru.js';
import { TwoGenerationCache } from '../two-generation-cache.js';
import { deaccent, fold, isCyrillic, normalize, tokenize } from './normalize.js';

export interface FeatureOptions {
  minGram: number;
  maxGram: number;
  /** Weight of a whole-word feature relative to one character n-gram. */
  wordWeight: number;
  /** Weight of the length-folded word (typo fallback), relative to one character n-gram. */
  foldWeight: number;
  /**
   * Exponent of the inverse document frequency each feature is scaled by (0: no IDF). With
   * IDF, n-grams that occur in most messages ("_ka", "the") weigh less than rare, telling ones.
   */
  idf: number;
  /** Weight of a lexicon feature (`g:<intent>`: the message names a term of that intent). */
  lexiconWeight: number;
}

export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = {
  minGram: 3,
  maxGram: 5,
  wordWeight: 2,
  foldWeight: 0.5,
  idf: 1,
  lexiconWeight: 2,
};

/** A word as the classifier sees it: main form (length kept), folded form and stem. */
export interface WordForm {
  readonly form: string;
  readonly folded: string;
  readonly stem: string;
}

/** `wordForm` without the memory: the definition (tests compare the two). */
export function computeWordForm(token: string): WordForm {
  const form = deaccent(token);
  const folded = fold(token);
  if (isCyrillic(token)) return { form, folded, stem: deaccent(ruStemmer.stem(token)) };
  // English stems for English words; for Estonian words a prefix does the same job.
  const en = deaccent(enStemmer.stem(token));
  const stem = form.length > 6 && en === form ? form.slice(0, 5) : en;
  return { form, folded, stem };
}

/**
 * How many tokens `wordForm` remembers. Words recur in what people write, and the stemmers plus
 * `deaccent`/`fold` were a tenth of a turn. A `TwoGenerationCache`: at most twice this many
 * tokens, never messages.
 */
export const WORD_FORM_MEMO_SIZE = 4096;
const formMemo = new TwoGenerationCache<WordForm>(WORD_FORM_MEMO_SIZE, (token) =>
  Object.freeze(computeWordForm(token)),
);

/** The word form of a token of `normalize`d text (remembered; the object is frozen, shared). */
export function wordForm(token: string): WordForm {
  return formMemo.get(token);
}

/** How many tokens `wordForm` holds now (for the test of its bound). */
export function wordFormMemoSize(): number {
  return formMemo.size;
}

export function textWords(text: string): WordForm[] {
  return tokenize(normalize(text)).map(wordForm);
}

/**
 * A word's features (word, stem, folded word, char n-grams) in the order they are added, each
 * with its weight; a key can come more than once ("_aaa" has "aa" twice). The one definition
 * `addWordFeatures` and `indexWord` share.
 */
export function forEachWordFeature(
  word: WordForm,
  options: FeatureOptions,
  visit: (key: string, weight: number) => void,
): void {
  visit(`w:${word.form}`, options.wordWeight);
  if (word.stem !== word.form) visit(`s:${word.stem}`, options.wordWeight);
  if (options.foldWeight > 0) visit(`f:${word.folded}`, options.foldWeight);
  const padded = `_${word.form}_`;
  for (let n = options.minGram; n <= options.maxGram; n++) {
    for (let i = 0; i + n <= padded.length; i++) visit(`c:${padded.slice(i, i + n)}`, 1);
  }
}

/** Adds a word's features (word, stem, char n-grams) into `out`, scaled by `scale`. */
export function addWordFeatures(
  out: Map<string, number>,
  word: WordForm,
  options: FeatureOptions,
  scale = 1,
): void {
  forEachWordFeature(word, options, (key, v) => {
    out.set(key, (out.get(key) ?? 0) + v * scale);
  });
}

/** Words that end something (main form; `*` at the end: a prefix). */
const ENDING = [
  ...['end', 'ending', 'ended', 'terminate*', 'termination', 'dissolv*', 'dissolution', 'annul*'],
  ...['cancel*', 'undo', 'stop', 'quit', 'over', 'finished', 'longer', 'anymore', 'out'],
  ...['void', 'invalid*', 'falling', 'broken', 'breaking'],
  ...['lopeta*', 'lopp*', 'tuhista*', 'tuhist*', 'kehtetu*', 'enam', 'valja', 'lagune*'],
  ...['расторг*', 'прекрат*', 'аннулир*', 'отмен*', 'законч*', 'заканч*', 'больше'],
  ...['недействительн*', 'выити', 'выход*', 'рушит*', 'развал*'],
];
/** Words for a marriage itself (not for a spouse, who is named in every family question). */
const MARRIAGE = [
  ...['marriage', 'married', 'marital', 'matrimon*', 'wedlock'],
  ...['abielu*', 'abielus'],
  ...['брак', 'брака', 'браке', 'браком', 'браку', 'женат*', 'замужеств*', 'супружеств*'],
];
/** A test for a main-form word against a word list (`*` at the end of a list word: a prefix). */
export const matcher = (words: readonly string[]): ((form: string) => boolean) => {
  const whole = new Set(words.filter((w) => !w.endsWith('*')).map(deaccent));
  const prefixes = words.filter((w) => w.endsWith('*')).map((w) => deaccent(w.slice(0, -1)));
  return (form) => whole.has(form) || prefixes.some((p) => form.startsWith(p));
};
const isEnding = matcher(ENDING);
/** A message feature weighs this many words: one feature against the n-grams of several words. */
export const MESSAGE_WEIGHT = 2;
const isMarriage = matcher(MARRIAGE);

/**
 * Talking with someone now, in the first person present ("am i talking to", «я говорю с»,
 * "kas ma räägin inimesega"): the writer asks who answers. Asking for a person uses the
 * infinitive or a request instead ("talk to", «поговорить», "rääkida"), so these forms are not
 * among them; nor is "writing" («пишу», "kirjutan"), the opening of a letter to an office
 * ("i am writing to ask about...").
 */
const TALKING_NOW = [
  ...['talking', 'speaking', 'chatting', 'texting', 'messaging'],
  ...['говорю', 'разговариваю', 'общаюсь', 'переписываюсь', 'беседую'],
  ...['raagin', 'suhtlen', 'vestlen', 'lobisen'],
];
/** Whom one talks with: "to", "with", «с», or an Estonian comitative ("inimesega", "kellega"). */
const isWith = (form: string): boolean =>
  ['to', 'with', 'с', 'со'].includes(form) || (form.length > 4 && form.endsWith('ga'));
/** Words of a request or a wish: with them, talking to someone is asking for a person. */
const REQUEST = [
  ...['want', 'wanna', 'need', 'can', 'could', 'let', 'please', 'get', 'give', 'rather'],
  ...['connect*', 'transfer*', 'put'],
  ...['хочу', 'хотел*', 'хотим', 'нужен', 'нужна', 'нужно', 'надо', 'можно', 'могу', 'мог*'],
  ...['даите', 'позов*', 'соедин*', 'переключ*', 'передаи*', 'пожалуиста'],
  ...['tahan', 'tahaks*', 'soovin', 'sooviks*', 'saan', 'saaks*', 'saab', 'palun', 'uhenda*'],
  ...['anna', 'andke', 'vaja'],
];
const isTalkingNow = matcher(TALKING_NOW);
const isRequest = matcher(REQUEST);

/**
 * Features of the whole message, by main form, that a linear model cannot learn from the words
 * one by one: `x:end-marriage` when a word that ends something stands with a word for the
 * marriage ("annul the marriage", «расторгнуть брак», "abielu lõpetamine" are a divorce, though
 * they name the marriage); `x:talking-now` when the writer is talking with someone now and
 * asks for nothing ("am i talking to a person?", «я говорю с человеком?», "kas ma räägin
 * inimesega?": who answers, small talk, though it names the person a request for one names).
 * `extractFeatures` adds them after the bigrams; so does the fast path.
 */
export function messageFeatures(forms: readonly string[]): string[] {
  const out: string[] = [];
  if (forms.some(isEnding) && forms.some(isMarriage)) out.push('x:end-marriage');
  if (forms.some(isTalkingNow) && forms.some(isWith) && !forms.some(isRequest)) {
    out.push('x:talking-now');
  }
  return out;
}

/** Features of a whole message, before indexing. Word bigrams catch "pension fund", "id card". */
export function extractFeatures(
  words: readonly WordForm[],
  options: FeatureOptions,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const w of words) addWordFeatures(out, w, options);
  for (let i = 0; i + 1 < words.length; i++) {
    const key = `b:${words[i]?.form ?? ''}_${words[i + 1]?.form ?? ''}`;
    out.set(key, (out.get(key) ?? 0) + options.wordWeight);
  }
  for (const key of messageFeatures(words.map((w) => w.form))) {
    out.set(key, (out.get(key) ?? 0) + MESSAGE_WEIGHT * options.wordWeight);
  }
  return out;
}

export interface SparseVector {
  idx: Int32Array;
  val: Float32Array;
}

/**
 * Maps named features to indices (unknown ones dropped), scales each by its `scale` (IDF) when
 * given, and L2-normalises. `known`/`total` (coverage) are counted before the scaling.
 */
export function vectorize(
  features: ReadonlyMap<string, number>,
  index: ReadonlyMap<string, number>,
  scale?: Float32Array,
): { vector: SparseVector; known: number; total: number } {
  const idx: number[] = [];
  const val: number[] = [];
  let known = 0;
  let total = 0;
  let norm = 0;
  for (const [key, v] of features) {
    const weight = Math.sqrt(v);
    total += weight;
    const i = index.get(key);
    if (i === undefined) continue;
    known += weight;
    const scaled = weight * (scale?.[i] ?? 1);
    idx.push(i);
    val.push(scaled);
    norm += scaled * scaled;
  }
  const unit = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return {
    vector: { idx: Int32Array.from(idx), val: Float32Array.from(val, (v) => v * unit) },
    known,
    total,
  };
}

/**
 * One word's features resolved against a feature index once, for a classifier that meets the
 * word again: the keys `forEachWordFeature` gives, in its order and with its repeats, each as its
 * index, or as `-1 - k` for the k-th key of `unknown` (not in the index; it still counts in the
 * coverage and is told apart from the other unknown keys of the message by its text).
 */
export interface IndexedWord {
  readonly word: WordForm;
  readonly ids: Int32Array;
  readonly weights: Float64Array;
  readonly unknown: readonly string[];
}

/** Hash of `text[start, start + n)`, by char codes (no string made). */
function gramHash(text: string, start: number, n: number): number {
  let h = 0x811c9dc5 ^ n;
  for (let k = start; k < start + n; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193);
  return (h ^ (h >>> 15)) >>> 0;
}

/**
 * The character n-gram features of an index (`c:<gram>`), found from a word's text without
 * making a string per n-gram: an open-addressing table of feature indices by `gramHash`, each
 * hit checked against the key's text.
 */
export class GramIndex {
  /** Per slot: the feature index + 1 (0: empty). */
  private readonly table: Int32Array;
  /** Per slot, `stride` char codes: the gram's length, then its chars (one cache line). */
  private readonly chars: Uint16Array;
  private readonly stride: number;
  private readonly mask: number;

  constructor(index: ReadonlyMap<string, number>) {
    let grams = 0;
    let longest = 0;
    for (const key of index.keys()) {
      if (!key.startsWith('c:')) continue;
      grams++;
      longest = Math.max(longest, key.length - 2);
    }
    let size = 16;
    while (size < grams * 2) size *= 2;
    this.table = new Int32Array(size);
    this.stride = longest + 1;
    this.chars = new Uint16Array(size * this.stride);
    this.mask = size - 1;
    for (const [key, i] of index) {
      if (!key.startsWith('c:')) continue;
      const n = key.length - 2;
      let at = gramHash(key, 2, n) & this.mask;
      while (this.table[at] !== 0) at = (at + 1) & this.mask;
      this.table[at] = i + 1;
      const base = at * this.stride;
      this.chars[base] = n;
      for (let k = 0; k < n; k++) this.chars[base + 1 + k] = key.charCodeAt(2 + k);
    }
  }

  /** The feature index of `c:` + `text[start, start + n)`, or -1. */
  find(text: string, start: number, n: number): number {
    if (n >= this.stride) return -1;
    let at = gramHash(text, start, n) & this.mask;
    for (;;) {
      const slot = this.table[at]!;
      if (slot === 0) return -1;
      const base = at * this.stride;
      if (this.chars[base] === n) {
        let k = 0;
        while (k < n && this.chars[base + 1 + k] === text.charCodeAt(start + k)) k++;
        if (k === n) return slot - 1;
      }
      at = (at + 1) & this.mask;
    }
  }
}

/** FNV-1a state after `chars` of `text` added to `h` (the running hash `BigramIndex` uses). */
function hashChars(h: number, text: string): number {
  for (let k = 0; k < text.length; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193);
  return h;
}

/**
 * The word bigram features of an index (`b:<first>_<second>`), found from the two words'
 * forms without making the key string: an open-addressing table by a hash of the key's text,
 * each hit checked against the key. The hash of `b:<first>_` is a word's own (`prefixHash`,
 * kept with the word), so a lookup hashes only the second word.
 */
export class BigramIndex {
  private readonly table: Int32Array;
  private readonly keys: string[];
  private readonly mask: number;

  constructor(index: ReadonlyMap<string, number>) {
    let count = 0;
    for (const key of index.keys()) if (key.startsWith('b:')) count++;
    let size = 16;
    while (size < count * 2) size *= 2;
    this.table = new Int32Array(size);
    this.keys = new Array<string>(size).fill('');
    this.mask = size - 1;
    for (const [key, i] of index) {
      if (!key.startsWith('b:')) continue;
      let at = BigramIndex.finish(hashChars(0x811c9dc5, key)) & this.mask;
      while (this.table[at] !== 0) at = (at + 1) & this.mask;
      this.table[at] = i + 1;
      this.keys[at] = key;
    }
  }

  private static finish(h: number): number {
    return (h ^ (h >>> 15)) >>> 0;
  }

  /** The hash state of `b:<first>_`, for `find`. */
  static prefixHash(first: string): number {
    return Math.imul(hashChars(hashChars(0x811c9dc5, 'b:'), first) ^ 0x5f, 0x01000193);
  }

  /** The feature index of `b:<first>_<second>` (`prefix`: `prefixHash(first)`), or -1. */
  find(prefix: number, first: string, second: string): number {
    const length = first.length + second.length + 3;
    let at = BigramIndex.finish(hashChars(prefix, second)) & this.mask;
    for (;;) {
      const slot = this.table[at]!;
      if (slot === 0) return -1;
      const key = this.keys[at]!;
      if (
        key.length === length &&
        key.charCodeAt(first.length + 2) === 0x5f &&
        key.startsWith(first, 2) &&
        key.endsWith(second)
      ) {
        return slot - 1;
      }
      at = (at + 1) & this.mask;
    }
  }
}

/**
 * `forEachWordFeature` resolved against `index` (`grams`: its n-grams, made from the index):
 * the same keys in the same order with the same weights, an n-gram's string made only when the
 * index lacks it.
 */
export function indexWord(
  word: WordForm,
  options: FeatureOptions,
  index: ReadonlyMap<string, number>,
  grams: GramIndex,
): IndexedWord {
  // Sizes known up front: the word keys, then every n-gram of the padded form. Written straight
  // into the typed arrays (no closures, no intermediate arrays: a token met for the first time
  // is the costly part of classifying a message).
  const hasStem = word.stem !== word.form;
  const hasFold = options.foldWeight > 0;
  const length = word.form.length + 2;
  let count = 1 + (hasStem ? 1 : 0) + (hasFold ? 1 : 0);
  for (let n = options.minGram; n <= options.maxGram; n++) count += Math.max(0, length - n + 1);
  const ids = new Int32Array(count);
  const weights = new Float64Array(count);
  const unknown: string[] = [];
  let at = 0;
  const wordKey = `w:${word.form}`;
  ids[at] = index.get(wordKey) ?? -1 - (unknown.push(wordKey) - 1);
  weights[at++] = options.wordWeight;
  if (hasStem) {
    const stemKey = `s:${word.stem}`;
    ids[at] = index.get(stemKey) ?? -1 - (unknown.push(stemKey) - 1);
    weights[at++] = options.wordWeight;
  }
  if (hasFold) {
    const foldKey = `f:${word.folded}`;
    ids[at] = index.get(foldKey) ?? -1 - (unknown.push(foldKey) - 1);
    weights[at++] = options.foldWeight;
  }
  const padded = `_${word.form}_`;
  for (let n = options.minGram; n <= options.maxGram; n++) {
    for (let i = 0; i + n <= padded.length; i++) {
      const found = grams.find(padded, i, n);
      ids[at] = found >= 0 ? found : -1 - (unknown.push(`c:${padded.slice(i, i + n)}`) - 1);
      weights[at++] = 1;
    }
  }
  return { word, ids, weights, unknown };
}

/**
 * A message's features built straight into index order, the same as `extractFeatures` then
 * `vectorize` give (the same keys in the same first-seen order, each weight summed in the same
 * order, so the same floating-point results), without a string key per feature: known features
 * live in typed arrays reused from message to message, only keys the index lacks by their text.
 * One message at a time: `vector` ends the message and makes the builder ready for the next.
 */
export class FeatureVectorBuilder {
  /** Per feature index: its position in this message + 1, or 0 when the message lacks it. */
  private readonly slot: Int32Array;
  /** The message's features in first-seen order: index (or -1 for an unknown key), weight. */
  private ids = new Int32Array(256);
  private weights = new Float64Array(256);
  private size = 0;
  private readonly unknownSlot = new Map<string, number>();
  /** The vector's buffers (as long as `ids`). */
  private outIdx = new Int32Array(256);
  private outVal = new Float32Array(256);
  private scaled = new Float64Array(256);

  constructor(private readonly index: ReadonlyMap<string, number>) {
    this.slot = new Int32Array(index.size);
  }

  /** Empties the builder (also what a message left if it was cut short by an exception). */
  clear(): void {
    for (let p = 0; p < this.size; p++) {
      const i = this.ids[p]!;
      if (i >= 0) this.slot[i] = 0;
    }
    this.size = 0;
    this.unknownSlot.clear();
  }

  private push(id: number, weight: number): number {
    if (this.size === this.ids.length) {
      const ids = new Int32Array(this.size * 2);
      ids.set(this.ids);
      const weights = new Float64Array(this.size * 2);
      weights.set(this.weights);
      this.ids = ids;
      this.weights = weights;
    }
    this.ids[this.size] = id;
    this.weights[this.size] = weight;
    return this.size++;
  }

  /** Adds `weight` to feature index `i` (as `map.set(key, (map.get(key) ?? 0) + weight)`). */
  addIndex(i: number, weight: number): void {
    const at = this.slot[i]!;
    if (at === 0) this.slot[i] = this.push(i, 0 + weight) + 1;
    else this.weights[at - 1] = this.weights[at - 1]! + weight;
  }

  private addUnknown(key: string, weight: number): void {
    const at = this.unknownSlot.get(key);
    if (at === undefined) this.unknownSlot.set(key, this.push(-1, 0 + weight));
    else this.weights[at] = this.weights[at]! + weight;
  }

  /** Adds `weight` to a key the index is known to lack (as `add` does for it). */
  addMissing(key: string, weight: number): void {
    this.addUnknown(key, weight);
  }

  add(key: string, weight: number): void {
    const i = this.index.get(key);
    if (i === undefined) this.addUnknown(key, weight);
    else this.addIndex(i, weight);
  }

  /** Sets a feature's weight (as `map.set(key, weight)`: first-seen order kept). */
  set(key: string, weight: number): void {
    const i = this.index.get(key);
    const at = i === undefined ? this.unknownSlot.get(key) : this.slot[i]! - 1;
    if (at !== undefined && at >= 0) this.weights[at] = weight;
    else if (i === undefined) this.unknownSlot.set(key, this.push(-1, weight));
    else this.slot[i] = this.push(i, weight) + 1;
  }

  addWord(w: IndexedWord): void {
    const { ids, weights, unknown } = w;
    for (let k = 0; k < ids.length; k++) {
      const i = ids[k]!;
      if (i >= 0) this.addIndex(i, weights[k]!);
      else this.addUnknown(unknown[-1 - i]!, weights[k]!);
    }
  }

  /**
   * The message's vector, as `vectorize` makes it (`scale`: IDF), and the builder emptied. The
   * vector's arrays are views of buffers the next message overwrites: read it before that.
   */
  vector(scale?: Float32Array): { vector: SparseVector; known: number; total: number } {
    let known = 0;
    let total = 0;
    let norm = 0;
    let m = 0;
    if (this.outIdx.length < this.ids.length) {
      this.outIdx = new Int32Array(this.ids.length);
      this.outVal = new Float32Array(this.ids.length);
      this.scaled = new Float64Array(this.ids.length);
    }
    const scaledOf = this.scaled;
    for (let p = 0; p < this.size; p++) {
      const weight = Math.sqrt(this.weights[p]!);
      total += weight;
      const i = this.ids[p]!;
      if (i < 0) continue;
      known += weight;
      const scaled = weight * (scale === undefined ? 1 : scale[i]!);
      this.outIdx[m] = i;
      scaledOf[m++] = scaled;
      norm += scaled * scaled;
    }
    const unit = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = 0; j < m; j++) this.outVal[j] = scaledOf[j]! * unit;
    this.clear();
    return {
      vector: { idx: this.outIdx.subarray(0, m), val: this.outVal.subarray(0, m) },
      known,
      total,
    };
  }
}

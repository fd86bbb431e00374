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
  form: string;
  folded: string;
  stem: string;
}

export function wordForm(token: string): WordForm {
  const form = deaccent(token);
  const folded = fold(token);
  if (isCyrillic(token)) return { form, folded, stem: deaccent(ruStemmer.stem(token)) };
  // English stems for English words; for Estonian words a prefix does the same job.
  const en = deaccent(enStemmer.stem(token));
  const stem = form.length > 6 && en === form ? form.slice(0, 5) : en;
  return { form, folded, stem };
}

export function textWords(text: string): WordForm[] {
  return tokenize(normalize(text)).map(wordForm);
}

/** Adds a word's features (word, stem, char n-grams) into `out`, scaled by `scale`. */
export function addWordFeatures(
  out: Map<string, number>,
  word: WordForm,
  options: FeatureOptions,
  scale = 1,
): void {
  const add = (key: string, v: number): void => {
    out.set(key, (out.get(key) ?? 0) + v * scale);
  };
  add(`w:${word.form}`, options.wordWeight);
  if (word.stem !== word.form) add(`s:${word.stem}`, options.wordWeight);
  if (options.foldWeight > 0) add(`f:${word.folded}`, options.foldWeight);
  const padded = `_${word.form}_`;
  for (let n = options.minGram; n <= options.maxGram; n++) {
    for (let i = 0; i + n <= padded.length; i++) add(`c:${padded.slice(i, i + n)}`, 1);
  }
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

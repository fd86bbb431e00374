/**
 * Feature extraction. Estonian has no stemmer in natural and fourteen cases, so the bulk of
 * the signal is character 2–5-grams with word-boundary markers on the folded text: "matuste",
 * "matustel", "matusetoetust" share "_matus". Words, word bigrams and stems (natural's Porter
 * stemmers for Russian and English, a 5-letter prefix for Estonian) add whole-word evidence.
 */
import enStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import ruStemmer from 'natural/lib/natural/stemmers/porter_stemmer_ru.js';
import { fold, isCyrillic, normalize, tokenize } from './normalize.js';

export interface FeatureOptions {
  minGram: number;
  maxGram: number;
  /** Weight of a whole-word feature relative to one character n-gram. */
  wordWeight: number;
}

export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = { minGram: 2, maxGram: 5, wordWeight: 3 };

/** A word as the classifier sees it: its folded form and its stem. */
export interface WordForm {
  folded: string;
  stem: string;
}

export function wordForm(token: string): WordForm {
  const folded = fold(token);
  if (isCyrillic(token)) return { folded, stem: fold(ruStemmer.stem(token)) };
  // English stems for English words; for Estonian words a prefix does the same job.
  const en = fold(enStemmer.stem(token));
  const stem = folded.length > 6 && en === folded ? folded.slice(0, 5) : en;
  return { folded, stem };
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
  add(`w:${word.folded}`, options.wordWeight);
  if (word.stem !== word.folded) add(`s:${word.stem}`, options.wordWeight);
  const padded = `_${word.folded}_`;
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
    const key = `b:${words[i]?.folded ?? ''}_${words[i + 1]?.folded ?? ''}`;
    out.set(key, (out.get(key) ?? 0) + options.wordWeight);
  }
  return out;
}

export interface SparseVector {
  idx: Int32Array;
  val: Float32Array;
}

/** Maps named features to indices (unknown ones dropped) and L2-normalises. */
export function vectorize(
  features: ReadonlyMap<string, number>,
  index: ReadonlyMap<string, number>,
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
    idx.push(i);
    val.push(weight);
    norm += weight * weight;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return {
    vector: { idx: Int32Array.from(idx), val: Float32Array.from(val, (v) => v * scale) },
    known,
    total,
  };
}

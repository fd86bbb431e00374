/**
 * The classifier's fast feature path against its plain definition: `wordForm`'s memory against
 * `computeWordForm`, `indexWord` against `forEachWordFeature`, `FeatureVectorBuilder` against
 * `extractFeatures` + `vectorize`, and the trained classifier's `score` against `scorePlain` on
 * every held-out message (intents/test), with each word rotated (unknown words) and with typos.
 * Not approximately: the same keys in the same order give the same floating-point sums.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BigramIndex,
  computeWordForm,
  DEFAULT_FEATURE_OPTIONS,
  extractFeatures,
  FeatureVectorBuilder,
  forEachWordFeature,
  GramIndex,
  indexWord,
  vectorize,
  wordForm,
  wordFormMemoSize,
  WORD_FORM_MEMO_SIZE,
  type WordForm,
} from '../../src/nlu/features.js';
import { rotateWords } from '../../src/nlu/eval.js';
import { createLanguageDetector } from '../../src/nlu/detect-language.js';
import { normalize, tokenize } from '../../src/nlu/normalize.js';
import { trainedClassifier, trainingExamples } from './helpers.js';

function heldOut(): string[] {
  const dir = 'intents/test';
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) =>
      readFileSync(`${dir}/${f}`, 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => (JSON.parse(l) as { text: string }).text),
    );
}

/** One typo per word, deterministic: a letter dropped, doubled, swapped or replaced in turn. */
function withTypos(text: string, seed: number): string {
  return text
    .split(' ')
    .map((w, i) => {
      if (w.length < 3) return w;
      const at = (seed + i * 7) % (w.length - 1);
      switch ((seed + i) % 4) {
        case 0:
          return w.slice(0, at) + w.slice(at + 1);
        case 1:
          return w.slice(0, at) + w[at]! + w.slice(at);
        case 2:
          return w.slice(0, at) + w[at + 1]! + w[at]! + w.slice(at + 2);
        default:
          return `${w.slice(0, at)}x${w.slice(at + 1)}`;
      }
    })
    .join(' ');
}

const TEXTS = heldOut();
const VARIANTS = TEXTS.flatMap((t, i) => [t, rotateWords(t), withTypos(t, i)]);
const TOKENS = [...new Set(VARIANTS.flatMap((t) => tokenize(normalize(t))))];

describe('wordForm memory', () => {
  it('gives what computeWordForm gives, and holds at most two generations of tokens', () => {
    expect(TOKENS.length).toBeGreaterThan(2 * WORD_FORM_MEMO_SIZE);
    for (let pass = 0; pass < 2; pass++) {
      for (const token of TOKENS) {
        expect(wordForm(token)).toEqual(computeWordForm(token));
        expect(wordFormMemoSize()).toBeLessThanOrEqual(2 * WORD_FORM_MEMO_SIZE);
      }
    }
    // A token seen again is the same (frozen) object: nothing can change it for the next caller.
    const again = wordForm('matusetoetus');
    expect(wordForm('matusetoetus')).toBe(again);
    expect(Object.isFrozen(again)).toBe(true);
  }, 60_000);
});

describe('indexWord', () => {
  it('resolves the keys forEachWordFeature gives, in order, with repeats and unknown keys', () => {
    const { config } = trainedClassifier();
    // The index of a real model is not reachable from outside; one made from half the tokens'
    // features has both known and unknown keys in every word.
    const index = new Map<string, number>();
    TOKENS.forEach((token, t) => {
      if (t % 2 === 0) return;
      forEachWordFeature(wordForm(token), config.features, (key) => {
        if (!index.has(key) && index.size % 3 !== 1) index.set(key, index.size);
        else if (!index.has(key)) index.set(`other:${index.size}`, index.size);
      });
    });
    const grams = new GramIndex(index);
    let unknown = 0;
    for (const token of [...TOKENS, 'aaaaa', 'ааааа', 'x']) {
      const w = wordForm(token);
      const expected: [number | string, number][] = [];
      forEachWordFeature(w, config.features, (key, v) => expected.push([index.get(key) ?? key, v]));
      const got = indexWord(w, config.features, index, grams);
      const actual = [...got.ids].map((i, k): [number | string, number] => [
        i >= 0 ? i : got.unknown[-1 - i]!,
        got.weights[k]!,
      ]);
      expect(actual).toEqual(expected);
      unknown += got.unknown.length;
    }
    expect(unknown).toBeGreaterThan(1000);
  }, 60_000);
});

describe('BigramIndex', () => {
  it('finds every bigram key of an index by its two words, and no other key', () => {
    // Bigrams of the held-out messages, every other one in the index, among other keys.
    const pairs = TEXTS.flatMap((t) => {
      const forms = tokenize(normalize(t)).map((token) => wordForm(token).form);
      return forms.slice(1).map((second, i): [string, string] => [forms[i]!, second]);
    });
    const index = new Map<string, number>();
    pairs.forEach(([a, b], i) => {
      if (i % 2 === 0) index.set(`b:${a}_${b}`, index.size);
      else index.set(`w:${a}`, index.size);
    });
    index.set('c:b:x_', index.size);
    const bigrams = new BigramIndex(index);
    let known = 0;
    for (const [a, b] of [...pairs, ['b', 'x'], ['', 'x_'], ['ab', 'c'], ['a', 'bc']] as const) {
      const found = bigrams.find(BigramIndex.prefixHash(a), a, b);
      expect(found).toBe(index.get(`b:${a}_${b}`) ?? -1);
      if (found >= 0) known++;
    }
    expect(known).toBeGreaterThan(1000);
  });
});

describe('FeatureVectorBuilder', () => {
  it('builds what extractFeatures + vectorize build, message after message', () => {
    const options = { ...DEFAULT_FEATURE_OPTIONS, wordWeight: 1.3, foldWeight: 0.7 };
    const index = new Map<string, number>();
    const known = (words: readonly WordForm[]): void => {
      for (const [key] of extractFeatures(words, options)) {
        if (index.has(key)) continue;
        // Leave out every fourth new key but words (so the messages have unknown n-grams).
        if (index.size % 4 !== 3 || key.startsWith('w:')) index.set(key, index.size);
        else index.set(`other:${key}`, index.size);
      }
    };
    const messages = TEXTS.slice(0, 400).map((t) => tokenize(normalize(t)).map(wordForm));
    messages.forEach((words, i) => i % 2 === 0 && known(words));
    const scale = Float32Array.from({ length: index.size }, (_, i) => 0.5 + (i % 7) / 3);
    const grams = new GramIndex(index);
    const builder = new FeatureVectorBuilder(index);
    for (const words of messages) {
      for (const s of [scale, undefined]) {
        const plain = extractFeatures(words, options);
        plain.set('g:x', 2).set('u:unknown', (plain.get('u:unknown') ?? 0) + 1.3);
        for (const w of words) builder.addWord(indexWord(w, options, index, grams));
        for (let i = 0; i + 1 < words.length; i++)
          builder.add(`b:${words[i]!.form}_${words[i + 1]!.form}`, options.wordWeight);
        // Cross features (a marriage word with an ending word: x:end-marriage) come after the
        // bigrams, as in extractFeatures. The first 400 held-out messages (files in name order)
        // had none until the eighth split's files sorted first.
        for (const [key, value] of plain) if (key.startsWith('x:')) builder.add(key, value);
        builder.set('g:x', 2);
        builder.add('u:unknown', 1.3);
        const want = vectorize(plain, index, s);
        const got = builder.vector(s);
        expect(got.known).toBe(want.known);
        expect(got.total).toBe(want.total);
        expect([...got.vector.idx]).toEqual([...want.vector.idx]);
        expect([...got.vector.val]).toEqual([...want.vector.val]);
      }
    }
  }, 60_000);
});

function sameNumbers(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

describe('classifier score', () => {
  it('equals scorePlain exactly on every held-out message, rotated and with typos', () => {
    const classifier = trainedClassifier();
    expect(VARIANTS.length).toBeGreaterThan(5000);
    let unknownWords = 0;
    const differ: string[] = [];
    // Twice: the first pass fills the per-token memory, the second reads it.
    for (let pass = 0; pass < 2; pass++) {
      for (const text of VARIANTS) {
        const fast = classifier.score(text, 'et');
        const plain = classifier.scorePlain(text, 'et');
        const same =
          sameNumbers(fast.logits, plain.logits) &&
          sameNumbers(fast.evidence, plain.evidence) &&
          Object.is(fast.coverage, plain.coverage) &&
          Object.is(fast.oov, plain.oov) &&
          fast.lang === plain.lang;
        if (!same) differ.push(text);
        if (plain.oov > 0) unknownWords++;
      }
    }
    expect(differ.slice(0, 5)).toEqual([]);
    // The rotated and typo'd variants do reach the unknown-word and typo paths.
    expect(unknownWords).toBeGreaterThan(2000);
  }, 180_000);
});

describe('language detection', () => {
  it('gives with the log ratios worked out once what it gives working them out per call', () => {
    const samples = trainingExamples();
    const fast = createLanguageDetector({ samples });
    const plain = createLanguageDetector({ samples, plain: true });
    const differ: string[] = [];
    const langs = new Set<string>();
    for (const text of VARIANTS) {
      for (const hint of [undefined, 'et', 'en', 'ru'] as const) {
        const a = fast.detect(text, hint);
        const b = plain.detect(text, hint);
        if (a.lang !== b.lang || !Object.is(a.confidence, b.confidence)) differ.push(text);
        langs.add(a.lang);
      }
    }
    expect(differ.slice(0, 5)).toEqual([]);
    expect([...langs].sort()).toEqual(['en', 'et', 'ru']);
  }, 60_000);
});

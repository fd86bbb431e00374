/**
 * The intent classifier: features (features.ts) → softmax regression (softmax-regression.ts)
 * → temperature-calibrated probabilities → decision rules (decision.ts). Trains from the
 * examples in memory at construction (a few hundred ms); classify() is pure and sub-millisecond.
 */
import jaroWinkler from 'natural/lib/natural/distance/jaro-winkler_distance.js';
import type { Lang } from '../protocol/frames.js';
import { DEFAULT_NLU_CONFIG, type NluConfig } from './config.js';
import { decide } from './decision.js';
import { createLanguageDetector, type LanguageDetector } from './detect-language.js';
import {
  extractFeatures,
  textWords,
  vectorize,
  type SparseVector,
  type WordForm,
} from './features.js';
import { logits, softmax, trainSoftmax, type SoftmaxWeights } from './softmax-regression.js';
import type { TrainingExample } from './training-data.js';
import { INTENT_IDS } from './training-data.js';
import type { Classifier, IntentId, NluResult, ScoredIntent } from './types.js';

export interface ClassifierOptions {
  examples: readonly TrainingExample[];
  config?: NluConfig;
}

/** Raw model output for one message, before calibration and decision (for eval and tuning). */
export interface RawScore {
  logits: Float64Array;
  /** Share of the message's feature weight the model knows, 0..1. */
  coverage: number;
  lang: Lang;
}

export interface NluClassifier extends Classifier {
  /** Intent ids in the order of `RawScore.logits`. */
  readonly intents: readonly IntentId[];
  readonly config: NluConfig;
  score(text: string, langHint?: Lang): RawScore;
  /** All intents, calibrated, best first. */
  rank(text: string, langHint?: Lang): { ranked: ScoredIntent[]; coverage: number; lang: Lang };
  readonly stats: { examples: number; features: number; vocabulary: number; trainMs: number };
}

const TYPO_MIN_LENGTH = 4;
const TYPO_MIN_SIMILARITY = 0.9;
const TYPO_CACHE_MAX = 10_000;

const UNKNOWN_WORD = 'u:unknown';
const isContentWord = (folded: string): boolean => folded.length >= 3 && /\p{L}/u.test(folded);
function addUnknown(features: Map<string, number>, weight: number): void {
  features.set(UNKNOWN_WORD, (features.get(UNKNOWN_WORD) ?? 0) + weight);
}

interface Vocabulary {
  stems: Map<string, string>;
  /** Words by first letter: the candidates for typo correction. */
  byInitial: Map<string, string[]>;
}

function buildVocabulary(words: Iterable<WordForm>): Vocabulary {
  const stems = new Map<string, string>();
  for (const w of words) if (w.folded.length >= TYPO_MIN_LENGTH) stems.set(w.folded, w.stem);
  const byInitial = new Map<string, string[]>();
  for (const folded of stems.keys()) {
    const initial = folded.charAt(0);
    const list = byInitial.get(initial) ?? [];
    list.push(folded);
    byInitial.set(initial, list);
  }
  return { stems, byInitial };
}

/** The nearest known word by Jaro–Winkler (natural), or undefined when nothing is close. */
function nearestWord(vocab: Vocabulary, word: string): string | undefined {
  let best: string | undefined;
  let bestScore = TYPO_MIN_SIMILARITY;
  for (const candidate of vocab.byInitial.get(word.charAt(0)) ?? []) {
    if (Math.abs(candidate.length - word.length) > 2) continue;
    const s = jaroWinkler(word, candidate);
    if (s > bestScore) {
      bestScore = s;
      best = candidate;
    }
  }
  return best;
}

export function createClassifier(options: ClassifierOptions): NluClassifier {
  const config = options.config ?? DEFAULT_NLU_CONFIG;
  const started = performance.now();
  const intents = INTENT_IDS.filter((id) => options.examples.some((e) => e.intent === id));
  const classOf = new Map<IntentId, number>(intents.map((id, i) => [id, i]));

  const wordsOf = options.examples.map((e) => textWords(e.text));
  // Words seen in only one example stand in for the unknown words of real traffic: the model
  // learns how much an unfamiliar word should pull towards out-of-scope ("hunting permit").
  const documentFrequency = new Map<string, number>();
  for (const words of wordsOf) {
    for (const f of new Set(words.map((w) => w.folded))) {
      documentFrequency.set(f, (documentFrequency.get(f) ?? 0) + 1);
    }
  }
  const featuresOf = wordsOf.map((words) => {
    const f = extractFeatures(words, config.features);
    for (const w of words) {
      if (isContentWord(w.folded) && documentFrequency.get(w.folded) === 1) {
        addUnknown(f, config.features.wordWeight);
      }
    }
    return f;
  });
  const index = new Map<string, number>();
  for (const f of featuresOf)
    for (const key of f.keys()) if (!index.has(key)) index.set(key, index.size);
  const xs: SparseVector[] = featuresOf.map((f) => vectorize(f, index).vector);
  const ys = options.examples.map((e) => classOf.get(e.intent) ?? 0);
  const model: SoftmaxWeights = trainSoftmax(xs, ys, index.size, intents.length, config.training);
  const vocab = buildVocabulary(wordsOf.flat());
  const detector: LanguageDetector = createLanguageDetector({ samples: options.examples });
  const trainMs = performance.now() - started;

  const corrections = new Map<string, string | null>();
  const correct = (word: string): string | undefined => {
    const cached = corrections.get(word);
    if (cached !== undefined) return cached ?? undefined;
    const found = nearestWord(vocab, word);
    if (corrections.size >= TYPO_CACHE_MAX) corrections.clear();
    corrections.set(word, found ?? null);
    return found;
  };

  const score = (text: string, langHint?: Lang): RawScore => {
    const words = textWords(text);
    const features = extractFeatures(words, config.features);
    // Typo tolerance: an unknown word also votes as its nearest known word.
    for (const w of words) {
      if (index.has(`w:${w.folded}`)) continue;
      const near = w.folded.length >= TYPO_MIN_LENGTH ? correct(w.folded) : undefined;
      if (near === undefined) {
        if (isContentWord(w.folded)) addUnknown(features, config.features.wordWeight);
        continue;
      }
      const stem = vocab.stems.get(near) ?? near;
      const weight = config.features.wordWeight;
      features.set(`w:${near}`, (features.get(`w:${near}`) ?? 0) + weight);
      if (stem !== near) features.set(`s:${stem}`, (features.get(`s:${stem}`) ?? 0) + weight);
    }
    const { vector, known, total } = vectorize(features, index);
    const z = logits(model, vector, new Float64Array(intents.length));
    return {
      logits: z,
      coverage: total > 0 ? known / total : 0,
      lang: detector.detect(text, langHint).lang,
    };
  };

  const rank = (text: string, langHint?: Lang) => {
    const s = score(text, langHint);
    const p = softmax(s.logits, config.temperature);
    const ranked: ScoredIntent[] = intents
      .map((intent, i) => ({ intent, confidence: p[i] ?? 0 }))
      .sort((a, b) => b.confidence - a.confidence);
    return { ranked, coverage: s.coverage, lang: s.lang };
  };

  return {
    intents,
    config,
    score,
    rank,
    stats: {
      examples: options.examples.length,
      features: index.size,
      vocabulary: vocab.stems.size,
      trainMs,
    },
    classify(text: string, langHint?: Lang): NluResult {
      const { ranked, coverage, lang } = rank(text, langHint);
      const decision = decide(ranked, coverage, config.decision);
      return {
        text,
        intent: decision.intent,
        confidence: decision.confidence,
        lang,
        alternatives: ranked.slice(0, config.alternatives),
        ambiguous: decision.ambiguous,
      };
    },
  };
}

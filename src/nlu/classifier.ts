/**
 * The intent classifier: features (features.ts) → softmax regression (softmax-regression.ts)
 * → temperature-calibrated probabilities → decision rules (decision.ts) with open-set signals
 * (how much of the message is known, and which intents its known words were seen with).
 * Trains from the examples in memory at construction; classify() is pure and sub-millisecond.
 */
import jaroWinkler from 'natural/lib/natural/distance/jaro-winkler_distance.js';
import type { Lang } from '../protocol/frames.js';
import { DEFAULT_NLU_CONFIG, type NluConfig } from './config.js';
import { decide, type Signals } from './decision.js';
import { createLanguageDetector, type LanguageDetector } from './detect-language.js';
import {
  extractFeatures,
  BigramIndex,
  FeatureVectorBuilder,
  GramIndex,
  indexWord,
  messageFeatures,
  MESSAGE_WEIGHT,
  textWords,
  vectorize,
  wordForm,
  type IndexedWord,
  type SparseVector,
  type WordForm,
} from './features.js';
import { isPersonal, lexiconFeatures, type Lexicon } from './lexicon.js';
import { TwoGenerationCache } from '../two-generation-cache.js';
import { normalize, tokenize } from './normalize.js';
import { logits, softmax, trainSoftmax, type SoftmaxWeights } from './softmax-regression.js';
import type { TrainingExample } from './training-data.js';
import { INTENT_IDS } from './training-data.js';
import {
  OUT_OF_SCOPE,
  isLifeEvent,
  type Classifier,
  type IntentId,
  type NluResult,
  type ScoredIntent,
} from './types.js';

export interface ClassifierOptions {
  examples: readonly TrainingExample[];
  config?: NluConfig;
  /** The domain lexicon (intents/lexicon.yaml): `g:<intent>` features and evidence. */
  lexicon?: Lexicon;
}

/** Raw model output for one message, before calibration and decision (for eval and tuning). */
export interface RawScore {
  logits: Float64Array;
  /** Share of the message's feature weight the model knows, 0..1. */
  coverage: number;
  /** Share of content words unknown to the model even after typo correction, 0..1. */
  oov: number;
  /** Per intent (order of `intents`): best P(intent | word) over the message's known words. */
  evidence: Float64Array;
  /** Whether a word names the writer or their family (`isPersonal`, lexicon.ts). */
  personal: boolean;
  /**
   * The open-set gate's P(life event | message), from a binary model trained on the life-event
   * and out-of-scope sentences only (`training.gate`); 1 when there is no gate.
   */
  inScope: number;
  lang: Lang;
}

export interface NluClassifier extends Classifier {
  /** Intent ids in the order of `RawScore.logits`. */
  readonly intents: readonly IntentId[];
  readonly config: NluConfig;
  score(text: string, langHint?: Lang): RawScore;
  /**
   * `score` by its plain definition: the message's features as named keys in a Map, then looked
   * up in the index (`extractFeatures`, `vectorize`). Slower; `score` must give exactly this.
   */
  scorePlain(text: string, langHint?: Lang): RawScore;
  /** All intents, calibrated, best first, with the open-set signals. */
  rank(
    text: string,
    langHint?: Lang,
  ): { ranked: ScoredIntent[]; coverage: number; oov: number; signals: Signals; lang: Lang };
  readonly stats: { examples: number; features: number; vocabulary: number; trainMs: number };
}

const TYPO_MIN_LENGTH = 4;
const TYPO_MIN_SIMILARITY = 0.9;
const TYPO_CACHE_MAX = 10_000;

/**
 * How many tokens a classifier remembers resolved against its feature index (see `WordEntry`).
 * A `TwoGenerationCache`, as `wordForm`'s memory: at most twice this many tokens, never messages.
 */
const WORD_MEMO_SIZE = 2048;

/** A token as `score` needs it, worked out once per classifier: its features and evidence. */
interface WordEntry {
  readonly indexed: IndexedWord;
  readonly content: boolean;
  /** Whether the model has the word itself (`w:<form>`). */
  readonly known: boolean;
  /** P(intent | word) rows of `w:<form>` and `s:<stem>`, when the training data has them. */
  readonly evidenceWord: Float32Array | undefined;
  readonly evidenceStem: Float32Array | undefined;
  /** `BigramIndex.prefixHash` of the word's form: its bigrams with the next word. */
  readonly bigramPrefix: number;
  /** For an unknown word: its typo correction (null: none), found on first need. */
  correction?: Correction | null;
}

/** The known word an unknown one stands for: the features it adds, the evidence it gives. */
interface Correction {
  readonly wordKey: string;
  readonly stemKey: string | undefined;
  readonly evidenceWord: Float32Array | undefined;
  readonly evidenceStem: Float32Array | undefined;
}

const UNKNOWN_WORD = 'u:unknown';
const isContentWord = (form: string): boolean => form.length >= 3 && /\p{L}/u.test(form);
function addUnknown(features: Map<string, number>, weight: number): void {
  features.set(UNKNOWN_WORD, (features.get(UNKNOWN_WORD) ?? 0) + weight);
}

interface Vocabulary {
  /** Known word (main form) → its stem. */
  stems: Map<string, string>;
  /** Length-folded form → the commonest known word with that folded form ("abielumine"). */
  byFolded: Map<string, string>;
  /** Words by first letter: the candidates for typo correction. */
  byInitial: Map<string, string[]>;
}

function buildVocabulary(words: Iterable<WordForm>): Vocabulary {
  const stems = new Map<string, string>();
  const counts = new Map<string, number>();
  const folded = new Map<string, string>();
  for (const w of words) {
    counts.set(w.form, (counts.get(w.form) ?? 0) + 1);
    if (w.form.length >= TYPO_MIN_LENGTH) stems.set(w.form, w.stem);
    const current = folded.get(w.folded);
    if (current === undefined || (counts.get(current) ?? 0) < (counts.get(w.form) ?? 0)) {
      folded.set(w.folded, w.form);
    }
  }
  const byInitial = new Map<string, string[]>();
  for (const form of stems.keys()) {
    const initial = form.charAt(0);
    const list = byInitial.get(initial) ?? [];
    list.push(form);
    byInitial.set(initial, list);
  }
  return { stems, byFolded: folded, byInitial };
}

/** The nearest known word by Jaro–Winkler (natural), or undefined when nothing is close. */
function nearestWord(vocab: Vocabulary, word: WordForm): string | undefined {
  const sameFolded = vocab.byFolded.get(word.folded);
  if (sameFolded !== undefined) return sameFolded;
  if (word.form.length < TYPO_MIN_LENGTH) return undefined;
  let best: string | undefined;
  let bestScore = TYPO_MIN_SIMILARITY;
  for (const candidate of vocab.byInitial.get(word.form.charAt(0)) ?? []) {
    if (Math.abs(candidate.length - word.form.length) > 2) continue;
    const s = jaroWinkler(word.form, candidate);
    if (s > bestScore) {
      bestScore = s;
      best = candidate;
    }
  }
  return best;
}

/**
 * For each known word and stem, how its training examples spread over the intents:
 * P(intent | word) = examples of the intent containing it / (all examples containing it + 1).
 * The +1 keeps a word seen once from counting as certain evidence.
 */
function buildEvidence(
  wordsOf: readonly (readonly WordForm[])[],
  extraKeysOf: readonly (readonly string[])[],
  labels: readonly number[],
  numClasses: number,
): Map<string, Float32Array> {
  const counts = new Map<string, Float32Array>();
  wordsOf.forEach((words, i) => {
    const keys = new Set<string>(extraKeysOf[i]);
    for (const w of words) {
      if (!isContentWord(w.form)) continue;
      keys.add(`w:${w.form}`);
      keys.add(`s:${w.stem}`);
    }
    for (const key of keys) {
      let row = counts.get(key);
      if (!row) {
        row = new Float32Array(numClasses + 1);
        counts.set(key, row);
      }
      row[labels[i] ?? 0] = (row[labels[i] ?? 0] ?? 0) + 1;
      row[numClasses] = (row[numClasses] ?? 0) + 1;
    }
  });
  for (const row of counts.values()) {
    const total = (row[numClasses] ?? 0) + 1;
    for (let k = 0; k < numClasses; k++) row[k] = (row[k] ?? 0) / total;
  }
  return counts;
}

/** Per feature index: log(1 + N / df) ** exponent, or undefined when the exponent is 0. */
function inverseDocumentFrequency(
  featuresOf: readonly ReadonlyMap<string, number>[],
  index: ReadonlyMap<string, number>,
  exponent: number,
): Float32Array | undefined {
  if (exponent === 0) return undefined;
  const df = new Float32Array(index.size);
  for (const f of featuresOf) {
    for (const key of f.keys()) {
      const i = index.get(key);
      if (i !== undefined) df[i] = (df[i] ?? 0) + 1;
    }
  }
  const n = featuresOf.length;
  return df.map((d) => Math.log(1 + n / Math.max(1, d)) ** exponent);
}

export function createClassifier(options: ClassifierOptions): NluClassifier {
  const config = options.config ?? DEFAULT_NLU_CONFIG;
  const started = performance.now();
  // Each lexicon term is also a one-word (or one-phrase) example of its intent, so that the
  // lexicon feature carries weight of its own rather than only echoing the words beside it;
  // the out-of-scope categories' terms are examples of out-of-scope.
  const termExamples: TrainingExample[] = (options.lexicon?.terms ?? []).flatMap((t) => {
    const intent = t.key.startsWith(`${OUT_OF_SCOPE}/`) ? OUT_OF_SCOPE : t.key;
    return (INTENT_IDS as readonly string[]).includes(intent)
      ? [{ text: t.text, intent: intent as IntentId, lang: t.lang }]
      : [];
  });
  const examples = [...options.examples, ...termExamples];
  const intents = INTENT_IDS.filter((id) => examples.some((e) => e.intent === id));
  const classOf = new Map<IntentId, number>(intents.map((id, i) => [id, i]));

  const wordsOf = examples.map((e) => textWords(e.text));
  // Lexicon terms found in each example: a `g:<intent>` feature, and evidence counted like a word.
  const lexicon = options.lexicon;
  const lexiconKeysOf = wordsOf.map((words) => {
    if (!lexicon) return [];
    const forms = words.map((w) => w.form);
    return lexiconFeatures(lexicon.match(forms).keys, forms);
  });
  // Words seen in only one example stand in for the unknown words of real traffic: the model
  // learns how much an unfamiliar word should pull towards out-of-scope ("hunting permit").
  const documentFrequency = new Map<string, number>();
  for (const words of wordsOf) {
    for (const f of new Set(words.map((w) => w.form))) {
      documentFrequency.set(f, (documentFrequency.get(f) ?? 0) + 1);
    }
  }
  const featuresOf = wordsOf.map((words, i) => {
    const f = extractFeatures(words, config.features);
    for (const key of lexiconKeysOf[i] ?? []) f.set(key, config.features.lexiconWeight);
    for (const w of words) {
      if (isContentWord(w.form) && documentFrequency.get(w.form) === 1) {
        addUnknown(f, config.features.wordWeight);
      }
    }
    return f;
  });
  const index = new Map<string, number>();
  for (const f of featuresOf)
    for (const key of f.keys()) if (!index.has(key)) index.set(key, index.size);
  const idf = inverseDocumentFrequency(featuresOf, index, config.features.idf);
  const xs: SparseVector[] = featuresOf.map((f) => vectorize(f, index, idf).vector);
  const ys = examples.map((e) => classOf.get(e.intent) ?? 0);
  // Cost-sensitive training: an out-of-scope example's gradient counts `outOfScopeWeight` times,
  // as taking an off-topic message for a life event costs more than asking "did you mean".
  const oosClass = classOf.get(OUT_OF_SCOPE);
  const { outOfScopeWeight, ...trainOptions } = config.training;
  const sampleWeights = ys.map((y) => (y === oosClass ? outOfScopeWeight : 1));
  const model: SoftmaxWeights = trainSoftmax(
    xs,
    ys,
    index.size,
    intents.length,
    trainOptions,
    sampleWeights,
  );
  // The open-set gate: one binary model, every life event against out-of-scope, on the same
  // vectors (conversational intents left out). Its P(life event) is a second opinion on the
  // boundary that matters most, learnt with the events pooled rather than split eight ways.
  const gate: SoftmaxWeights | undefined = config.training.gate
    ? (() => {
        const chosen = examples.flatMap((e, i) =>
          e.intent === OUT_OF_SCOPE || isLifeEvent(e.intent) ? [i] : [],
        );
        return trainSoftmax(
          chosen.map((i) => xs[i] as SparseVector),
          chosen.map((i) => (examples[i]?.intent === OUT_OF_SCOPE ? 0 : 1)),
          index.size,
          2,
          trainOptions,
          chosen.map((i) => sampleWeights[i] ?? 1),
        );
      })()
    : undefined;
  const inScopeOf = (vector: SparseVector): number =>
    gate ? (softmax(logits(gate, vector, new Float64Array(2)))[1] ?? 0) : 1;
  const vocab = buildVocabulary(wordsOf.flat());
  const evidenceOf = buildEvidence(wordsOf, lexiconKeysOf, ys, intents.length);
  const detector: LanguageDetector = createLanguageDetector({ samples: options.examples });
  const trainMs = performance.now() - started;

  const corrections = new Map<string, string | null>();
  const correct = (word: WordForm): string | undefined => {
    const cached = corrections.get(word.form);
    if (cached !== undefined) return cached ?? undefined;
    const found = nearestWord(vocab, word);
    if (corrections.size >= TYPO_CACHE_MAX) corrections.clear();
    corrections.set(word.form, found ?? null);
    return found;
  };

  /** The raw score of a message from its vector and the counts both scoring paths keep. */
  const signals = (
    { vector, known, total }: { vector: SparseVector; known: number; total: number },
    content: number,
    unknown: number,
    evidence: Float64Array,
    personal: boolean,
    lang: Lang,
  ): RawScore => ({
    logits: logits(model, vector, new Float64Array(intents.length)),
    inScope: inScopeOf(vector),
    coverage: total > 0 ? known / total : 0,
    oov: content > 0 ? unknown / content : 0,
    evidence,
    personal,
    lang,
  });

  const scorePlain = (text: string, langHint?: Lang): RawScore => {
    const words = textWords(text);
    const features = extractFeatures(words, config.features);
    const evidence = new Float64Array(intents.length);
    const addEvidence = (key: string): void => {
      const row = evidenceOf.get(key);
      if (!row) return;
      for (let k = 0; k < intents.length; k++) {
        const p = row[k] ?? 0;
        if (p > (evidence[k] ?? 0)) evidence[k] = p;
      }
    };
    const forms = words.map((w) => w.form);
    const matched = lexicon?.match(forms);
    for (const key of lexiconFeatures(matched?.keys ?? [], forms)) {
      features.set(key, config.features.lexiconWeight);
      addEvidence(key);
    }
    let content = 0;
    let unknown = 0;
    for (const [i, w] of words.entries()) {
      const isContent = isContentWord(w.form);
      if (isContent) content++;
      if (index.has(`w:${w.form}`)) {
        addEvidence(`w:${w.form}`);
        addEvidence(`s:${w.stem}`);
        continue;
      }
      // Typo tolerance: an unknown word also votes as its nearest known word (same folded
      // form first, then Jaro–Winkler).
      const near = correct(w);
      if (near === undefined) {
        // A known stem of an unknown inflection ("matusetoetusele") is still evidence.
        if (evidenceOf.has(`s:${w.stem}`)) addEvidence(`s:${w.stem}`);
        // A lexicon term is a known word of the domain even when no training sentence has it.
        else if (isContent && matched?.words.has(i) !== true) {
          unknown++;
          addUnknown(features, config.features.wordWeight);
        }
        continue;
      }
      const stem = vocab.stems.get(near) ?? near;
      const weight = config.features.wordWeight;
      features.set(`w:${near}`, (features.get(`w:${near}`) ?? 0) + weight);
      if (stem !== near) features.set(`s:${stem}`, (features.get(`s:${stem}`) ?? 0) + weight);
      addEvidence(`w:${near}`);
      addEvidence(`s:${stem}`);
    }
    const lang = detector.detect(text, langHint).lang;
    const personal = forms.some(isPersonal);
    return signals(vectorize(features, index, idf), content, unknown, evidence, personal, lang);
  };

  // The fast path: each token's features resolved against the index once (and remembered), the
  // message's vector built in reused typed arrays. Same keys, order and sums as `scorePlain`.
  const builder = new FeatureVectorBuilder(index);
  const grams = new GramIndex(index);
  const bigrams = new BigramIndex(index);
  const wordMemo = new TwoGenerationCache<WordEntry>(WORD_MEMO_SIZE, (token) => {
    const w = wordForm(token);
    return {
      indexed: indexWord(w, config.features, index, grams),
      content: isContentWord(w.form),
      known: index.has(`w:${w.form}`),
      evidenceWord: evidenceOf.get(`w:${w.form}`),
      evidenceStem: evidenceOf.get(`s:${w.stem}`),
      bigramPrefix: BigramIndex.prefixHash(w.form),
    };
  });
  const entryOf = (token: string): WordEntry => wordMemo.get(token);
  const correctionOf = (entry: WordEntry): Correction | null => {
    if (entry.correction !== undefined) return entry.correction;
    const near = correct(entry.indexed.word);
    if (near === undefined) return (entry.correction = null);
    const stem = vocab.stems.get(near) ?? near;
    return (entry.correction = {
      wordKey: `w:${near}`,
      stemKey: stem !== near ? `s:${stem}` : undefined,
      evidenceWord: evidenceOf.get(`w:${near}`),
      evidenceStem: evidenceOf.get(`s:${stem}`),
    });
  };
  const unknownIndex = index.get(UNKNOWN_WORD);

  const score = (text: string, langHint?: Lang): RawScore => {
    const toks = tokenize(normalize(text));
    const entries = toks.map(entryOf);
    const forms = entries.map((e) => e.indexed.word.form);
    const { wordWeight, lexiconWeight } = config.features;
    builder.clear();
    for (const e of entries) builder.addWord(e.indexed);
    // Word bigrams: looked up without making the key; the key's text only for one the index lacks.
    for (let i = 0; i + 1 < forms.length; i++) {
      const first = forms[i]!;
      const second = forms[i + 1]!;
      const found = bigrams.find(entries[i]!.bigramPrefix, first, second);
      if (found >= 0) builder.addIndex(found, wordWeight);
      else builder.addMissing(`b:${first}_${second}`, wordWeight);
    }
    for (const key of messageFeatures(forms)) builder.add(key, MESSAGE_WEIGHT * wordWeight);
    const evidence = new Float64Array(intents.length);
    const addEvidence = (row: Float32Array | undefined): void => {
      if (!row) return;
      for (let k = 0; k < evidence.length; k++) {
        const p = row[k]!;
        if (p > evidence[k]!) evidence[k] = p;
      }
    };
    const matched = lexicon?.match(forms);
    for (const key of lexiconFeatures(matched?.keys ?? [], forms)) {
      builder.set(key, lexiconWeight);
      addEvidence(evidenceOf.get(key));
    }
    let content = 0;
    let unknown = 0;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (e.content) content++;
      if (e.known) {
        addEvidence(e.evidenceWord);
        addEvidence(e.evidenceStem);
        continue;
      }
      // Typo tolerance, as in scorePlain.
      const c = correctionOf(e);
      if (c === null) {
        if (e.evidenceStem !== undefined) addEvidence(e.evidenceStem);
        else if (e.content && matched?.words.has(i) !== true) {
          unknown++;
          if (unknownIndex === undefined) builder.add(UNKNOWN_WORD, wordWeight);
          else builder.addIndex(unknownIndex, wordWeight);
        }
        continue;
      }
      builder.add(c.wordKey, wordWeight);
      if (c.stemKey !== undefined) builder.add(c.stemKey, wordWeight);
      addEvidence(c.evidenceWord);
      addEvidence(c.evidenceStem);
    }
    const lang = detector.detectTokens(toks, langHint).lang;
    const personal = forms.some(isPersonal);
    return signals(builder.vector(idf), content, unknown, evidence, personal, lang);
  };

  const rank = (text: string, langHint?: Lang) => {
    const s = score(text, langHint);
    const p = softmax(s.logits, config.temperature);
    const ranked: ScoredIntent[] = intents
      .map((intent, i) => ({ intent, confidence: p[i] ?? 0 }))
      .sort((a, b) => b.confidence - a.confidence);
    const signals: Signals = {
      coverage: s.coverage,
      oov: s.oov,
      evidence: (intent) => s.evidence[classOf.get(intent) ?? -1] ?? 0,
      personal: s.personal,
      inScope: s.inScope,
    };
    return { ranked, coverage: s.coverage, oov: s.oov, signals, lang: s.lang };
  };

  return {
    intents,
    config,
    score,
    scorePlain,
    rank,
    stats: {
      examples: options.examples.length,
      features: index.size,
      vocabulary: vocab.stems.size,
      trainMs,
    },
    classify(text: string, langHint?: Lang): NluResult {
      const { ranked, signals, lang } = rank(text, langHint);
      const decision = decide(ranked, signals, config.decision);
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

/**
 * Language detection for et/en/ru on short, mixed chat messages.
 *
 * 1. Script first: Cyrillic words mean Russian, even with Estonian service names mixed in
 *    ("мне нужна matusetoetus"), unless Latin words clearly dominate.
 * 2. Between Estonian and English: a character 1–3-gram naive Bayes trained on the training
 *    sentences of each language (on the folded form, so missing diacritics do not matter),
 *    plus stop-word votes and the Estonian letters õ/ä/ö/ü when present.
 * 3. When the evidence is weak (one short word such as "ok"), the session language hint wins.
 */
import type { Lang } from '../protocol/frames.js';
import { TwoGenerationCache } from '../two-generation-cache.js';
import { fold, isCyrillic, normalize, tokenize } from './normalize.js';

export interface LanguageGuess {
  lang: Lang;
  /** 0.5 = a coin toss, 1 = certain. */
  confidence: number;
}

export interface LanguageDetector {
  detect(text: string, hint?: Lang): LanguageGuess;
  /** `detect` of a text whose `tokenize(normalize(text))` the caller already has. */
  detectTokens(tokens: readonly string[], hint?: Lang): LanguageGuess;
}

export interface LanguageSample {
  text: string;
  lang: Lang;
}

export interface LanguageDetectorOptions {
  /** Sentences per language to learn character statistics from (usually the training data). */
  samples: readonly LanguageSample[];
  /** Below this score margin the hint decides. */
  tieMargin?: number;
  /**
   * Work each gram's log ratio out on every call instead of once at construction: the plain
   * definition the remembered ratios are tested against (same results, slower).
   */
  plain?: boolean;
}

const ET_WORDS = new Set(
  (
    'ja kas ma mul mu minu mis kuidas ei see et ning tere aitah palun saab vaja tahan kus kes ' +
    'ka oma meil mida siis kui veel nuud olen oli pean mulle teha kuhu millal mitu voi ole ' +
    'seda tema ta neil nad sain saan meie sinu sa teie tais jah ei tea head paeva nagemist ' +
    'kaa vaid peab tuleb olnud mind'
  ).split(' '),
);
const EN_WORDS = new Set(
  (
    'the a an is are i my we what how do does to of for in and can need want hi hello thanks ' +
    'please where when you about with get have has our your it this that be will should would ' +
    'there who which from just not no yes bye thank our his her they them am was were could ' +
    'did help'
  ).split(' '),
);
const ESTONIAN_LETTERS = /[õäöü]/u;

/** What detection needs of one token of `normalize`d text, worked out once per token. */
interface TokenFacts {
  cyrillic: boolean;
  /** Has a letter (any script). */
  letters: boolean;
  estonianLetters: boolean;
  /** The folded word's grams' log ratios, in the order `grams` lists them. */
  ratios: Float64Array;
  etWord: boolean;
  enWord: boolean;
}

/**
 * How many tokens a detector remembers (a `TwoGenerationCache`: at most twice this many).
 * Detection was a quarter of classification: the message normalised again, every gram a string
 * looked up in a Map.
 */
const TOKEN_MEMO_SIZE = 4096;

function grams(folded: string): string[] {
  const out: string[] = [];
  for (const word of folded.split(' ')) {
    if (!word) continue;
    const w = `_${word}_`;
    for (let n = 1; n <= 3; n++) {
      for (let i = 0; i + n <= w.length; i++) out.push(w.slice(i, i + n));
    }
  }
  return out;
}

interface Profile {
  counts: Map<string, number>;
  total: number;
}

function buildProfile(texts: readonly string[]): Profile {
  const counts = new Map<string, number>();
  let total = 0;
  for (const t of texts) {
    for (const g of grams(fold(normalize(t)))) {
      counts.set(g, (counts.get(g) ?? 0) + 1);
      total++;
    }
  }
  return { counts, total };
}

export function createLanguageDetector(options: LanguageDetectorOptions): LanguageDetector {
  const tieMargin = options.tieMargin ?? 0.35;
  const et = buildProfile(options.samples.filter((s) => s.lang === 'et').map((s) => s.text));
  const en = buildProfile(options.samples.filter((s) => s.lang === 'en').map((s) => s.text));
  const vocab = new Set([...et.counts.keys(), ...en.counts.keys()]).size + 1;
  const logp = (p: Profile, g: string): number =>
    Math.log(((p.counts.get(g) ?? 0) + 0.5) / (p.total + 0.5 * vocab));
  // log P(g | et) - log P(g | en) worked out once per known gram (the same expression, so the
  // same value), and once for every gram neither language has.
  const etOverEn = new Map<string, number>();
  for (const g of [...et.counts.keys(), ...en.counts.keys()]) {
    etOverEn.set(g, logp(et, g) - logp(en, g));
  }
  const unseen = logp(et, '') - logp(en, '');

  const factsOf = (token: string): TokenFacts => {
    const folded = fold(token);
    const gs = grams(folded);
    const ratios = new Float64Array(gs.length);
    for (let i = 0; i < gs.length; i++) ratios[i] = etOverEn.get(gs[i]!) ?? unseen;
    return {
      cyrillic: isCyrillic(token),
      letters: /\p{L}/u.test(token),
      estonianLetters: ESTONIAN_LETTERS.test(token),
      ratios,
      etWord: ET_WORDS.has(folded),
      enWord: EN_WORDS.has(folded),
    };
  };
  const memo = new TwoGenerationCache<TokenFacts>(TOKEN_MEMO_SIZE, factsOf);

  /** The definition: the whole text folded, its grams looked up one by one. */
  const detectPlain = (text: string, hint?: Lang): LanguageGuess => {
    const normalized = normalize(text);
    const tokens = tokenize(normalized);
    let cyr = 0;
    let latin = 0;
    for (const t of tokens) {
      if (isCyrillic(t)) cyr++;
      else if (/\p{L}/u.test(t)) latin++;
    }
    if (cyr > 0 && cyr * 2 >= latin) {
      return { lang: 'ru', confidence: cyr >= latin ? 0.99 : 0.8 };
    }
    if (latin === 0) return { lang: hint ?? 'et', confidence: 0.5 };
    // "ok", "jah", "no": too short to outweigh the language the person has been using.
    if (hint !== undefined && cyr === 0 && tokens.length === 1 && normalized.length <= 3) {
      return { lang: hint, confidence: 0.5 };
    }

    const folded = fold(normalized);
    const gs = grams(folded);
    let diff = 0;
    for (const g of gs) diff += logp(et, g) - logp(en, g);
    // Per-gram average keeps long and short messages on one scale.
    let score = gs.length > 0 ? (diff / gs.length) * 3 : 0;
    for (const w of folded.split(' ')) {
      if (ET_WORDS.has(w)) score += 1;
      if (EN_WORDS.has(w)) score -= 1;
    }
    if (ESTONIAN_LETTERS.test(normalized)) score += 2;
    return decide(score, hint);
  };

  const decide = (score: number, hint: Lang | undefined): LanguageGuess => {
    if (Math.abs(score) < tieMargin && hint !== undefined) {
      return { lang: hint, confidence: 0.5 };
    }
    const confidence = 1 / (1 + Math.exp(-Math.abs(score) * 2));
    return { lang: score >= 0 ? 'et' : 'en', confidence };
  };

  /**
   * The same per token: `fold` works letter by letter within a word and the grams of the folded
   * text are those of its words in order, so the sums are made of the same terms in the same
   * order (the same result, bit for bit; test/nlu/fast-features.test.ts).
   */
  const detectTokens = (tokens: readonly string[], hint?: Lang): LanguageGuess => {
    const facts = tokens.map((t) => memo.get(t));
    let cyr = 0;
    let latin = 0;
    for (const f of facts) {
      if (f.cyrillic) cyr++;
      else if (f.letters) latin++;
    }
    if (cyr > 0 && cyr * 2 >= latin) {
      return { lang: 'ru', confidence: cyr >= latin ? 0.99 : 0.8 };
    }
    if (latin === 0) return { lang: hint ?? 'et', confidence: 0.5 };
    if (hint !== undefined && cyr === 0 && tokens.length === 1 && tokens[0]!.length <= 3) {
      return { lang: hint, confidence: 0.5 };
    }
    let diff = 0;
    let count = 0;
    for (const f of facts) {
      const r = f.ratios;
      for (let i = 0; i < r.length; i++) diff += r[i]!;
      count += r.length;
    }
    let score = count > 0 ? (diff / count) * 3 : 0;
    let estonianLetters = false;
    for (const f of facts) {
      if (f.etWord) score += 1;
      if (f.enWord) score -= 1;
      if (f.estonianLetters) estonianLetters = true;
    }
    if (estonianLetters) score += 2;
    return decide(score, hint);
  };

  return {
    detect: (text, hint) =>
      options.plain === true
        ? detectPlain(text, hint)
        : detectTokens(tokenize(normalize(text)), hint),
    detectTokens: (tokens, hint) =>
      options.plain === true ? detectPlain(tokens.join(' '), hint) : detectTokens(tokens, hint),
  };
}

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
import { fold, isCyrillic, normalize, tokenize } from './normalize.js';

export interface LanguageGuess {
  lang: Lang;
  /** 0.5 = a coin toss, 1 = certain. */
  confidence: number;
}

export interface LanguageDetector {
  detect(text: string, hint?: Lang): LanguageGuess;
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

  return {
    detect(text, hint) {
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
      if (options.plain === true) for (const g of gs) diff += logp(et, g) - logp(en, g);
      else for (const g of gs) diff += etOverEn.get(g) ?? unseen;
      // Per-gram average keeps long and short messages on one scale.
      let score = gs.length > 0 ? (diff / gs.length) * 3 : 0;
      for (const w of folded.split(' ')) {
        if (ET_WORDS.has(w)) score += 1;
        if (EN_WORDS.has(w)) score -= 1;
      }
      if (ESTONIAN_LETTERS.test(normalized)) score += 2;

      if (Math.abs(score) < tieMargin && hint !== undefined) {
        return { lang: hint, confidence: 0.5 };
      }
      const confidence = 1 / (1 + Math.exp(-Math.abs(score) * 2));
      return { lang: score >= 0 ? 'et' : 'en', confidence };
    },
  };
}

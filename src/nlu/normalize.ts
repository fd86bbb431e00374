/**
 * Text normalisation. Three forms:
 * - `normalize`: what a person meant to type, comparable across input methods (NFC, case
 *   folded, ё→е, punctuation to spaces, runs of 3+ equal letters cut to 2).
 * - `deaccent`: the classifier's main matching form, so that text written with and without
 *   õ/ä/ö/ü/š/ž matches (diacritics dropped, "6" typed for õ on phones read as o). Vowel and
 *   consonant length is kept: in Estonian it carries meaning (suur "big" / surm "death",
 *   linn "town" / lina "linen", kool "school" / kolima "to move").
 * - `fold`: deaccent plus every run of a repeated letter collapsed to one. Only a weak,
 *   typo-tolerant fallback ("matusettoetus", "abiellumine"/"abielumine"), never the main
 *   evidence, because it merges unrelated words.
 */

const DIACRITICS: Readonly<Record<string, string>> = {
  õ: 'o',
  ä: 'a',
  ö: 'o',
  ü: 'u',
  š: 's',
  ž: 'z',
  é: 'e',
  è: 'e',
  á: 'a',
  à: 'a',
  å: 'a',
  ó: 'o',
  ø: 'o',
  í: 'i',
  ú: 'u',
  ç: 'c',
  ñ: 'n',
  й: 'и',
  ъ: 'ь',
};

export function normalize(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[’'`´]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .replace(/(\p{L})\1{2,}/gu, '$1$1')
    .trim();
}

/** Normalised text (output of `normalize`) without diacritics; letter length kept. */
export function deaccent(normalized: string): string {
  let out = '';
  for (const ch of normalized) out += DIACRITICS[ch] ?? ch;
  // Estonian phone typing: "t6end" for "tõend"; only between letters so numbers survive.
  return out.replace(/(?<=\p{L})6(?=\p{L})/gu, 'o');
}

/** deaccent, then every repeated letter collapsed: the weak, typo-tolerant form. */
export function fold(normalized: string): string {
  return deaccent(normalized).replace(/(\p{L})\1+/gu, '$1');
}

/** normalize + fold, for callers that only need the typo-tolerant form. */
export function toMatchForm(text: string): string {
  return fold(normalize(text));
}

export function tokenize(normalized: string): string[] {
  return normalized.split(' ').filter((t) => t.length > 0);
}

const CYRILLIC = /\p{Script=Cyrillic}/u;
export function isCyrillic(token: string): boolean {
  return CYRILLIC.test(token);
}

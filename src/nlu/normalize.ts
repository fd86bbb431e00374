/**
 * Text normalisation. Two forms:
 * - `normalize`: what a person meant to type, comparable across input methods (NFC, case
 *   folded, ё→е, punctuation to spaces, runs of 3+ equal letters cut to 2).
 * - `fold`: the matching form the classifier's features use, so that text written with and
 *   without õ/ä/ö/ü/š/ž matches: diacritics dropped, "6" used for õ on phones read as o, and
 *   every run of a repeated letter collapsed to one (Estonian long vowels and doubled consonants
 *   are the commonest typos: "matusettoetus", "abiellumine"/"abielumine").
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

/** Folds normalised text (output of `normalize`) to the diacritic-free matching form. */
export function fold(normalized: string): string {
  let out = '';
  for (const ch of normalized) out += DIACRITICS[ch] ?? ch;
  return (
    out
      // Estonian phone typing: "t6end" for "tõend"; only between letters so numbers survive.
      .replace(/(?<=\p{L})6(?=\p{L})/gu, 'o')
      .replace(/(\p{L})\1+/gu, '$1')
  );
}

/** normalize + fold, for callers that only need the matching form. */
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

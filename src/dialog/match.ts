/**
 * Understanding free text as one of the quick replies on offer: the labels in all three
 * languages, the option id, and a few words per option (synonyms.<id> in the locales, separated
 * by |), compared after folding case, diacritics and punctuation.
 */
import { LANGS } from '../protocol/frames.js';
import type { Texts } from './i18n.js';
import { tokens } from './extract/lexicon.js';

/**
 * A character other than printable ASCII, tab or line break. Text without one has nothing for
 * NFD to decompose and no combining marks to drop (other text takes the whole fold).
 */
const NOT_PLAIN = /[^\t\n\r -~]/;

export function normalise(text: string): string {
  const bare = !NOT_PLAIN.test(text) ? text : text.normalize('NFD').replace(/\p{M}/gu, '');
  return bare
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export interface OfferedOption {
  id: string;
  /** The label key in the dialog namespace. */
  label: string;
}

/**
 * The last text `matchOption` folded: a turn asks about the same message up to three times
 * (yes/no, restart/person, the question's options). The folded words are `tokens`' (the
 * lexicons have folded the message already this turn): joined, they are `normalise(text)`.
 */
let lastText: string | undefined;
let lastSaid = '';

/** The id of the option the text means, or undefined. */
export function matchOption(
  text: string,
  options: readonly OfferedOption[],
  texts: Texts,
): string | undefined {
  if (text !== lastText) {
    lastSaid = tokens(text).join(' ');
    lastText = text;
  }
  const said = lastSaid;
  if (said === '') return undefined;
  const words = options.map((option) => ({ id: option.id, words: wordsFor(option, texts) }));
  // Whole answers first, so "ei tea" (not sure) wins over "ei" (no) opening a longer answer.
  const exact = words.find((o) => o.words.includes(said));
  if (exact) return exact.id;
  if (said.length > 40) return undefined;
  // Then the longest word or phrase the answer opens with: "ei tea veel" and "не знаю точно"
  // mean not sure, though "ei" and "не" alone mean no; "jah, sügisel" means yes.
  let best: { id: string; length: number } | undefined;
  for (const o of words) {
    for (const w of o.words) {
      if (said.startsWith(`${w} `) && w.length > (best?.length ?? 0)) {
        best = { id: o.id, length: w.length };
      }
    }
  }
  // "ei tea" / «не знаю» where the question offers no "not sure": it is not "ei" / «не» (no).
  if (best && !options.some((o) => o.id === NOT_SURE.id)) {
    const unsure = wordsFor(NOT_SURE, texts);
    if (
      unsure.includes(said) ||
      unsure.some((w) => w.length > best.length && said.startsWith(`${w} `))
    )
      return undefined;
  }
  return best?.id;
}

/** The "not sure" answer, known even where a question does not offer it. */
const NOT_SURE: OfferedOption = { id: 'not-sure', label: 'option.not-sure' };

/** Words per option, compiled once per texts instance (options come from the dialog data). */
const compiled = new WeakMap<Texts, Map<string, string[]>>();

function wordsFor(option: OfferedOption, texts: Texts): string[] {
  let cache = compiled.get(texts);
  if (!cache) compiled.set(texts, (cache = new Map<string, string[]>()));
  const key = `${option.id}\u0000${option.label}`;
  let words = cache.get(key);
  if (!words) cache.set(key, (words = compileWords(option, texts)));
  return words;
}

function compileWords(option: OfferedOption, texts: Texts): string[] {
  const words = [normalise(option.id)];
  for (const lang of LANGS) {
    const t = texts.dialog(lang);
    words.push(normalise(t(option.label)));
    const synonyms = t(`synonyms.${option.id}`, { defaultValue: '' });
    words.push(...synonyms.split('|').map(normalise));
  }
  return words.filter(Boolean);
}

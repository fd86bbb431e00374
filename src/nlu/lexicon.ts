/**
 * The domain lexicon (intents/lexicon.yaml): per intent and language, the names of its services
 * and institutions and the common words for them ("hauaplats", "кремация", "sissekirjutus").
 * A message word matching an intent's term adds one feature per intent, `g:<intent>`, whose
 * weight the model learns from all training sentences that contain any of that intent's terms;
 * so a keyword no training sentence has still carries what its intent's other terms taught.
 * Out-of-scope categories work the same way (`out-of-scope/devices`: "the printer died" is
 * about a device, whichever device it names).
 *
 * Matching is on the classifier's main word form (`deaccent`, letter length kept). A term word
 * matches a message word that begins with it; a one-word Latin-script term of 6+ letters also
 * matches as the head of a compound: after the word's third letter, followed by at most an
 * inflection of 4 letters (Estonian: "pension" in "vanaduspensionile"); a term
 * word of 1–3 letters, or one written with a trailing "$", must match the whole word.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { LANGS, type Lang } from '../protocol/frames.js';
import { matcher } from './features.js';
import { deaccent, normalize, tokenize } from './normalize.js';
import { TrainingDataError, type DataProblem } from './training-data.js';
import { CONVERSATION_INTENTS, isLifeEvent, LIFE_EVENTS, OUT_OF_SCOPE } from './types.js';

const TermList = z.array(z.string().trim().min(1, 'a term must not be empty'));
const LexiconIntents = [...LIFE_EVENTS, ...CONVERSATION_INTENTS] as const;

/** A key is an intent, or an out-of-scope category ("out-of-scope/statistics"). */
const LexiconKey = z
  .string()
  .refine(
    (k) => (LexiconIntents as readonly string[]).includes(k) || /^out-of-scope\/[a-z-]+$/.test(k),
    { message: 'expected a life event, a conversational intent or out-of-scope/<category>' },
  );

export const LexiconFileSchema = z.record(LexiconKey, z.partialRecord(z.enum(LANGS), TermList));

interface TermWord {
  text: string;
  whole: boolean;
}
interface Term {
  key: string;
  words: TermWord[];
  /** One-word terms of 6+ letters also match inside a compound word. */
  infix: boolean;
}

export interface LexiconMatch {
  /** Keys (intents or out-of-scope categories) with at least one matching term, each once. */
  keys: string[];
  /** Indices of the message words covered by a matching term. */
  words: Set<number>;
}

export interface LexiconTerm {
  key: string;
  lang: Lang;
  text: string;
}

export interface Lexicon {
  readonly size: number;
  /** Every term as written, with its key and language. */
  readonly terms: readonly LexiconTerm[];
  match(forms: readonly string[]): LexiconMatch;
}

const INFIX_MIN = 6;
const INFIX_FROM = 3;
/** An Estonian compound ends in its head: after the term only an inflection (-ile, -iga). */
const INFIX_TAIL = 4;
const LATIN = /^[a-z]+$/;
const CACHE_MAX = 10_000;

/** A term's words on the main form; "$" at the end of a word asks for the whole word. */
function termWords(raw: string): TermWord[] {
  return raw
    .split(/\s+/)
    .flatMap((token) => {
      const whole = token.endsWith('$');
      const parts = tokenize(deaccent(normalize(whole ? token.slice(0, -1) : token)));
      return parts.map((text, i) => ({
        text,
        whole: (whole && i === parts.length - 1) || text.length <= 3,
      }));
    })
    .filter((w) => w.text.length > 0);
}

const wordMatches = (w: TermWord, form: string): boolean =>
  w.whole ? form === w.text : form.startsWith(w.text);

/** Builds the matcher. `terms` maps intent → language → terms (already validated). */
export function createLexicon(terms: z.infer<typeof LexiconFileSchema>): Lexicon {
  const compiled: Term[] = [];
  const written: LexiconTerm[] = [];
  for (const [key, byLang] of Object.entries(terms)) {
    for (const [lang, list] of Object.entries(byLang) as [Lang, string[]][]) {
      for (const raw of list) {
        written.push({ key, lang, text: raw.replace(/\$(?=\s|$)/g, '') });
        const words = termWords(raw);
        if (words.length === 0) continue;
        const first = words[0];
        compiled.push({
          key,
          words,
          infix:
            words.length === 1 &&
            first !== undefined &&
            !first.whole &&
            first.text.length >= INFIX_MIN &&
            LATIN.test(first.text),
        });
      }
    }
  }
  // One-word and multi-word terms by the first letter of their first word; infix terms are
  // tried on every word.
  const byInitial = new Map<string, Term[]>();
  const phrasesByInitial = new Map<string, Term[]>();
  const infix: Term[] = [];
  for (const t of compiled) {
    const key = t.words[0]?.text.charAt(0) ?? '';
    const index = t.words.length === 1 ? byInitial : phrasesByInitial;
    index.set(key, [...(index.get(key) ?? []), t]);
    if (t.infix) infix.push(t);
  }
  // Per word form: the one-word terms it matches (prefix, whole or infix), cached.
  const single = new Map<string, string[]>();
  const singleMatches = (form: string): string[] => {
    const cached = single.get(form);
    if (cached) return cached;
    const found = new Set<string>();
    for (const t of byInitial.get(form.charAt(0)) ?? []) {
      const w = t.words[0];
      if (w && wordMatches(w, form)) found.add(t.key);
    }
    for (const t of infix) {
      const w = t.words[0];
      if (!w || found.has(t.key)) continue;
      const at = form.indexOf(w.text, INFIX_FROM);
      if (at >= INFIX_FROM && form.length - at - w.text.length <= INFIX_TAIL) found.add(t.key);
    }
    if (single.size >= CACHE_MAX) single.clear();
    const list = [...found];
    single.set(form, list);
    return list;
  };

  // Per word form: the multi-word terms whose first word it matches (in the index's order),
  // cached as `single` is: only their other words are compared at a word of the message.
  const starting = new Map<string, Term[]>();
  const NO_TERMS: Term[] = [];
  const phrasesFrom = (form: string): Term[] => {
    const cached = starting.get(form);
    if (cached) return cached;
    const list = (phrasesByInitial.get(form.charAt(0)) ?? []).filter((t) =>
      wordMatches(t.words[0]!, form),
    );
    if (starting.size >= CACHE_MAX) starting.clear();
    const found = list.length > 0 ? list : NO_TERMS;
    starting.set(form, found);
    return found;
  };

  return {
    size: compiled.length,
    terms: written,
    match(forms) {
      const keys = new Set<string>();
      const words = new Set<number>();
      for (let i = 0; i < forms.length; i++) {
        const one = singleMatches(forms[i]!);
        if (one.length > 0) {
          for (const key of one) keys.add(key);
          words.add(i);
        }
        for (const t of phrasesFrom(forms[i]!)) {
          const n = t.words.length;
          if (i + n > forms.length) continue;
          let j = 1;
          while (j < n && wordMatches(t.words[j]!, forms[i + j]!)) j++;
          if (j === n) {
            keys.add(t.key);
            for (let k = 0; k < n; k++) words.add(i + k);
          }
        }
      }
      return { keys: [...keys], words };
    },
  };
}

/**
 * The classifier's features for a message's matched lexicon keys: `g:<key>` for each, then
 * `g:thanks+praise` when the message thanks and praises together ("thanks buddy you rock",
 * "aitäh, sa oled tubli"): such a message is thanks, which a linear model cannot learn from the
 * two keys apart (each also comes alone, as thanks or as a compliment).
 */
/** The feature of an out-of-scope category's cue and a life event's term in one message. */
export const CUE_AND_EVENT = 'g:cue+event';
/** The feature of a foreign country and a life event's term, with no word for the writer. */
export const ABROAD_RULES = 'g:abroad-rules';
const ABROAD = `${OUT_OF_SCOPE}/abroad`;
const isCue = (key: string): boolean => key.startsWith(`${OUT_OF_SCOPE}/`) && key !== ABROAD;
/**
 * Words by which a message speaks of the writer or their own family (main form; `*`: a prefix).
 * A closed class: pronouns of the first person and the close relatives, not "child" or "women",
 * which the questions about another country's rules use too ("child benefit in sweden").
 */
const PERSONAL = [
  ...['i', 'im', 'ive', 'me', 'my', 'mine', 'we', 'us', 'our', 'ours', 'myself'],
  ...['mum', 'mom', 'mother', 'dad', 'father', 'son', 'daughter', 'wife', 'husband', 'brother'],
  ...['sister', 'grand*', 'uncle', 'aunt', 'partner', 'boyfriend', 'girlfriend', 'fiance*'],
  ...['ma', 'mina', 'mu', 'minu', 'mul', 'mulle', 'minul', 'mind', 'me', 'meie', 'meil', 'meile'],
  ...[
    'meid',
    'olen',
    'oleme',
    'olin',
    'elan',
    'elame',
    'isa',
    'isal*',
    'isale',
    'ema',
    'emal*',
    'issi',
    'emme',
  ],
  ...['poeg', 'poja*', 'tutar', 'tutre*', 'vend', 'venna*', 'ode', 'oe', 'vanaema*', 'vanaisa*'],
  ...['onu*', 'tadi*', 'abikaasa*', 'elukaasla*', 'peigm*', 'pruut*'],
  ...['я', 'мне', 'меня', 'мнои', 'мои', 'моя', 'мое', 'моего', 'моеи', 'моих', 'мы', 'нас'],
  ...['нам', 'наш*', 'мам*', 'пап*', 'отец', 'отца', 'мать', 'матери', 'сын*', 'доч*', 'жена'],
  ...['жены', 'жену', 'муж', 'мужа', 'брат*', 'сестр*', 'бабушк*', 'дедушк*', 'дед', 'деда'],
  ...['тет*', 'дяд*', 'супруг*'],
];
export const isPersonal = matcher(PERSONAL);
/**
 * The classifier's features for a message's matched lexicon keys: `g:<key>` for each, then
 * `g:thanks+praise` when the message thanks and praises together ("thanks buddy you rock",
 * "aitäh, sa oled tubli"): such a message is thanks, which a linear model cannot learn from the
 * two keys apart (each also comes alone, as thanks or as a compliment). `forms` (the message's
 * main word forms) tell whether the message speaks of the writer (`g:abroad-rules`).
 */
export function lexiconFeatures(keys: readonly string[], forms: readonly string[] = []): string[] {
  const out = keys.map((key) => `g:${key}`);
  if (keys.includes('thanks') && keys.includes('smalltalk-compliment')) out.push('g:thanks+praise');
  // An out-of-scope category's cue ("how many", "buy", "the dog") beside a life event's own
  // term ("how many pensioners live in tartu", "the dog died"): the question is about something
  // else although it names the topic. One feature for every category and event, so what the
  // near misses of one event teach carries to the others (a linear model cannot learn the "and"
  // from the two alone). Not for `abroad`: "our son was born in finland" and "my father died in
  // germany" are the person's own event abroad, in scope (with it, those two fell to
  // out-of-scope).
  const event = keys.some(isLifeEvent);
  if (event && keys.some(isCue)) out.push(CUE_AND_EVENT);
  // A foreign country beside a life event's term, and no word for the writer or their family:
  // another country's own rules ("maternity leave in norway", "divorce law in germany"), not a
  // person's own event abroad, which names them ("my father died in germany").
  if (event && keys.includes(ABROAD) && !forms.some(isPersonal)) out.push(ABROAD_RULES);
  return out;
}

/** Pure: parses the lexicon file's text, listing every problem. */
export function parseLexicon(
  file: string,
  text: string,
): { lexicon?: Lexicon; problems: DataProblem[] } {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    return {
      problems: [{ file, path: '(root)', message: `not valid YAML: ${(err as Error).message}` }],
    };
  }
  const parsed = LexiconFileSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((issue) => ({
        file,
        path: issue.path.length > 0 ? issue.path.join('.') : '(root)',
        message: issue.message,
      })),
    };
  }
  return { lexicon: createLexicon(parsed.data), problems: [] };
}

/** Reads and validates a lexicon file; throws TrainingDataError listing every problem. */
export function loadLexicon(file: string): Lexicon {
  const { lexicon, problems } = parseLexicon(file, readFileSync(file, 'utf8'));
  if (!lexicon || problems.length > 0) throw new TrainingDataError(problems);
  return lexicon;
}

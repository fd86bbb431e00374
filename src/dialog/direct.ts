/**
 * Direct answers: a question for a fact of a service (“how much is the funeral grant?”) gets
 * the fact from the catalog (contract 1) with its date and official source, in a few words,
 * before any dialog. Pure.
 */
import type { Lang } from '../protocol/frames.js';
import type { CatalogFact, CatalogService, Dialog, NodeOf } from './schema.js';
import { COUNTED_UNITS, EFFECTIVE_UNKNOWN, conditionHolds, successors } from './schema.js';
import type { Translate } from './i18n.js';
import type { AskKind } from './understand.js';
import { factSource, isHttpsUrl } from './links.js';
import { tokens } from './extract/lexicon.js';
import { dayMonthYear, decimal } from './formats.js';

/** Which fact kinds answer which question, best first. */
const FACT_KINDS: Record<AskKind, readonly CatalogFact['kind'][]> = {
  amount: ['amount', 'fee'],
  fee: ['fee', 'amount'],
  deadline: ['deadline', 'duration'],
  duration: ['duration', 'deadline'],
  age: ['age'],
  // “Who pays child support?”: a rule that says who (`divorce-maintenance.who-pays`), else the
  // provider card.
  provider: ['other'],
  where: [],
  // A yes/no or what-if question („kas notar saab lahutada“, «а если завещания нет», „mis siis
  // kui me ei jõua tähtaja jooksul“): the fact that says most of the question, a rule (kind
  // `other`) before a figure on a tie, and only one that says much of it.
  rule: ['other', 'deadline', 'duration', 'amount', 'fee', 'age'],
};

/**
 * A rule (a sentence without a figure) answers a yes/no question only when it says this much of
 * it (a long word or two of the question), never by its kind alone.
 */
export const RULE_MIN_OVERLAP = 8;

/** The preferred kind of fact (amount for “how much”) wins a tie of words, never a word. */
const KIND_BONUS = 3;

/**
 * The fact that answers a question of that kind: among the facts of a kind that answers it, the
 * one whose sentence shares most words with the question (“child benefit” picks the child
 * benefit, not the birth grant; “on aega taotleda” the deadline to apply, though “mitu päeva”
 * sounds like a duration); the best kind breaks a tie. A municipality's own facts come before
 * the service's.
 */
/** The person's answers in the dialog (`eu` → `yes`), undefined while not known. */
export type Answers = (name: string) => string | undefined;
const NO_ANSWERS: Answers = () => undefined;
/** A fact for the person's answers (`when`) ranks above the service's general ones. */
const WHEN_BONUS = 1000;

/** Whether a direct answer may use the fact: not a draft, and for these answers if it says so. */
function usable(fact: CatalogFact, answers: Answers): boolean {
  return fact.status !== 'draft' && (!fact.when || conditionHolds(fact.when, answers));
}

/** A fact's sentence, or its words (`tokens` of it, kept by the caller so they are made once). */
export type FactWords = (fact: CatalogFact) => string | readonly string[];

export function wordsWith(sentence: FactWords): (fact: CatalogFact) => readonly string[] {
  return (fact) => {
    const said = sentence(fact);
    return typeof said === 'string' ? tokens(said) : said;
  };
}

export function factFor(
  service: CatalogService,
  kind: AskKind,
  question: readonly string[] = [],
  sentence: FactWords = () => '',
  local: readonly CatalogFact[] = [],
  answers: Answers = NO_ANSWERS,
): CatalogFact | undefined {
  return scoredFact(service, kind, question, sentence, local, answers)?.fact;
}

export function scoredFact(
  service: CatalogService,
  kind: AskKind,
  question: readonly string[] = [],
  sentence: FactWords = () => '',
  local: readonly CatalogFact[] = [],
  answers: Answers = NO_ANSWERS,
  /**
   * Whether a rule may stand in for the figure asked for (below): only for the service the
   * question names. A rule says what a figure of its own service depends on („kui suur on
   * pension“); of another service it only shares the topic's words, and took figure questions
   * from the service that has the figure or says there is none: „kui suur on elatisabi“ got who
   * pays child support, „mis summa makstakse lapse sünni puhul“ the paternity rule.
   */
  ruleForFigure = true,
): { fact: CatalogFact; score: number } | undefined {
  const words = wordsWith(sentence);
  const all = [...local, ...(service.facts ?? [])].filter((f) => usable(f, answers));
  const kinds = FACT_KINDS[kind];
  let best: { fact: CatalogFact; score: number } | undefined;
  let bestRank = -1;
  for (const fact of all) {
    if (!kinds.includes(fact.kind)) continue;
    // A who-question gets only a rule that says who (`who-…`), else the provider card.
    if (kind === 'provider' && !fact.id.startsWith('who-')) continue;
    const score = overlap(question, words(fact));
    if ((fact.kind === 'other' || kind === 'rule') && score < RULE_MIN_OVERLAP) continue;
    const rank = score + (fact.kind === kinds[0] ? KIND_BONUS : 0) + (fact.when ? WHEN_BONUS : 0);
    if (rank > bestRank) {
      best = { fact, score };
      bestRank = rank;
    }
  }
  if (best) return best;
  if (kind === 'provider' || kind === 'where') return undefined;
  // A rule that says much of the question answers it, whatever it asks: „kas perearst on
  // tasuta“ (free for the insured), „kui suur on pension“ (what it depends on; review 23b)…
  let rule: { fact: CatalogFact; score: number } | undefined;
  for (const fact of all) {
    if (fact.kind !== 'other' || (kind !== 'rule' && !ruleForFigure)) continue;
    const score = overlap(question, words(fact));
    if (score >= RULE_MIN_OVERLAP && (!rule || score > rule.score)) rule = { fact, score };
  }
  if (kind === 'rule') return rule;
  // The figure asked for is one no official page confirmed (catalog `unconfirmed`): no other
  // figure stands in for it; the answer gives the official page instead.
  if ((service.unconfirmed ?? []).some((u) => kinds[0] === u.kind)) return rule;
  // …unless a figure says more of it.
  const figure = figureFor(all, kind, question, words);
  return rule && (!figure || rule.score >= figure.score) ? rule : figure;
}

/**
 * A figure of another kind for a figure question. “How many years of service do I need?” asks
 * an amount the catalog keeps as a duration: any fact with a number, if the question shares
 * words with its sentence („kui palju pensionistaaži on vaja“ gets the 15 years, not working on
 * a pension).
 */
function figureFor(
  facts: readonly CatalogFact[],
  kind: AskKind,
  question: readonly string[],
  words: (fact: CatalogFact) => readonly string[],
): { fact: CatalogFact; score: number } | undefined {
  let figure: { fact: CatalogFact; score: number } | undefined;
  for (const fact of facts) {
    if (fact.value === undefined) continue;
    // A sum of money answers only a question about money: „mis vanusest on ID-kaart
    // kohustuslik“ must not get the ID card's fee, «как долго…» not the benefit's amount.
    if (isMoney(fact.kind) && !isMoney(kind)) continue;
    // And a price asked for is a sum of money: „kui palju maksab lapse pass“ must not get the
    // age from which the ID card is compulsory (review 20 F-4).
    if (kind === 'fee' && !isMoney(fact.kind)) continue;
    const score = overlap(question, words(fact));
    if (score > 0 && (!figure || score > figure.score)) figure = { fact, score };
  }
  return figure;
}

/** Whether the fact is of a kind that answers the question (not one standing in for it). */
export function answersKind(fact: CatalogFact, kind: AskKind): boolean {
  return FACT_KINDS[kind].includes(fact.kind);
}

function isMoney(kind: CatalogFact['kind'] | AskKind): boolean {
  return kind === 'amount' || kind === 'fee';
}

/** Words of at least this many letters count in `overlap`: one such word more is one word. */
const WORD_LETTERS = 4;

/**
 * The facts that answer the question together with `best`: the service's other facts of the
 * same kind and unit that say as much of the question, give or take one short word („kui kaua
 * kestab ajateenistus“: 8 and 11 months, not only the first; „raske puudega lapse toetus“ still
 * only the severe one). `best` comes first.
 */
export function factsWith(
  service: CatalogService,
  best: CatalogFact,
  question: readonly string[],
  sentence: FactWords,
  answers: Answers = NO_ANSWERS,
): CatalogFact[] {
  const words = wordsWith(sentence);
  const score = (f: CatalogFact) => overlap(question, words(f));
  const bar = score(best) - WORD_LETTERS;
  const others = (service.facts ?? []).filter(
    (f) =>
      f !== best &&
      f.id !== best.id &&
      usable(f, answers) &&
      // The fact for the person's answers stands alone, without the general one.
      !best.when &&
      f.kind === best.kind &&
      f.unit === best.unit &&
      f.value !== undefined &&
      score(f) >= bar,
  );
  return [best, ...others];
}

/**
 * How much of the question the sentence says: for each question word (4+ letters), the longest
 * common beginning with a sentence word, when at least 4 letters (“lapsetoetus” beats “lapse”).
 */
export function overlap(question: readonly string[], sentence: readonly string[]): number {
  const index = sentence.length >= INDEX_MIN_WORDS ? prefixIndex(sentence) : undefined;
  if (index !== undefined) return indexedOverlap(question, index);
  let score = 0;
  for (const q of question) {
    if (q.length < WORD_LETTERS) continue;
    let best = 0;
    for (const w of sentence) {
      const n = commonStart(q, w);
      if (n > best) best = n;
    }
    if (best >= WORD_LETTERS) score += best;
  }
  return score;
}

/** How many letters two words share at their start. */
function commonStart(a: string, b: string): number {
  let n = 0;
  const most = Math.min(a.length, b.length);
  while (n < most && a.charCodeAt(n) === b.charCodeAt(n)) n++;
  return n;
}

/**
 * A sentence's words by their first WORD_LETTERS letters: only a word that starts like a question
 * word can share WORD_LETTERS letters with it, so `overlap` looks up each question word's start
 * instead of comparing it with every word (the catalog's sentences run to 60 words in three
 * languages, and a direct answer compares a question with every fact of every service).
 */
export type PrefixIndex = ReadonlyMap<string, readonly string[]>;

/** Shorter sentences are compared word by word: indexing them would cost more than it saves. */
const INDEX_MIN_WORDS = 8;

/** Indexes of the frozen word lists (from `tokens`, which cannot change), made once each. */
const indexes = new WeakMap<readonly string[], PrefixIndex>();

/**
 * The sentence's words (of WORD_LETTERS letters or more, each once) by their start; made once
 * for a frozen list, undefined for one that may still change.
 */
export function prefixIndex(sentence: readonly string[]): PrefixIndex | undefined {
  if (!Object.isFrozen(sentence)) return undefined;
  let index = indexes.get(sentence);
  if (index === undefined) {
    const made = new Map<string, string[]>();
    for (const w of sentence) {
      if (w.length < WORD_LETTERS) continue;
      const start = w.slice(0, WORD_LETTERS);
      const words = made.get(start);
      if (words === undefined) made.set(start, [w]);
      else if (!words.includes(w)) words.push(w);
    }
    indexes.set(sentence, (index = made));
  }
  return index;
}

/** The starts of a frozen question's words (`undefined` for a short word), made once per list. */
const startsOfList = new WeakMap<readonly string[], readonly (string | undefined)[]>();

function startsOf(question: readonly string[]): readonly (string | undefined)[] {
  let starts = startsOfList.get(question);
  if (starts === undefined) {
    starts = question.map((q) => (q.length < WORD_LETTERS ? undefined : q.slice(0, WORD_LETTERS)));
    if (Object.isFrozen(question)) startsOfList.set(question, starts);
  }
  return starts;
}

/** `overlap` with the sentence's index: the same sum, from the words that start alike only. */
function indexedOverlap(question: readonly string[], index: PrefixIndex): number {
  const starts = startsOf(question);
  let score = 0;
  for (let i = 0; i < question.length; i++) {
    const start = starts[i];
    if (start === undefined) continue;
    const words = index.get(start);
    if (words === undefined) continue;
    const q = question[i]!;
    let best = 0;
    for (const w of words) {
      const n = commonStart(q, w);
      if (n > best) best = n;
    }
    score += best;
  }
  return score;
}

/** Estonian month names in the elative: “kehtib alates 1. jaanuarist 2025”. */
const ET_MONTHS_FROM = [
  'jaanuarist',
  'veebruarist',
  'märtsist',
  'aprillist',
  'maist',
  'juunist',
  'juulist',
  'augustist',
  'septembrist',
  'oktoobrist',
  'novembrist',
  'detsembrist',
];

/**
 * A date as it follows “valid from” / „kehtib alates“ / «действует с». A rule whose start no
 * source states has no such date: callers say “in force” with the checked date instead.
 */
export function formatDate(iso: string, lang: Lang): string {
  if (iso === EFFECTIVE_UNKNOWN) throw new Error('formatDate: no start date to show ("unknown")');
  const date = new Date(`${iso}T00:00:00Z`);
  if (lang === 'et') {
    return `${date.getUTCDate()}. ${ET_MONTHS_FROM[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
  }
  return dayMonthYear(lang).format(date);
}

/** A date standing on its own (“checked 1 December 2026”); after “valid from” see formatDate. */
export function formatCheckedDate(iso: string, lang: Lang): string {
  return dayMonthYear(lang).format(new Date(`${iso}T00:00:00Z`));
}

/**
 * The value with its unit in words (`<prefix>.<unit>`, plural by count: `units` in
 * conversation.json, `unit` in catalog.json). One of a counted unit is the bare unit word
 * (`<prefix>.bare.<unit>`): «за год», „aasta enne“, “a year before”, never «за 1 год».
 */
export function formatValue(
  fact: CatalogFact,
  lang: Lang,
  tv: Translate,
  prefix: 'units' | 'unit' = 'units',
): string {
  if (fact.value === undefined) return '';
  const n = decimal(lang).format(fact.value);
  if (!fact.unit) return n;
  if (fact.value === 1 && COUNTED_UNITS.includes(fact.unit))
    return tv(`${prefix}.bare.${fact.unit}`);
  return tv(`${prefix}.${fact.unit}`, { n, count: fact.value });
}

/**
 * What a fact's sentence may say of its value: `value`, the number with its unit („19 aastat“),
 * or `n`, the bare number, for a form the unit word cannot take („lapse {{n}}-aastaseks
 * saamiseni“).
 */
export function factParams(
  fact: CatalogFact,
  lang: Lang,
  tv: Translate,
  prefix: 'units' | 'unit' = 'units',
): { value: string; n: string } {
  const n = fact.value === undefined ? '' : decimal(lang).format(fact.value);
  return { value: formatValue(fact, lang, tv, prefix), n };
}

/** “valid from 1 January 2020”, „vastu võetud, kehtib alates …“ or “in force, checked …”. */
function factWhen(fact: CatalogFact, lang: Lang, tv: Translate): string {
  // No invented start date: a rule whose start no official source states is "in force, checked …".
  return fact.effective === EFFECTIVE_UNKNOWN
    ? tv('direct.inForce', { date: formatCheckedDate(fact.checked, lang) })
    : tv(fact.status === 'adopted' ? 'direct.adopted' : 'direct.since', {
        date: formatDate(fact.effective, lang),
      });
}

/** The fact's sentence with its date (unless `withDate` is false) and source link. */
export function factSentence(
  service: CatalogService,
  fact: CatalogFact,
  lang: Lang,
  tc: Translate,
  tv: Translate,
  withSource = true,
  withDate = true,
): string {
  const sentence = tc(`service.${service.id}.facts.${fact.id}`, factParams(fact, lang, tv));
  const when = withDate ? ` (${factWhen(fact, lang, tv)})` : '';
  const url = factSource(fact, lang);
  const source = withSource && isHttpsUrl(url) ? ` ${tv('direct.source', { url })}` : '';
  return `${sentence.replace(/\.$/, '')}${when}.${source}`;
}

/**
 * Facts said one after another, as paragraphs: a source shared with the next fact is given once, after the
 * last; so is a date shared with the next fact where no source link stands between them
 * („… 138,08 € kuus. … 161,09 € kuus (kehtib alates 1. jaanuarist 2020). Allikas: …“, review
 * 23b G-7). `withSource` false: no source link at all (the plan links the service's page).
 */
export function factSentences(
  service: CatalogService,
  facts: readonly CatalogFact[],
  lang: Lang,
  tc: Translate,
  tv: Translate,
  withSource = true,
): string[] {
  const paragraphs: string[] = [];
  let open: string[] = [];
  facts.forEach((f, i) => {
    const next = facts[i + 1];
    const sharedSource = next !== undefined && factSource(next, lang) === factSource(f, lang);
    const linked = withSource && !sharedSource;
    const sharedDate =
      next !== undefined && !linked && factWhen(next, lang, tv) === factWhen(f, lang, tv);
    open.push(factSentence(service, f, lang, tc, tv, linked, !sharedDate));
    // Facts that share a date stand in one paragraph, so the date is read as said of them all.
    if (!sharedDate) {
      paragraphs.push(open.join(' '));
      open = [];
    }
  });
  return paragraphs;
}

/**
 * Where a branch may go, given the known answers: a case whose condition is decided by them is
 * taken or skipped, one that waits for an unknown answer may go either way.
 */
function branchTargets(node: NodeOf<'branch'>, known: Record<string, string>): string[] {
  const targets: string[] = [];
  for (const c of node.cases) {
    const decided = Object.keys(c.when).every((name) => known[name] !== undefined);
    if (!decided) {
      targets.push(c.goto);
      continue;
    }
    if (conditionHolds(c.when, (name) => known[name])) return [...targets, c.goto];
  }
  return [...targets, node.otherwise];
}

/**
 * How many questions the dialog still asks at most, on its longest path from `from`, given the
 * answers already known (a question with a known answer is skipped, a branch they decide is
 * followed).
 */
export function questionsAhead(
  dialog: Dialog,
  from: string,
  known: Record<string, string>,
  fewest = false,
): number {
  const memo = new Map<string, number>();
  const visit = (id: string, path: Set<string>): number => {
    const cached = memo.get(id);
    if (cached !== undefined) return cached;
    const node = dialog.nodes[id];
    if (!node || path.has(id)) return 0;
    path.add(id);
    const next =
      node.kind === 'question' && known[node.var] !== undefined
        ? node.options.filter((o) => o.id === known[node.var]).map((o) => o.goto)
        : node.kind === 'branch'
          ? branchTargets(node, known)
          : successors(node);
    const counts = next.map((n) => visit(n, path));
    const rest = counts.length === 0 ? 0 : fewest ? Math.min(...counts) : Math.max(0, ...counts);
    path.delete(id);
    const own =
      (node.kind === 'question' || node.kind === 'input') && known[node.var] === undefined ? 1 : 0;
    memo.set(id, own + rest);
    return own + rest;
  };
  return visit(from, new Set());
}

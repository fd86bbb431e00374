/**
 * Dates and ages in free text, in Estonian, English and Russian: “eile”, “last week”,
 * “15. märtsil”, «в прошлом месяце», “2 nädalat tagasi”, “tähtaeg mais”, “15.03.2026”; “olen
 * 63”, «мне 64 года», “I'm 65”, “63-aastane”, “sündisin 1961”. Pure: today comes in as an
 * argument, the words come from the lexicons (extract.date-cue, extract.month-names,
 * extract.age-cue in locales/<lang>/conversation.json).
 *
 * A date is a span of days (a day, a month, a year, a week), because that is what people say:
 * “in May” is any day of May. Whether it lies in the past or the future is decided on the whole
 * span; a span that contains today is neither, unless the words say which (“sündis”, “due”).
 */
import type { Lexicon, LexiconMatch } from './lexicon.js';
import { numberValue } from './lexicon.js';

/** Days since 1970-01-01 (UTC). */
export type Day = number;

export interface DateSpan {
  from: Day;
  to: Day;
  /** How precisely it was said: a day, a month, a year, or a relative span (“last week”). */
  precision: 'day' | 'month' | 'year' | 'span';
}

export interface DateLexicons {
  /** extract.date-cue: yesterday, today, tomorrow, day-before-yesterday, ago, after, in, last, this, next, day, week, month, year, past, future, born. */
  cue?: Lexicon | undefined;
  /** extract.month-names: 1..12. */
  months?: Lexicon | undefined;
}

const DAY_MS = 86_400_000;

export function dayOf(epochMs: number): Day {
  return Math.floor(epochMs / DAY_MS);
}

export function isoOf(day: Day): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function dayFromIso(iso: string): Day | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return undefined;
  return ymd(Number(m[1]), Number(m[2]), Number(m[3]));
}

function ymd(year: number, month: number, day: number): Day | undefined {
  const ms = Date.UTC(year, month - 1, day);
  const d = new Date(ms);
  // 31.02 is no date.
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
  return ms / DAY_MS;
}

function parts(day: Day): { y: number; m: number; d: number } {
  const date = new Date(day * DAY_MS);
  return { y: date.getUTCFullYear(), m: date.getUTCMonth() + 1, d: date.getUTCDate() };
}

/** The same day `n` months later (or earlier), at the month's end when it has fewer days. */
export function addMonths(day: Day, n: number): Day {
  const { y, m, d } = parts(day);
  const first = Date.UTC(y, m - 1 + n, 1);
  const last = new Date(Date.UTC(y, m + n, 0)).getUTCDate();
  return first / DAY_MS + Math.min(d, last) - 1;
}

function monthSpan(year: number, month: number): DateSpan {
  const from = Date.UTC(year, month - 1, 1) / DAY_MS;
  return { from, to: addMonths(from, 1) - 1, precision: 'month' };
}

function yearSpan(year: number): DateSpan {
  return {
    from: Date.UTC(year, 0, 1) / DAY_MS,
    to: Date.UTC(year, 11, 31) / DAY_MS,
    precision: 'year',
  };
}

const UNITS = ['day', 'week', 'month', 'year'] as const;
type Unit = (typeof UNITS)[number];

function shift(day: Day, n: number, unit: Unit): Day {
  if (unit === 'day') return day + n;
  if (unit === 'week') return day + 7 * n;
  if (unit === 'month') return addMonths(day, n);
  return addMonths(day, 12 * n);
}

/** The calendar span of the unit containing `day` (“this week” from Monday, “this month”). */
function unitSpan(day: Day, unit: Unit): DateSpan {
  const { y, m } = parts(day);
  if (unit === 'day') return { from: day, to: day, precision: 'day' };
  if (unit === 'week') {
    const monday = day - ((new Date(day * DAY_MS).getUTCDay() + 6) % 7);
    return { from: monday, to: monday + 6, precision: 'span' };
  }
  if (unit === 'month') return monthSpan(y, m);
  return yearSpan(y);
}

/** What each token says alone in a lexicon (`Lexicon.perToken`), or nothing without one. */
type PerToken = readonly (readonly LexiconMatch[])[];
const NONE: PerToken = [];

function perToken(lex: Lexicon | undefined, toks: readonly string[]): PerToken {
  return lex ? lex.perToken(toks) : NONE;
}

/** The values the token at `i` has alone (none outside the message). */
function valuesAt(said: PerToken, i: number): Set<string> {
  return new Set((said[i] ?? []).map((m) => m.value));
}

function hasAt(said: PerToken, i: number, value: string): boolean {
  return (said[i] ?? []).some((m) => m.value === value);
}

/**
 * Whether an age cue stands before the number at `i`: right before it (“olen 63”) or with up
 * to two “both” words between (“oleme mõlemad 30”, «нам обоим по 30», “we are both 30”).
 */
export function ageCueBefore(ageCue: PerToken, i: number): boolean {
  for (let j = i - 1; j >= 0 && j >= i - 3; j--) {
    if (hasAt(ageCue, j, 'before')) return true;
    if (!hasAt(ageCue, j, 'both')) return false;
  }
  return false;
}

function unitAt(cue: PerToken, i: number): Unit | undefined {
  const values = valuesAt(cue, i);
  return UNITS.find((u) => values.has(u));
}

/** The month (1–12) the token at `i` names, if any (`Lexicon.pick` of that token alone). */
function monthAt(months: PerToken, i: number): number | undefined {
  const [best, second] = months[i] ?? [];
  if (!best || second?.weight === best.weight) return undefined;
  const n = Number(best.value);
  return Number.isInteger(n) && n >= 1 && n <= 12 ? n : undefined;
}

function isYear(tok: string | undefined): number | undefined {
  if (tok === undefined || !/^(19|20)\d\d$/.test(tok)) return undefined;
  return Number(tok);
}

/** Which way the words point: a past verb (“sündis”, “died”) or a future one (“due”, «ожидаем»). */
export function tenseOf(toks: readonly string[], lex: DateLexicons): 'past' | 'future' | undefined {
  const values = lex.cue?.all(toks).map((m) => m.value) ?? [];
  const past = values.includes('past');
  const future = values.includes('future');
  return past === future ? undefined : past ? 'past' : 'future';
}

/**
 * A day and month without a year: the occurrence on the side the words point to, else the one
 * nearest to today.
 */
function placeInYear(
  make: (year: number) => DateSpan | undefined,
  today: Day,
  tense: 'past' | 'future' | undefined,
): DateSpan | undefined {
  const { y } = parts(today);
  const candidates = [y - 1, y, y + 1].map(make).filter((s): s is DateSpan => s !== undefined);
  if (tense === 'past') return candidates.filter((s) => s.from <= today).at(-1);
  if (tense === 'future') return candidates.find((s) => s.to >= today);
  let best: DateSpan | undefined;
  let bestDistance = Infinity;
  for (const s of candidates) {
    const distance = s.to < today ? today - s.to : s.from > today ? s.from - today : 0;
    if (distance < bestDistance) {
      best = s;
      bestDistance = distance;
    }
  }
  return best;
}

/** Every date the text says, in the order said. `toks` are the folded tokens of `text`. */
export function findDates(
  text: string,
  toks: readonly string[],
  today: Day,
  lex: DateLexicons,
): DateSpan[] {
  const found: DateSpan[] = [];
  const tense = tenseOf(toks, lex);
  // Written dates: 2026-03-15, 15.03.2026, 15/03/26, 15.03. Their years are not said again.
  const writtenYears = new Set<string>();
  for (const m of text.matchAll(/\b(\d{4})-(\d{2})-(\d{2})\b/g)) {
    writtenYears.add(m[1]!);
    const d = ymd(Number(m[1]), Number(m[2]), Number(m[3]));
    if (d !== undefined) found.push({ from: d, to: d, precision: 'day' });
  }
  const written = /(?<![\d.])(\d{1,2})[./](\d{1,2})(?:[./](\d{4}|\d{2}))?(?![\d/]|\.\d)/g;
  for (const m of text.matchAll(written)) {
    const day = Number(m[1]);
    const month = Number(m[2]);
    // “1.5” without a year is as likely a decimal as a date: only with a dot after (15.03.).
    if (m[3] === undefined && !/[./]$/.test(text.slice(0, (m.index ?? 0) + m[0].length + 1)))
      continue;
    if (m[3] !== undefined) {
      writtenYears.add(m[3]);
      const y = m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
      const d = ymd(y, month, day);
      if (d !== undefined) found.push({ from: d, to: d, precision: 'day' });
    } else {
      const span = placeInYear(
        (y) => {
          const d = ymd(y, month, day);
          return d === undefined ? undefined : { from: d, to: d, precision: 'day' };
        },
        today,
        tense,
      );
      if (span) found.push(span);
    }
  }
  const used = new Set<number>();
  const cue = perToken(lex.cue, toks);
  const months = perToken(lex.months, toks);
  const relativeDay: Record<string, number> = {
    'day-before-yesterday': -2,
    yesterday: -1,
    today: 0,
    tomorrow: 1,
  };
  // Strongest first: “day before yesterday” over “yesterday”.
  const named = lex.cue
    ?.all(toks)
    .map((m) => m.value)
    .find((v) => v in relativeDay);
  if (named !== undefined) {
    const d = today + relativeDay[named]!;
    found.push({ from: d, to: d, precision: 'day' });
  }
  toks.forEach((tok, i) => {
    if (used.has(i)) return;
    const n = numberValue(tok);
    // “15 märtsil”, “15 марта”, “15 March 2026”; “March 15”.
    const monthAfter = monthAt(months, i + 1);
    if (n !== undefined && n >= 1 && n <= 31 && /^\d+$/.test(tok) && monthAfter !== undefined) {
      const year = isYear(toks[i + 2]);
      used.add(i).add(i + 1);
      if (year !== undefined) used.add(i + 2);
      const make = (y: number): DateSpan | undefined => {
        const d = ymd(y, monthAfter, n);
        return d === undefined ? undefined : { from: d, to: d, precision: 'day' };
      };
      const span = year !== undefined ? make(year) : placeInYear(make, today, tense);
      if (span) found.push(span);
      return;
    }
    const month = monthAt(months, i);
    if (month !== undefined) {
      const dayAfter = /^\d{1,2}$/.test(toks[i + 1] ?? '') ? Number(toks[i + 1]) : undefined;
      const year = isYear(toks[i + (dayAfter !== undefined ? 2 : 1)]);
      used.add(i);
      const make = (y: number): DateSpan | undefined => {
        if (dayAfter === undefined || dayAfter < 1 || dayAfter > 31) return monthSpan(y, month);
        const d = ymd(y, month, dayAfter);
        return d === undefined ? undefined : { from: d, to: d, precision: 'day' };
      };
      if (dayAfter !== undefined) used.add(i + 1);
      if (year !== undefined) used.add(i + (dayAfter !== undefined ? 2 : 1));
      const span = year !== undefined ? make(year) : placeInYear(make, today, tense);
      if (span) found.push(span);
      return;
    }
    // “2 nädalat tagasi”, “2 weeks ago”, «2 недели назад»; “3 kuu pärast”, “in 3 months”,
    // «через 3 месяца». A unit alone counts one (“nädal tagasi”, «месяц назад»).
    const unitHere = unitAt(cue, i);
    const count = n !== undefined && n < 100 ? n : unitHere !== undefined ? 1 : undefined;
    const unitIndex = n !== undefined ? i + 1 : i;
    const unit = n !== undefined ? unitAt(cue, unitIndex) : unitHere;
    if (count !== undefined && unit !== undefined) {
      const after = valuesAt(cue, unitIndex + 1);
      const before = valuesAt(cue, i - 1);
      const direction = after.has('ago')
        ? -1
        : after.has('after') || before.has('in')
          ? 1
          : undefined;
      if (direction !== undefined) {
        used.add(i).add(unitIndex);
        const d = shift(today, direction * count, unit);
        found.push({ from: d, to: d, precision: unit === 'day' ? 'day' : 'span' });
        return;
      }
      // “eelmisel nädalal”, “last month”, «в прошлом году»; “next year”.
      const which = [...before].find((v) => v === 'last' || v === 'this' || v === 'next');
      if (which !== undefined && n === undefined) {
        used.add(i);
        const step = which === 'last' ? -1 : which === 'next' ? 1 : 0;
        found.push(unitSpan(shift(today, step, unit), unit));
        return;
      }
    }
    const year = isYear(tok);
    if (year !== undefined && !writtenYears.has(tok)) found.push(yearSpan(year));
  });
  return found;
}

/** `past` when every date said is today or before, `future` when every one is after today. */
export function sideOf(
  spans: readonly DateSpan[],
  today: Day,
  tense: 'past' | 'future' | undefined,
): 'past' | 'future' | undefined {
  if (spans.length === 0) return undefined;
  const sides = new Set(
    spans.map((s) => (s.to <= today ? 'past' : s.from > today ? 'future' : tense)),
  );
  if (sides.size !== 1) return undefined;
  const [side] = sides;
  return side;
}

/** When a person was born, as a span: from an age (“olen 63”) or a birth year or date. */
export interface Birth {
  from: Day;
  to: Day;
  /** What was said: an age in years, or a birth date/year. */
  said: { age: number } | { born: DateSpan };
}

export interface AgeLexicons extends DateLexicons {
  /**
   * extract.age-cue: before (“olen”, «мне», “I'm”), after (“aastane”, «лет», “years”) and
   * both (“mõlemad”, «обоим», “both”: may stand between a before-cue and the number).
   */
  ageCue?: Lexicon | undefined;
}

/**
 * Every age the text says, as birth spans. An age is a number (10–120) next to an age cue
 * (“olen 63”, “63-aastane”, «мне 64 года», “I'm 65”), or one listed right after another age
 * (“oleme 30 ja 28”); a birth year or date after a birth cue (“sündisin 1961”, “born on 15 May
 * 1961”, «1961 года рождения»).
 */
export function findBirths(
  text: string,
  toks: readonly string[],
  today: Day,
  lex: AgeLexicons,
): Birth[] {
  const births: Birth[] = [];
  const bornCue = perToken(lex.cue, toks).some((said) => said.some((m) => m.value === 'born'));
  if (bornCue) {
    const years = new Set<number>();
    for (const span of findDates(text, toks, today, lex)) {
      if (span.from > today || span.precision === 'span') continue;
      // A person born this year is a baby, not the one retiring: only when said as a year.
      const { y } = parts(span.from);
      if (years.has(y)) continue;
      years.add(y);
      births.push({ from: span.from, to: span.to, said: { born: span } });
    }
    // “1961 года рождения” folds to a year token the date finder also took; “61 года” is not.
    if (births.length > 0) return births;
  }
  const ages: number[] = [];
  const ageCue = perToken(lex.ageCue, toks);
  toks.forEach((tok, i) => {
    const n = /^\d{1,3}$/.test(tok) ? Number(tok) : undefined;
    if (n === undefined || n < 10 || n > 120) return;
    const before = ageCueBefore(ageCue, i);
    const after = hasAt(ageCue, i + 1, 'after');
    const listed = ages.length > 0 && i > 1 && /^\d{1,3}$/.test(toks[i - 2] ?? '');
    if (before || after || listed) ages.push(n);
  });
  for (const age of ages) {
    // Aged n today: born after the day n + 1 years ago, at the latest n years ago today.
    births.push({
      from: addMonths(today, -12 * (age + 1)) + 1,
      to: addMonths(today, -12 * age),
      said: { age },
    });
  }
  return births;
}

/**
 * When the person reaches `years` of age, compared with today and `within` months from now:
 * `reached`, `within`, `later`; undefined when the words leave both possible (“olen 64” and
 * pension age 65 in 6 months).
 */
export function reaching(
  birth: Birth,
  years: number,
  within: number,
  today: Day,
): 'reached' | 'within' | 'later' | undefined {
  const from = addMonths(birth.from, 12 * years);
  const to = addMonths(birth.to, 12 * years);
  const horizon = addMonths(today, within);
  if (to <= today) return 'reached';
  if (to <= horizon) return 'within';
  if (from > horizon) return 'later';
  return undefined;
}

/** The age in whole years a birth span gives today, when it is one number. */
export function ageOf(birth: Birth, today: Day): number | undefined {
  if ('age' in birth.said) return birth.said.age;
  const years = (b: Day): number => {
    const born = parts(b);
    const now = parts(today);
    return now.y - born.y - (now.m < born.m || (now.m === born.m && now.d < born.d) ? 1 : 0);
  };
  const a = years(birth.to);
  return years(birth.from) === a ? a : undefined;
}

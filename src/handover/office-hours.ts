/**
 * Office hours of the live agents, e.g. "Mon-Fri 09:00-17:00 Europe/Tallinn" or
 * "Mon-Thu 09:00-17:00; Fri 09:00-15:00 Europe/Tallinn", plus "always" and "never". Holidays
 * (YYYY-MM-DD, in the office's time zone) are closed all day. Pure.
 */

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

export interface OfficeHours {
  /** Per weekday (0 = Monday): open intervals in minutes since midnight. */
  week: [number, number][][];
  timeZone: string;
  /** The schedule as configured, without the time zone: for messages to people. */
  label: string;
}

export class OfficeHoursError extends Error {
  override name = 'OfficeHoursError';
  readonly code = 'BAD_OFFICE_HOURS';
}

export function parseOfficeHours(spec: string): OfficeHours {
  const trimmed = spec.trim();
  if (trimmed === 'always')
    return { week: DAYS.map(() => [[0, 1440]]), timeZone: 'UTC', label: '24/7' };
  if (trimmed === 'never') return { week: DAYS.map(() => []), timeZone: 'UTC', label: '—' };
  const lastSpace = trimmed.lastIndexOf(' ');
  const timeZone = trimmed.slice(lastSpace + 1);
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new OfficeHoursError(
      `Unknown time zone "${timeZone}" at the end of "${spec}" (e.g. Europe/Tallinn).`,
    );
  }
  const body = trimmed.slice(0, Math.max(lastSpace, 0));
  const week: [number, number][][] = DAYS.map(() => []);
  const segments = body.split(';').map((s) => s.trim());
  if (segments.length === 0 || segments.every((s) => s === ''))
    throw new OfficeHoursError(`"${spec}": expected e.g. "Mon-Fri 09:00-17:00 Europe/Tallinn".`);
  for (const seg of segments) {
    const m = /^([A-Za-z]{3})(?:-([A-Za-z]{3}))? (\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(seg);
    if (!m)
      throw new OfficeHoursError(`"${seg}": expected days and hours like "Mon-Fri 09:00-17:00".`);
    const day = (name: string | undefined) => {
      const i = DAYS.findIndex((d) => d.toLowerCase() === (name ?? '').toLowerCase());
      if (i < 0) throw new OfficeHoursError(`"${name}" is not one of ${DAYS.join(', ')}.`);
      return i;
    };
    const first = day(m[1]);
    const last = m[2] ? day(m[2]) : first;
    const start = Number(m[3]) * 60 + Number(m[4]);
    const end = Number(m[5]) * 60 + Number(m[6]);
    if (start >= end || end > 1440 || Number(m[4]) > 59 || Number(m[6]) > 59)
      throw new OfficeHoursError(`"${seg}": the start must be before the end, within one day.`);
    for (let d = first; ; d = (d + 1) % 7) {
      week[d]?.push([start, end]);
      if (d === last) break;
    }
  }
  return { week, timeZone, label: body };
}

/** Whether the office is open at `at` (epoch ms). */
export function isOpen(hours: OfficeHours, holidays: readonly string[], at: number): boolean {
  const { weekday, date, minute } = localTime(hours, at);
  if (holidays.includes(date)) return false;
  return (hours.week[weekday] ?? []).some(([s, e]) => minute >= s && minute < e);
}

// ---------------------------------------------------------------------------------------------
// Office hours in words, per language: "tööpäeviti 9–17", "on weekdays 9:00–17:00",
// "по будням с 9:00 до 17:00", and when staff are back ("homme kell 9").

type WordLang = 'et' | 'en' | 'ru';

const WORDS = {
  et: {
    always: 'ööpäev läbi',
    every: 'iga päev',
    weekdays: 'tööpäeviti',
    weekend: 'nädalavahetustel',
    // Habitual (on Mondays), elative (from Monday), terminative (to Monday), adessive (on Monday).
    habitual: [
      'esmaspäeviti',
      'teisipäeviti',
      'kolmapäeviti',
      'neljapäeviti',
      'reedeti',
      'laupäeviti',
      'pühapäeviti',
    ],
    from: [
      'esmaspäevast',
      'teisipäevast',
      'kolmapäevast',
      'neljapäevast',
      'reedest',
      'laupäevast',
      'pühapäevast',
    ],
    to: [
      'esmaspäevani',
      'teisipäevani',
      'kolmapäevani',
      'neljapäevani',
      'reedeni',
      'laupäevani',
      'pühapäevani',
    ],
    on: [
      'esmaspäeval',
      'teisipäeval',
      'kolmapäeval',
      'neljapäeval',
      'reedel',
      'laupäeval',
      'pühapäeval',
    ],
    today: 'täna',
    tomorrow: 'homme',
  },
  en: {
    always: 'around the clock',
    every: 'every day',
    weekdays: 'on weekdays',
    weekend: 'at weekends',
    habitual: [
      'on Mondays',
      'on Tuesdays',
      'on Wednesdays',
      'on Thursdays',
      'on Fridays',
      'on Saturdays',
      'on Sundays',
    ],
    from: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
    to: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
    on: [
      'on Monday',
      'on Tuesday',
      'on Wednesday',
      'on Thursday',
      'on Friday',
      'on Saturday',
      'on Sunday',
    ],
    today: 'today',
    tomorrow: 'tomorrow',
  },
  ru: {
    always: 'круглосуточно',
    every: 'ежедневно',
    weekdays: 'по будням',
    weekend: 'по выходным',
    habitual: [
      'по понедельникам',
      'по вторникам',
      'по средам',
      'по четвергам',
      'по пятницам',
      'по субботам',
      'по воскресеньям',
    ],
    from: [
      'с понедельника',
      'со вторника',
      'со среды',
      'с четверга',
      'с пятницы',
      'с субботы',
      'с воскресенья',
    ],
    to: [
      'по понедельник',
      'по вторник',
      'по среду',
      'по четверг',
      'по пятницу',
      'по субботу',
      'по воскресенье',
    ],
    on: [
      'в понедельник',
      'во вторник',
      'в среду',
      'в четверг',
      'в пятницу',
      'в субботу',
      'в воскресенье',
    ],
    today: 'сегодня',
    tomorrow: 'завтра',
  },
} satisfies Record<WordLang, Record<string, string | string[]>>;

/** 9:00 → "9" in Estonian ("9.30" with minutes); "9:00" in English and Russian. */
function clock(minutes: number, lang: WordLang): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (lang === 'et') return m === 0 ? String(h) : `${h}.${String(m).padStart(2, '0')}`;
  return `${h}:${String(m).padStart(2, '0')}`;
}

function span([start, end]: [number, number], lang: WordLang): string {
  return lang === 'ru'
    ? `с ${clock(start, lang)} до ${clock(end, lang)}`
    : `${clock(start, lang)}–${clock(end, lang)}`;
}

function days(first: number, last: number, lang: WordLang): string {
  const w = WORDS[lang];
  if (first === 0 && last === 6) return w.every;
  if (first === 0 && last === 4) return w.weekdays;
  if (first === 5 && last === 6) return w.weekend;
  if (first === last) return w.habitual[first] ?? '';
  if (lang === 'en') return `${w.from[first] ?? ''} to ${w.to[last] ?? ''}`;
  return `${w.from[first] ?? ''} ${w.to[last] ?? ''}`;
}

/**
 * The schedule in words in the person's language ("tööpäeviti 9–17, laupäeviti 10–14");
 * undefined when staff never answer in this chat. Days with the same hours are grouped.
 */
export function describeOfficeHours(hours: OfficeHours, lang: WordLang): string | undefined {
  const key = (d: number) => JSON.stringify(hours.week[d] ?? []);
  if (hours.week.every((d) => d.length === 1 && d[0]?.[0] === 0 && d[0]?.[1] === 1440))
    return WORDS[lang].always;
  const parts: string[] = [];
  for (let d = 0; d < 7;) {
    let last = d;
    while (last < 6 && key(last + 1) === key(d)) last++;
    const intervals = hours.week[d] ?? [];
    if (intervals.length > 0)
      parts.push(`${days(d, last, lang)} ${intervals.map((i) => span(i, lang)).join(', ')}`);
    d = last + 1;
  }
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** Local weekday (0 = Monday), date and minute of `at` in the office's time zone. */
function localTime(
  hours: OfficeHours,
  at: number,
): { weekday: number; date: string; minute: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: hours.timeZone,
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(at));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    weekday: DAYS.indexOf(get('weekday') as (typeof DAYS)[number]),
    date: `${get('year')}-${get('month')}-${get('day')}`,
    minute: Number(get('hour')) * 60 + Number(get('minute')),
  };
}

/**
 * When staff are back after `at`, in words: "homme kell 9", "on Monday at 9:00",
 * "в понедельник в 9:00"; undefined when they never are (within two weeks).
 */
export function describeNextOpening(
  hours: OfficeHours,
  holidays: readonly string[],
  at: number,
  lang: WordLang,
): string | undefined {
  const w = WORDS[lang];
  const today = localTime(hours, at);
  // From local noon, whole days never step over a date at a daylight-saving change.
  const noon = at + (720 - today.minute) * 60_000;
  for (let offset = 0; offset < 15; offset++) {
    const day = localTime(hours, noon + offset * 86_400_000);
    if (holidays.includes(day.date)) continue;
    const now = offset === 0 ? today.minute : -1;
    const start = (hours.week[day.weekday] ?? []).map(([s]) => s).find((s) => s > now);
    if (start === undefined) continue;
    const when = offset === 0 ? w.today : offset === 1 ? w.tomorrow : (w.on[day.weekday] ?? '');
    const time = clock(start, lang);
    if (lang === 'et') return `${when} kell ${time}`;
    if (lang === 'ru') return `${when} в ${time}`;
    return `${when} at ${time}`;
  }
  return undefined;
}

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
  const date = `${get('year')}-${get('month')}-${get('day')}`;
  if (holidays.includes(date)) return false;
  const weekday = DAYS.indexOf(get('weekday') as (typeof DAYS)[number]);
  const minute = Number(get('hour')) * 60 + Number(get('minute'));
  return (hours.week[weekday] ?? []).some(([s, e]) => minute >= s && minute < e);
}

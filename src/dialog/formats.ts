/**
 * Dates and numbers in the person's language. An `Intl` formatter costs tens of microseconds to
 * build and is immutable once built, so each shape is built once per language, not per call
 * (a direct answer formats several facts on a turn).
 */
import type { Lang } from '../protocol/frames.js';

export const LOCALE: Record<Lang, string> = { et: 'et-EE', en: 'en-GB', ru: 'ru-RU' };

function perLang<F>(make: (locale: string) => F): (lang: Lang) => F {
  const made = new Map<Lang, F>();
  return (lang) => {
    let f = made.get(lang);
    if (f === undefined) made.set(lang, (f = make(LOCALE[lang])));
    return f;
  };
}

/** “1 December 2026” (UTC). */
export const dayMonthYear = perLang(
  (locale) =>
    new Intl.DateTimeFormat(locale, {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    }),
);

/** “December 2026” (UTC). */
export const monthYear = perLang(
  (locale) => new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }),
);

/** A number with at most two decimals, grouped as the language groups it. */
export const decimal = perLang(
  (locale) => new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }),
);

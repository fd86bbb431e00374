/**
 * The interface texts, from locales/<lang>/staff.json (served as /staff/i18n/<lang>.json).
 * Estonian by default; the choice is kept in localStorage. No text of the interface is in
 * the code: t('key') looks it up, and a missing key shows as the key (a test checks none is).
 */

export type UiLang = 'et' | 'en' | 'ru';
type Texts = { [key: string]: string | Texts };

const STORAGE_KEY = 'staff-lang';
let lang: UiLang = 'et';
let flat = new Map<string, string>();
let available: UiLang[] = ['et'];

function flatten(texts: Texts, prefix = ''): [string, string][] {
  return Object.entries(texts).flatMap(([k, v]) =>
    typeof v === 'string'
      ? [[`${prefix}${k}`, v] as [string, string]]
      : flatten(v, `${prefix}${k}.`),
  );
}

export async function loadTexts(wanted?: UiLang): Promise<void> {
  const index = (await (await fetch('/staff/i18n/index.json')).json()) as { langs: UiLang[] };
  available = index.langs;
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage may be off; Estonian then.
  }
  const choice = wanted ?? (available.includes(stored as UiLang) ? (stored as UiLang) : 'et');
  const res = await fetch(`/staff/i18n/${choice}.json`);
  if (!res.ok) throw new Error(`texts for ${choice}: HTTP ${res.status}`);
  flat = new Map(flatten((await res.json()) as Texts));
  lang = choice;
  document.documentElement.lang = lang;
  try {
    if (wanted) localStorage.setItem(STORAGE_KEY, wanted);
  } catch {
    // ignore
  }
}

export const uiLang = (): UiLang => lang;
export const uiLangs = (): UiLang[] => available;

export function t(key: string, vars: Record<string, string | number> = {}): string {
  const text = flat.get(key);
  if (text === undefined) return key;
  return text.replace(/\{\{(\w+)\}\}/g, (m, name: string) =>
    name in vars ? String(vars[name]) : m,
  );
}

/** A life event's name in the interface language ("(none)" for none). */
export const lifeEventName = (id: string): string => flat.get(`lifeEvent.${id}`) ?? id;

/** A language code as a word ("eesti", "English"). */
export const langName = (code: string): string => flat.get(`language.${code}`) ?? code;

const LOCALES: Record<UiLang, string> = { et: 'et-EE', en: 'en-GB', ru: 'ru-RU' };

export function time(ms: number | null): string {
  if (ms === null) return '—';
  return new Date(ms).toLocaleString(LOCALES[lang], { dateStyle: 'short', timeStyle: 'short' });
}

/** A duration in words: "45 s", "4 min", "1 h 5 min". */
export function duration(ms: number | null): string {
  if (ms === null) return '—';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return t('duration.seconds', { n: s });
  const m = Math.floor(s / 60);
  if (m < 60) return t('duration.minutes', { n: m });
  return t('duration.hours', { h: Math.floor(m / 60), m: m % 60 });
}

/**
 * The widget's UI texts: locales/<lang>/widget.json, bundled at build time. A tiny lookup
 * (dotted keys, `{{name}}` interpolation as in i18next) instead of i18next itself, to keep
 * the script small. A key missing in a language falls back to Estonian, then to the key.
 */
import type { Lang } from '../../src/protocol/frames.js';
import et from '../../locales/et/widget.json' with { type: 'json' };
import en from '../../locales/en/widget.json' with { type: 'json' };
import ru from '../../locales/ru/widget.json' with { type: 'json' };

type Messages = typeof en;
type Join<K, P> = K extends string ? (P extends string ? `${K}.${P}` : never) : never;
type Paths<T> = {
  [K in keyof T & string]: T[K] extends string ? K : Join<K, Paths<T[K]>>;
}[keyof T & string];
export type TextKey = Paths<Messages>;

const MESSAGES: Record<Lang, unknown> = { et, en, ru };

/** Language names in their own language, for the switch. */
export const LANG_NAMES: Record<Lang, string> = { et: 'Eesti', en: 'English', ru: 'Русский' };

function lookup(messages: unknown, key: string): string | undefined {
  let node = messages;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/**
 * A text with `count` among its variables takes the language's plural form where the language
 * has one (`notice_one`, `notice_few` in Russian: «через 1 день», «через 3 дня»), else the key.
 */
export function translate(
  lang: Lang,
  key: TextKey,
  vars: Record<string, string | number> = {},
): string {
  const { count } = vars;
  const plural =
    typeof count === 'number'
      ? lookup(MESSAGES[lang], `${key}_${new Intl.PluralRules(lang).select(count)}`)
      : undefined;
  const text = plural ?? lookup(MESSAGES[lang], key) ?? lookup(MESSAGES.et, key) ?? key;
  return text.replace(/\{\{(\w+)\}\}/g, (m, name: string) => String(vars[name] ?? m));
}

/**
 * One i18next instance per assistant, created synchronously from the loaded resources; no global
 * singleton. Translators are fixed to a language and namespace, so a turn never changes the
 * instance's state.
 */
import i18next, { type TFunction } from 'i18next';
import { LANGS, type Lang } from '../protocol/frames.js';
import { NAMESPACES, type Namespace, type Resources } from './load.js';

/** Translate a key with optional interpolation values (and `count` for plurals). */
export type Translate = (key: string, values?: Record<string, string | number>) => string;

export interface Texts {
  /** The `dialog` namespace in `lang`, falling back to Estonian. */
  dialog(lang: Lang): Translate;
  catalog(lang: Lang): Translate;
  /** The engine's own texts (locales/<lang>/conversation.json). */
  conversation(lang: Lang): Translate;
  glossary(lang: Lang): Translate;
}

export const MISSING_MARK = '[missing text: ';

export function createTexts(resources: Resources): Texts {
  const instance = i18next.createInstance();
  void instance.init({
    initAsync: false,
    resources,
    lng: 'et',
    fallbackLng: 'et',
    supportedLngs: [...LANGS],
    ns: [...NAMESPACES],
    defaultNS: 'dialog',
    // Texts go into JSON frames and the widget escapes them; HTML-escaping here would double it.
    interpolation: { escapeValue: false },
    returnNull: false,
    // A missing key must be visible in tests, never silently shown as the key itself.
    parseMissingKeyHandler: (key: string, defaultValue?: string) =>
      defaultValue ?? `${MISSING_MARK}${key}]`,
  });
  const fixed = new Map<string, TFunction>();
  const get = (lang: Lang, ns: Namespace): Translate => {
    const id = `${lang}:${ns}`;
    let t = fixed.get(id);
    if (!t) {
      t = instance.getFixedT(lang, ns);
      fixed.set(id, t);
    }
    const bound = t;
    return (key, values) => String(bound(key, values ?? {}));
  };
  return {
    dialog: (lang) => get(lang, 'dialog'),
    catalog: (lang) => get(lang, 'catalog'),
    conversation: (lang) => get(lang, 'conversation'),
    glossary: (lang) => get(lang, 'glossary'),
  };
}

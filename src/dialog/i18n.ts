/**
 * One i18next instance per assistant, created synchronously from the loaded resources; no global
 * singleton. Translators are fixed to a language and namespace, so a turn never changes the
 * instance's state.
 */
import i18next, { type TFunction } from 'i18next';
import { LANGS, type Lang } from '../protocol/frames.js';
import { NAMESPACES, type Namespace, type Resources } from './load.js';
import { NO_LINK_CONTEXT } from './keys.js';

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

/** Translated texts remembered per language and namespace. */
const MEMO_LIMIT = 20_000;

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
  // Translators are made once per language and namespace, and a text without values is looked
  // up once: the resources never change after load, and i18next's lookup is a turn's hot path.
  const fixed = new Map<string, Translate>();
  const get = (lang: Lang, ns: Namespace): Translate => {
    const id = `${lang}:${ns}`;
    let translate = fixed.get(id);
    if (!translate) {
      const bound: TFunction = instance.getFixedT(lang, ns);
      const done = new Map<string, string>();
      translate = (key, values) => {
        let id = key;
        if (values !== undefined) {
          for (const k in values) id += `\u0000${k}\u0001${String(values[k])}`;
        }
        let text = done.get(id);
        if (text === undefined) {
          // A text given no link (`url: ''`, a service with no confirmed page) takes its
          // `_nolink` form where it has one (i18next context), else its own.
          const options = values?.url === '' ? { ...values, context: NO_LINK_CONTEXT } : values;
          text = String(bound(key, options ?? {}));
          // Values may come from a conversation (a name): keep the memo bounded.
          if (done.size >= MEMO_LIMIT) done.clear();
          done.set(id, text);
        }
        return text;
      };
      fixed.set(id, translate);
    }
    return translate;
  };
  return {
    dialog: (lang) => get(lang, 'dialog'),
    catalog: (lang) => get(lang, 'catalog'),
    conversation: (lang) => get(lang, 'conversation'),
    glossary: (lang) => get(lang, 'glossary'),
  };
}

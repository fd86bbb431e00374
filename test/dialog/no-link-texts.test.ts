/**
 * A service with no confirmed page (`noLink`) is answered without a link: a text given an empty
 * `{{url}}` takes its `_nolink` form (i18next context, src/dialog/i18n.ts), never „Ametlik info: “
 * followed by nothing.
 */
import { describe, expect, it } from 'vitest';
import { createTexts } from '../../src/dialog/i18n.js';
import { NO_LINK_KEYS } from '../../src/dialog/keys.js';
import { LANGS } from '../../src/protocol/frames.js';
import { realBundle } from './helpers.js';

const texts = createTexts(realBundle().resources);
const values = { service: 'Matused ja hauaplats', provider: 'matusebüroo', summary: 'Kokkuvõte.' };

describe('answers for a service with no link', () => {
  it('take the _nolink form when the url is empty, and keep the link otherwise', () => {
    const et = texts.conversation('et');
    expect(et('direct.noFact', { ...values, url: '' })).toBe(
      'Mul ei ole teenuse „Matused ja hauaplats“ kohta täpseid kontrollitud andmeid ega ametlikku veebilehte.',
    );
    expect(et('direct.noFact', { ...values, url: 'https://www.eesti.ee/et/x/' })).toContain(
      'Ametlik info: https://www.eesti.ee/et/x/',
    );
  });

  it('never end on a label with nothing after it, in any language', () => {
    for (const lang of LANGS) {
      const tv = texts.conversation(lang);
      for (const key of NO_LINK_KEYS) {
        const text = tv(key, { ...values, url: '' });
        expect(text, `${lang} ${key}`).not.toMatch(/:\s*$/);
        expect(text, `${lang} ${key}`).not.toContain('{{');
      }
    }
  });
});

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIFE_EVENTS } from '../../src/nlu/types.js';
import { loadStaffLocales, textKeys } from '../../src/staff/staff-locales.js';

const ROOT = new URL('../../', import.meta.url).pathname;

describe('back-office texts (locales/<lang>/staff.json)', () => {
  const locales = loadStaffLocales(join(ROOT, 'locales'));
  const et = new Set(textKeys(locales.ui.et ?? {}));

  it('has Estonian and English interfaces with the same keys, and canned replies in three languages', () => {
    expect(Object.keys(locales.ui).sort()).toEqual(['en', 'et', 'ru']);
    expect(new Set(textKeys(locales.ui.en ?? {}))).toEqual(et);
    expect(new Set(textKeys(locales.ui.ru ?? {}))).toEqual(et);
    for (const lang of ['et', 'en', 'ru'] as const) {
      expect(locales.canned[lang].map((c) => c.id)).toEqual([
        'greeting',
        'moment',
        'details',
        'no-personal-data',
        'hand-back',
        'goodbye',
      ]);
    }
  });

  it('marks a contact request (просьба, feminine) as handled in agreeing Russian (review 18 RU-9)', () => {
    const ru = locales.ui.ru as { live?: { markHandled?: string } } | undefined;
    expect(ru?.live?.markHandled).toBe('Отметить как обработанную');
  });

  it('names the assistant in canned replies as the citizen window does (review 16 ET-13, RU-10)', () => {
    for (const lang of ['et', 'en', 'ru'] as const) {
      const widget = JSON.parse(
        readFileSync(join(ROOT, `locales/${lang}/widget.json`), 'utf8'),
      ) as {
        assistant: string;
      };
      const handBack = locales.canned[lang].find((c) => c.id === 'hand-back')?.text ?? '';
      // The widget's name, declined: Abiline → abilisele, Помощник → помощнику.
      expect(handBack.toLowerCase()).toContain(widget.assistant.toLowerCase().slice(0, 5));
      expect(handBack).not.toMatch(/virtuaal|виртуальн|virtual/i);
    }
  });

  it('has every key the client asks for, so no text of the interface lives in code', () => {
    const dir = join(ROOT, 'staff/src');
    const used = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f !== 'i18n.ts')) {
      const src = readFileSync(join(dir, file), 'utf8');
      for (const m of src.matchAll(/\bt\(\s*'([a-zA-Z0-9.()_-]+)'/g)) used.add(m[1] ?? '');
      for (const m of src.matchAll(/data-i18n(?:-label)?="([^"]+)"/g)) used.add(m[1] ?? '');
    }
    for (const m of readFileSync(join(ROOT, 'staff/pages/index.html'), 'utf8').matchAll(
      /data-i18n(?:-label)?="([^"]+)"/g,
    ))
      used.add(m[1] ?? '');
    // Keys built from data: sections, roles, outcomes, life events, languages, error codes.
    for (const s of ['conversations', 'live', 'analytics', 'training', 'admin'])
      used.add(`nav.${s}`);
    for (const r of ['agent', 'trainer', 'admin']) used.add(`role.${r}`);
    for (const r of ['citizen', 'assistant', 'agent', 'system']) used.add(`role.msg.${r}`);
    for (const o of ['resolved', 'handed-over', 'abandoned', 'open']) used.add(`outcome.${o}`);
    for (const l of [...LIFE_EVENTS, '(none)']) used.add(`lifeEvent.${l}`);
    for (const l of ['et', 'en', 'ru']) used.add(`language.${l}`).add(`language.self-${l}`);
    for (const f of ['csv', 'json']) used.add(`conversations.export.${f}`);
    used.add('conversations.count').add('conversations.countMore');
    used.add('live.closed').add('live.revoked');
    used.add('transcript.feedback').add('transcript.feedbackIntent');
    for (const r of ['not-helpful', 'wrong-topic']) used.add(`feedback.${r}`);
    for (const c of ['BAD_CREDENTIALS', 'LOCKED', 'BUSY', 'NOT_QUEUED', 'NOT_YOURS'])
      used.add(`error.${c}`);
    expect([...used].filter((k) => !et.has(k))).toEqual([]);
    expect(used.size).toBeGreaterThan(150);
  });

  it('lists every problem of a broken file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'staff-locales-'));
    try {
      for (const lang of ['et', 'en']) mkdirSync(join(dir, lang));
      writeFileSync(
        join(dir, 'et', 'staff.json'),
        JSON.stringify({
          ui: { a: 'A', b: { c: 'C' } },
          canned: [{ id: 'x', label: 'X', text: 'x' }],
        }),
      );
      writeFileSync(
        join(dir, 'en', 'staff.json'),
        JSON.stringify({
          ui: { a: 'A', d: '' },
          canned: [
            { id: 'Bad Id', label: 'X', text: 'x' },
            { id: 'y', label: 'Y', text: 'y' },
            { id: 'y', label: 'Y', text: 'y' },
          ],
        }),
      );
      expect(() => loadStaffLocales(dir)).toThrow('canned.0.id: must be a kebab-case id');
      expect(() => loadStaffLocales(dir)).toThrow('ui.d: must not be empty');
      writeFileSync(
        join(dir, 'en', 'staff.json'),
        JSON.stringify({
          ui: { a: 'A', e: 'E' },
          canned: [
            { id: 'y', label: 'Y', text: 'y' },
            { id: 'y', label: 'Y', text: 'y' },
          ],
        }),
      );
      const err = (() => {
        try {
          loadStaffLocales(dir);
        } catch (e) {
          return (e as Error).message;
        }
        return '';
      })();
      expect(err).toContain('canned reply id "y" appears twice');
      expect(err).toContain('en/staff.json: ui.b.c missing');
      expect(err).toContain('en/staff.json: ui.e is not in et/staff.json');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { describe, expect, it } from 'vitest';
import { checklistText } from '../../src/dialog/render.js';
import { createTexts } from '../../src/dialog/i18n.js';
import { LANGS } from '../../src/protocol/frames.js';
import { realBundle } from './helpers.js';

const bundle = realBundle();
const texts = createTexts(bundle.resources);
const services = bundle.catalog.lifeEvents.flatMap((e) => e.services);
const withDeadline = services.filter((s) => s.deadline);

/** Brackets inside brackets: "(… (…) …)". */
const NESTED = /\([^()]*\(/;

describe('checklistText', () => {
  it('never nests brackets in a plan line, in any language', () => {
    for (const lang of LANGS) {
      const text = checklistText(services, texts.dialog(lang), texts.catalog(lang));
      for (const line of text.split('\n')) expect(line).not.toMatch(NESTED);
    }
  });

  it('names the provider in a sentence of its own', () => {
    const registration = services.filter((s) => s.id === 'birth-registration');
    const et = checklistText(registration, texts.dialog('et'), texts.catalog('et'));
    expect(et).toMatch(/^1\. Sünni registreerimine \(nimi, isadus\) – tuleb ise teha\. Pakkuja: /);
    const ru = checklistText(registration, texts.dialog('ru'), texts.catalog('ru'));
    expect(ru).toMatch(/\. Кто оказывает: /);
  });

  it('marks what the person does with words that fit a step that is not an application (ET-14, RU-12)', () => {
    const ids = ['death-funeral', 'death-inheritance', 'mil-health-check'];
    const steps = services.filter((s) => ids.includes(s.id));
    expect(steps.map((s) => s.mode)).toEqual(['application', 'application', 'application']);
    const et = checklistText(steps, texts.dialog('et'), texts.catalog('et'));
    expect(et).toContain('Matused ja hauaplats – tuleb ise teha.');
    expect(et).toContain('Pärimine – tuleb ise teha.');
    expect(et).toContain('Terviseseisundi hindamine – tuleb ise teha.');
    expect(et).not.toContain('avaldus tuleb esitada');
    const ru = checklistText(steps, texts.dialog('ru'), texts.catalog('ru'));
    expect(ru).toContain('Наследование — нужно сделать самим.');
    expect(ru).not.toContain('вы подаёте заявление');
    const en = checklistText(steps, texts.dialog('en'), texts.catalog('en'));
    expect(en).toContain('— you do it yourself.');
  });

  it('writes a generic provider in lower case inside the sentence, a proper name with its capital (ET-1/RU-1)', () => {
    const ids = ['death-funeral', 'death-survivors-benefit'];
    const two = services.filter((s) => ids.includes(s.id));
    expect(two.map((s) => s.providers)).toEqual([['funeral-home'], ['SKA']]);
    const et = checklistText(two, texts.dialog('et'), texts.catalog('et'));
    expect(et).toContain('Pakkuja: matusebüroo ja kalmistu.');
    expect(et).toContain('Pakkuja: Sotsiaalkindlustusamet (SKA).');
    const ru = checklistText(two, texts.dialog('ru'), texts.catalog('ru'));
    expect(ru).toContain('Кто оказывает: похоронное бюро и кладбище.');
    expect(ru).toContain('Кто оказывает: Департамент социального страхования (SKA).');
    // A card or table cell keeps the name as a heading.
    expect(texts.catalog('et')('agency.funeral-home')).toBe('Matusebüroo ja kalmistu');
  });

  it('puts "Deadline:" only before a deadline fragment, never before a sentence', () => {
    for (const lang of LANGS) {
      const t = texts.dialog(lang);
      const label = t('checklist.deadline', { deadline: '' }).replace(/\.$/, '').trim();
      const text = checklistText(withDeadline, t, texts.catalog(lang));
      // After the label the deadline goes on in lower case (or with a number).
      const after = [...text.matchAll(new RegExp(`${label} (.)`, 'gu'))].map((m) => m[1]!);
      expect(after.length).toBeGreaterThan(0);
      for (const c of after) expect(c).toBe(c.toLowerCase());
    }
    const et = checklistText(withDeadline, texts.dialog('et'), texts.catalog('et'));
    expect(et).toContain(
      'Tähtaeg: 1 kuu jooksul pärast sündi, mõjuval põhjusel kuni 2 kuu jooksul.',
    );
    expect(et).toContain(' Tähtaja määrab lahkunu elukoha omavalitsus.');
    expect(et).not.toContain('Tähtaeg: Tähtaja');
    const ru = checklistText(withDeadline, texts.dialog('ru'), texts.catalog('ru'));
    expect(ru).not.toContain('Срок: Срок');
  });
});

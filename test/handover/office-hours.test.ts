import { describe, expect, it } from 'vitest';
import {
  describeNextOpening,
  describeOfficeHours,
  isOpen,
  parseOfficeHours,
} from '../../src/handover/office-hours.js';
import { HANDOVER_TEXTS } from '../../src/handover/texts.js';
import { loadConfig } from '../../src/config.js';

describe('office hours', () => {
  const hours = parseOfficeHours('Mon-Thu 09:00-17:00; Fri 09:00-15:00 Europe/Tallinn');
  // 2025-06-02 is a Monday; Tallinn is UTC+3 in summer.
  const at = (iso: string) => Date.parse(iso);

  it('is open inside the hours in the office time zone, closed outside', () => {
    expect(isOpen(hours, [], at('2025-06-02T06:00:00Z'))).toBe(true); // 09:00 Tallinn
    expect(isOpen(hours, [], at('2025-06-02T05:59:00Z'))).toBe(false);
    expect(isOpen(hours, [], at('2025-06-02T14:00:00Z'))).toBe(false); // 17:00
    expect(isOpen(hours, [], at('2025-06-06T11:59:00Z'))).toBe(true); // Fri 14:59
    expect(isOpen(hours, [], at('2025-06-06T12:00:00Z'))).toBe(false); // Fri 15:00
    expect(isOpen(hours, [], at('2025-06-07T08:00:00Z'))).toBe(false); // Saturday
  });

  it('is closed all day on a holiday', () => {
    expect(isOpen(hours, ['2025-06-24'], at('2025-06-24T08:00:00Z'))).toBe(false);
  });

  it('accepts always and never', () => {
    expect(isOpen(parseOfficeHours('always'), [], 0)).toBe(true);
    expect(isOpen(parseOfficeHours('never'), [], 0)).toBe(false);
  });

  it('names what is wrong in a bad schedule, at start-up', () => {
    expect(() => parseOfficeHours('Mon-Fri 09:00-17:00 Mars/Olympus')).toThrow(/time zone/);
    expect(() => parseOfficeHours('Mon-Fry 09:00-17:00 Europe/Tallinn')).toThrow(/Fry/);
    expect(() => parseOfficeHours('Mon 17:00-09:00 Europe/Tallinn')).toThrow(/before the end/);
    expect(() => loadConfig({ OFFICE_HOURS: 'weekdays' })).toThrow(/OFFICE_HOURS/);
    expect(() => loadConfig({ HOLIDAYS: '2025-12-24,24.12.2025' })).toThrow(/HOLIDAYS/);
  });

  it('says the hours in words in each language, never the raw setting', () => {
    const weekdays = parseOfficeHours('Mon-Fri 09:00-17:00 Europe/Tallinn');
    expect(describeOfficeHours(weekdays, 'et')).toBe('tööpäeviti 9–17');
    expect(describeOfficeHours(weekdays, 'en')).toBe('on weekdays 9:00–17:00');
    expect(describeOfficeHours(weekdays, 'ru')).toBe('по будням с 9:00 до 17:00');
    expect(describeOfficeHours(hours, 'et')).toBe('esmaspäevast neljapäevani 9–17, reedeti 9–15');
    expect(describeOfficeHours(hours, 'en')).toBe(
      'Monday to Thursday 9:00–17:00, on Fridays 9:00–15:00',
    );
    expect(describeOfficeHours(hours, 'ru')).toBe(
      'с понедельника по четверг с 9:00 до 17:00, по пятницам с 9:00 до 15:00',
    );
    const short = parseOfficeHours('Mon-Fri 09:30-10:00; Sat-Sun 10:00-14:00 Europe/Tallinn');
    expect(describeOfficeHours(short, 'et')).toBe('tööpäeviti 9.30–10, nädalavahetustel 10–14');
    expect(describeOfficeHours(parseOfficeHours('always'), 'ru')).toBe('круглосуточно');
    expect(describeOfficeHours(parseOfficeHours('never'), 'et')).toBeUndefined();
  });

  it('says when staff are back: later today, tomorrow, after the weekend or a holiday', () => {
    // Monday 2025-06-02 07:00 Tallinn (04:00Z): today at 9.
    expect(describeNextOpening(hours, [], at('2025-06-02T04:00:00Z'), 'et')).toBe('täna kell 9');
    // Monday 18:00: tomorrow.
    expect(describeNextOpening(hours, [], at('2025-06-02T15:00:00Z'), 'en')).toBe(
      'tomorrow at 9:00',
    );
    // Friday 16:00: Monday.
    expect(describeNextOpening(hours, [], at('2025-06-06T13:00:00Z'), 'ru')).toBe(
      'в понедельник в 9:00',
    );
    expect(describeNextOpening(hours, [], at('2025-06-06T13:00:00Z'), 'et')).toBe(
      'esmaspäeval kell 9',
    );
    // Monday evening before Midsummer (24th is a Tuesday holiday): Wednesday.
    expect(describeNextOpening(hours, ['2025-06-24'], at('2025-06-23T16:00:00Z'), 'en')).toBe(
      'on Wednesday at 9:00',
    );
    expect(describeNextOpening(parseOfficeHours('never'), [], 0, 'et')).toBeUndefined();
  });

  it('tells people outside hours when staff are back and offers contact, in sina form', () => {
    const et = HANDOVER_TEXTS.unavailable.et({ hours: 'tööpäeviti 9–17', back: 'homme kell 9' });
    expect(et).toBe(
      'Klienditeenindajad vastavad tööpäeviti 9–17. Praegu pole kedagi vaba, tagasi oleme homme kell 9. Kui soovid, et võtaksime sinuga ühendust, jäta oma e-post või telefon ja küsimus: kirjuta need järgmisse sõnumisse.',
    );
    for (const lang of ['et', 'en', 'ru'] as const) {
      const text = HANDOVER_TEXTS.unavailable[lang]({});
      expect(text).not.toMatch(/—|undefined|stay in this chat|jää sellesse|оставайтесь/);
    }
    expect(HANDOVER_TEXTS.unavailable.en({})).toMatch(/do not answer in this chat/);
  });
});

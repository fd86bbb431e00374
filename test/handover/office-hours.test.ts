import { describe, expect, it } from 'vitest';
import { isOpen, parseOfficeHours } from '../../src/handover/office-hours.js';
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
});

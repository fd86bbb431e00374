import { describe, expect, it } from 'vitest';
import { loadStatusTexts, offerDate } from '../../src/status/status-texts.js';

const texts = loadStatusTexts(new URL('../../locales', import.meta.url).pathname);
const offer = {
  lifeEvent: 'child-birth',
  serviceId: 'birth-maternity-benefit',
  expires: '2026-12-31',
} as const;

describe('offerDate', () => {
  it('writes a date the way Estonian and Russian running text does, day first', () => {
    expect(offerDate('2026-12-31', 'et')).toBe('31.12.2026');
    expect(offerDate('2027-01-05', 'ru')).toBe('05.01.2027');
  });

  it('writes the month in words in English', () => {
    expect(offerDate('2027-01-05', 'en')).toBe('5 January 2027');
  });

  it('leaves a value that is not an ISO date as it is', () => {
    expect(offerDate('soon', 'et')).toBe('soon');
  });
});

describe('StatusTexts.offerItem', () => {
  it('never shows the ISO date of an offer’s deadline', () => {
    for (const lang of ['et', 'ru', 'en'] as const) {
      expect(texts.offerItem(lang, offer).nextStep).not.toContain('2026-12-31');
    }
    expect(texts.offerItem('et', offer).nextStep).toContain('hiljemalt 31.12.2026.');
    expect(texts.offerItem('ru', offer).nextStep).toContain('до 31.12.2026.');
    expect(texts.offerItem('en', offer).nextStep).toContain('by 31 December 2026.');
  });
});

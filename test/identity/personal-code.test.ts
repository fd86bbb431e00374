import { describe, expect, it } from 'vitest';
import {
  isValidPersonalCode,
  parsePersonalCode,
  personalCodeCheckDigit,
} from '../../src/identity/personal-code.js';

describe('parsePersonalCode', () => {
  it('accepts a well-known valid code and reads birth date and sex from it', () => {
    expect(parsePersonalCode('38001085718')).toEqual({
      ok: true,
      value: { code: '38001085718', birthDate: '1980-01-08', sex: 'male' },
    });
  });

  it('reads the century from the first digit', () => {
    const code = (g: string) => {
      const ten = `${g}000101000`;
      return `${ten}${personalCodeCheckDigit(ten)}`;
    };
    const birth = (g: string) => {
      const r = parsePersonalCode(code(g));
      return r.ok ? `${r.value.birthDate} ${r.value.sex}` : r.problem;
    };
    expect(birth('1')).toBe('1800-01-01 male');
    expect(birth('4')).toBe('1900-01-01 female');
    expect(birth('5')).toBe('2000-01-01 male');
    expect(birth('8')).toBe('2100-01-01 female');
  });

  it('uses the second weight set when the first gives 10', () => {
    // 3760301021: weights 1..9,1 give 76, 76 mod 11 = 10; weights 3..9,1,2,3 give 104 -> 5.
    expect(personalCodeCheckDigit('3760301021')).toBe(5);
    expect(isValidPersonalCode('37603010215')).toBe(true);
  });

  it('gives check digit 0 when both weight sets give 10', () => {
    // 3760301045: 98 mod 11 = 10, then 120 mod 11 = 10 -> 0.
    expect(personalCodeCheckDigit('3760301045')).toBe(0);
    expect(isValidPersonalCode('37603010450')).toBe(true);
  });

  it('refuses a wrong check digit', () => {
    expect(parsePersonalCode('38001085719')).toMatchObject({ ok: false, problem: 'checksum' });
  });

  it('refuses a birth date that does not exist, like 30 February or 29 February 1900', () => {
    const withCheck = (ten: string) => `${ten}${personalCodeCheckDigit(ten)}`;
    expect(parsePersonalCode(withCheck('3800230000'))).toMatchObject({ problem: 'birth-date' });
    expect(parsePersonalCode(withCheck('3000229000'))).toMatchObject({ problem: 'birth-date' });
    expect(parsePersonalCode(withCheck('3801301000'))).toMatchObject({ problem: 'birth-date' });
    expect(parsePersonalCode(withCheck('4880229001')).ok).toBe(true);
  });

  it('refuses a birth date after today when told what today is', () => {
    const withCheck = (ten: string) => `${ten}${personalCodeCheckDigit(ten)}`;
    const today = new Date('2026-11-24T12:00:00Z');
    expect(parsePersonalCode(withCheck('6261125000'), { today })).toMatchObject({
      problem: 'birth-date',
    });
    expect(parsePersonalCode(withCheck('6261124000'), { today }).ok).toBe(true);
    expect(parsePersonalCode(withCheck('7000101000'), { today })).toMatchObject({
      problem: 'birth-date',
    });
  });

  it('refuses wrong lengths, letters and century digits 0 and 9', () => {
    expect(parsePersonalCode('3800108571')).toMatchObject({ problem: 'format' });
    expect(parsePersonalCode('3800108571x')).toMatchObject({ problem: 'format' });
    expect(parsePersonalCode('98001085718')).toMatchObject({ problem: 'century' });
    expect(parsePersonalCode('08001085718')).toMatchObject({ problem: 'century' });
    expect(isValidPersonalCode('')).toBe(false);
  });
});

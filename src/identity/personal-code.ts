/**
 * Estonian personal identification code (isikukood), GYYMMDDSSSC: G gives sex and century
 * (1/2 1800s, 3/4 1900s, 5/6 2000s, 7/8 2100s; odd male, even female), YYMMDD the birth
 * date, SSS a serial number and C the check digit. Pure: no I/O.
 */

export type PersonalCodeProblem = 'format' | 'century' | 'birth-date' | 'checksum';

export interface PersonalCode {
  code: string;
  /** ISO date (YYYY-MM-DD). */
  birthDate: string;
  sex: 'male' | 'female';
}

export type PersonalCodeResult =
  { ok: true; value: PersonalCode } | { ok: false; problem: PersonalCodeProblem; message: string };

const WEIGHTS_1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 1] as const;
const WEIGHTS_2 = [3, 4, 5, 6, 7, 8, 9, 1, 2, 3] as const;

/** The check digit for the first ten digits of a code. */
export function personalCodeCheckDigit(firstTen: string): number {
  if (!/^\d{10}$/.test(firstTen)) throw new RangeError('need exactly ten digits');
  const digits = [...firstTen].map(Number);
  const sum = (weights: readonly number[]) =>
    digits.reduce((acc, d, i) => acc + d * (weights[i] ?? 0), 0) % 11;
  const first = sum(WEIGHTS_1);
  if (first !== 10) return first;
  const second = sum(WEIGHTS_2);
  return second === 10 ? 0 : second;
}

const CENTURY: Record<string, number> = {
  '1': 1800,
  '2': 1800,
  '3': 1900,
  '4': 1900,
  '5': 2000,
  '6': 2000,
  '7': 2100,
  '8': 2100,
};

/**
 * Checks format, century digit, that the birth date exists (and, given `today`, is not in
 * the future), and the check digit.
 */
export function parsePersonalCode(
  input: string,
  options: { today?: Date } = {},
): PersonalCodeResult {
  const code = input.trim();
  if (!/^\d{11}$/.test(code))
    return { ok: false, problem: 'format', message: 'A personal code is exactly 11 digits.' };
  const g = code[0] ?? '';
  const century = CENTURY[g];
  if (century === undefined)
    return { ok: false, problem: 'century', message: `First digit ${g} is not 1-8.` };
  const year = century + Number(code.slice(1, 3));
  const month = Number(code.slice(3, 5));
  const day = Number(code.slice(5, 7));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    month < 1 ||
    month > 12 ||
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  ) {
    return {
      ok: false,
      problem: 'birth-date',
      message: `Birth date ${year}-${code.slice(3, 5)}-${code.slice(5, 7)} does not exist.`,
    };
  }
  if (options.today && date.getTime() > options.today.getTime()) {
    return {
      ok: false,
      problem: 'birth-date',
      message: `Birth date ${date.toISOString().slice(0, 10)} is in the future.`,
    };
  }
  const check = personalCodeCheckDigit(code.slice(0, 10));
  if (check !== Number(code[10]))
    return { ok: false, problem: 'checksum', message: 'The check digit does not match.' };
  return {
    ok: true,
    value: {
      code,
      birthDate: date.toISOString().slice(0, 10),
      sex: Number(g) % 2 === 1 ? 'male' : 'female',
    },
  };
}

export function isValidPersonalCode(input: string): boolean {
  return parsePersonalCode(input).ok;
}

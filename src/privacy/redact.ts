/**
 * Redaction of personal data from free text before anything is stored. Pure: no I/O.
 *
 * The text is first normalised (NFKC: full-width digits and ＠ become ASCII, no-break and
 * other spaces a plain space; zero-width and direction marks removed), so look-alike
 * characters cannot slip a number past the rules; the stored text is the normalised one.
 *
 * What is replaced, in this order (an earlier rule's match is not looked at again):
 * e-mail addresses, IBANs (mod-97 valid), payment card numbers (13-19 digits, Luhn valid),
 * anything shaped like an Estonian personal code (11 digits, possibly split by a space or
 * dash, first 1-6, a real birth date; the check digit is not required, a mistyped code is
 * still someone's), phone numbers (international with + or 00, Estonian mobile and landline
 * forms) and identity document numbers (1-2 letters and 7 digits: ID card, passport,
 * residence permit). Look-alikes are kept: amounts, dates, years, short service numbers
 * (112, 1247), IBANs and cards that fail their check. docs/privacy.md lists the rules.
 */

export const REDACTION_KINDS = [
  'email',
  'iban',
  'card',
  'personal-code',
  'phone',
  'document',
  'name',
] as const;
export type RedactionKind = (typeof REDACTION_KINDS)[number];

export interface Redacted {
  text: string;
  /** Kinds found, once each, in order of first appearance. */
  found: RedactionKind[];
}

export interface RedactOptions {
  /** Words to hide as [name] too (e.g. the signed-in person's name). */
  names?: string[];
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
// Two letters, two digits, then 11-30 letters/digits, optionally grouped by spaces.
const IBAN = /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b/gi;
const CARD = /(?<![\d.,])\d(?:[ -]?\d){12,18}(?!\d)/g;
// 11 digits, at most three single spaces or dashes between them ("385010 10008").
const PERSONAL_CODE = /(?<![\d.,+])[1-6](?:[ -]?\d){10}(?![\d]|[.,]\d)/g;
/** Zero-width characters, soft hyphen, direction marks and isolates. */
const INVISIBLE =
  /[\u00AD\u180E\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;
// A zero-width joiner is kept only inside an emoji sequence (👩‍👧).
const STRAY_JOINER =
  /(?<!\p{Extended_Pictographic}|\uFE0F|\p{Emoji_Modifier})\u200D|\u200D(?!\p{Extended_Pictographic})/gu;
const CURRENCY_AFTER = /^\s*(?:€|eur\b|euro|eurot|евро|рубл)/i;
const PHONE = new RegExp(
  [
    // International: +372 5123 4567, 00372 5123 4567, +44 20 7946 0958 (8-15 digits).
    String.raw`(?:\+|\b00)\d{1,3}(?:[ -]?\(?\d{1,4}\)?){2,5}`,
    // Estonian mobile 5xx xxxx / 5xxx xxxx and 8xxx xxxx, landline 3/4/6/7xx xxxx.
    String.raw`(?<![\d.,+-])(?:5\d{2,3}|8\d{3}|[3467]\d{2})[ -]?\d{4}(?![\d]|[.,]\d)`,
  ].join('|'),
  'g',
);
const DOCUMENT = /\b[A-Z]{1,2}\d{7}\b/gi;

export function redact(input: string, options: RedactOptions = {}): Redacted {
  // A person's message is redacted twice in its turn (the notice, then the transcript row):
  // the second call answers from the first. Only the last text is held, and only without names.
  if (options.names !== undefined && options.names.length > 0)
    return redactWith(input, options, true);
  if (input !== lastInput || lastResult === undefined) {
    lastResult = redactWith(input, options, true);
    lastInput = input;
  }
  return { text: lastResult.text, found: [...lastResult.found] };
}

let lastInput: string | undefined;
let lastResult: Redacted | undefined;

/**
 * `redact`, optionally without its shortcut (every rule run on every text): the definition the
 * shortcut is tested against (test/privacy/redact-shortcut.test.ts).
 */
export function redactWith(input: string, options: RedactOptions, shortcut: boolean): Redacted {
  const found: RedactionKind[] = [];
  const note = (kind: RedactionKind) => {
    if (!found.includes(kind)) found.push(kind);
  };
  let text = normalizeForRedaction(input);
  // Most messages hold no digit and no @: the rules below cannot match them (each needs an
  // ASCII digit, the e-mail rule an @; the replacements add neither), so they are not run.
  if (!shortcut || text.includes('@')) text = text.replace(EMAIL, () => (note('email'), '[email]'));
  if (shortcut && !ANY_DIGIT.test(text)) return redactNames(text, options, note, found);
  text = text.replace(IBAN, (m) => replacePrefix(m, validIban, () => (note('iban'), '[iban]')));
  text = text.replace(CARD, (m) =>
    replacePrefix(
      m,
      (p) => {
        const digits = p.replace(/\D/g, '');
        return digits.length >= 13 && luhn(digits);
      },
      () => (note('card'), '[card]'),
    ),
  );
  text = text.replace(PERSONAL_CODE, (m) => {
    const digits = m.replace(/\D/g, '');
    if (m.length - digits.length > 3 || !plausiblePersonalCode(digits)) return m;
    note('personal-code');
    return '[personal-code]';
  });
  text = text.replace(PHONE, (m, offset: number, whole: string) => {
    const digits = m.replace(/\D/g, '');
    if (digits.length < 7 || digits.length > 15) return m;
    if (CURRENCY_AFTER.test(whole.slice(offset + m.length))) return m;
    note('phone');
    return '[phone]';
  });
  // One or two letters and exactly 7 digits; "ISO9001" and "COVID19" do not have the shape.
  text = text.replace(DOCUMENT, () => (note('document'), '[document]'));
  return redactNames(text, options, note, found);
}

const ANY_DIGIT = /[0-9]/;

function redactNames(
  input: string,
  options: RedactOptions,
  note: (kind: RedactionKind) => void,
  found: RedactionKind[],
): Redacted {
  let text = input;
  for (const name of options.names ?? []) {
    const trimmed = name.trim();
    if (trimmed.length < 2) continue;
    const re = new RegExp(`(?<![\\p{L}])${escapeRegExp(trimmed)}(?![\\p{L}])`, 'giu');
    if (re.test(text)) {
      note('name');
      text = text.replace(re, '[name]');
    }
  }
  return { text, found };
}

/**
 * A greedy match may run into the next word or number ("EE38 2200 … 5685 THANKS"): the longest
 * prefix that ends before a separator and passes the check is replaced, the rest is kept.
 */
function replacePrefix(
  match: string,
  valid: (candidate: string) => boolean,
  replacement: () => string,
): string {
  for (let end = match.length; end > 0; end--) {
    if (end < match.length && !/[ -]/.test(match[end] ?? '')) continue;
    const prefix = match.slice(0, end);
    if (valid(prefix)) return replacement() + match.slice(end);
  }
  return match;
}

/** NFKC, then zero-width characters and direction marks removed. */
export function normalizeForRedaction(input: string): string {
  const text = input.normalize('NFKC').replace(INVISIBLE, '');
  // Only a zero-width joiner can match: most texts have none.
  return text.includes('\u200D') ? text.replace(STRAY_JOINER, '') : text;
}

/** Shaped like an isikukood: 11 digits, century/sex digit 1-6 and a real birth date. */
export function plausiblePersonalCode(code: string): boolean {
  if (!/^[1-6]\d{10}$/.test(code)) return false;
  const century = 1800 + Math.floor((Number(code[0]) - 1) / 2) * 100;
  const year = century + Number(code.slice(1, 3));
  const month = Number(code.slice(3, 5));
  const day = Number(code.slice(5, 7));
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/** Estonian personal code (isikukood): century/sex digit, valid date, check digit. */
export function validPersonalCode(code: string): boolean {
  if (!plausiblePersonalCode(code)) return false;
  const d = [...code].map(Number);
  const weights1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 1];
  const weights2 = [3, 4, 5, 6, 7, 8, 9, 1, 2, 3];
  const sum = (w: number[]) => w.reduce((s, wi, i) => s + wi * (d[i] ?? 0), 0) % 11;
  let check = sum(weights1);
  if (check === 10) {
    check = sum(weights2);
    if (check === 10) check = 0;
  }
  return check === d[10];
}

export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let n = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
  }
  return sum % 10 === 0;
}

export function validIban(candidate: string): boolean {
  const iban = candidate.replace(/\s/g, '').toUpperCase();
  if (iban.length < 15 || iban.length > 34) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const ch of rearranged) {
    const v = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const digit of v) rest = (rest * 10 + Number(digit)) % 97;
  }
  return rest === 1;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

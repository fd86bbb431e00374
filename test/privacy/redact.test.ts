import { describe, expect, it } from 'vitest';
import { redact, validPersonalCode } from '../../src/privacy/redact.js';
import { createPseudonymizer } from '../../src/privacy/pseudonym.js';

/** Text containing personal data, the kind expected, and what must be gone afterwards. */
const POSITIVES: [string, string, string][] = [
  ['minu isikukood on 37605030299', 'personal-code', '37605030299'],
  ['IK:49001010012.', 'personal-code', '49001010012'],
  ['мой личный код 61203151230, помогите', 'personal-code', '61203151230'],
  ['born 2001: code 38501010002', 'personal-code', '38501010002'],
  ['helista mulle 5123 4567', 'phone', '5123 4567'],
  ['tel 51234567', 'phone', '51234567'],
  ['call +372 5123 4567 please', 'phone', '5123 4567'],
  ['number: 00372 612 3456', 'phone', '612 3456'],
  ['landline 6123456', 'phone', '6123456'],
  ['mobile 8123 4567', 'phone', '8123 4567'],
  ['звоните +7 912 345-67-89', 'phone', '345-67-89'],
  ['UK +44 20 7946 0958', 'phone', '7946 0958'],
  ['kiri: mari.maasikas@example.ee', 'email', 'mari.maasikas@example.ee'],
  ['write to Jüri_Tamm+abi@mail.example.com!', 'email', 'Jüri_Tamm+abi@mail.example.com'],
  ['почта: иван@пример.рф', 'email', 'иван@пример.рф'],
  ['konto EE382200221020145685', 'iban', 'EE382200221020145685'],
  ['IBAN EE38 2200 2210 2014 5685 THANKS', 'iban', '2014 5685'],
  ['account gb82 west 1234 5698 7654 32', 'iban', '5698 7654'],
  ['kaart 4111 1111 1111 1111', 'card', '4111 1111 1111 1111'],
  ['card 5500-0000-0000-0004 exp 12/27', 'card', '5500-0000-0000-0004'],
  ['amex 378282246310005', 'card', '378282246310005'],
  ['card 4111111111111111 12', 'card', '4111111111111111'],
  ['passi number K1234567', 'document', 'K1234567'],
  // Variants (issue 15): a wrong check digit, spaces, zero-width and full-width characters.
  ['isikukood 37605030298 vale kontrollnumber', 'personal-code', '37605030298'],
  ['kood 376050 30299', 'personal-code', '30299'],
  ['kood 3760503 0299', 'personal-code', '0299'],
  ['kood 376-0503-0299', 'personal-code', '0503'],
  ['kood 3760\u200B5030299', 'personal-code', '5030299'],
  ['kood 376\u200C050\u200D30\u206029\uFEFF9', 'personal-code', '299'],
  ['kood ３７６０５０３０２９９', 'personal-code', '２９９'],
  ['mail mari\u200B.maasikas@example.ee', 'email', 'maasikas'],
  ['mail mari＠example.ee', 'email', 'example.ee'],
  ['mail ｍａｒｉ＠ｅｘａｍｐｌｅ．ｅｅ', 'email', 'ｍａｒｉ'],
  ['tel 5123\u200B4567', 'phone', '4567'],
  ['tel ５１２３ ４５６７', 'phone', '４５６７'],
  ['tel +372\u00A05123\u00A04567', 'phone', '5123'],
  ['konto EE38\u200B2200221020145685', 'iban', '221020145685'],
  ['konto EE38\u00A02200\u00A02210\u00A02014\u00A05685', 'iban', '5685'],
  ['kaart 4111\u00A01111\u00A01111\u00A01111', 'card', '4111'],
  ['kaart 4111\u202F1111\u202F1111\u202F1111', 'card', '4111'],
  ['kaart ４１１１ １１１１ １１１１ １１１１', 'card', '１１１１'],
  ['ID-kaart AB0012345 kehtib', 'document', 'AB0012345'],
  ['документ ab1234567', 'document', 'ab1234567'],
];

/** Look-alikes that must survive unchanged. */
const NEGATIVES = [
  'abiellusime 12.05.2024',
  'vanemahüvitis on 1200 eur kuus',
  'pension 6000000 eur? no, 7000000 €',
  'toetus 600 000 eurot',
  'helista 112 või 1247',
  'aastatel 2019-2024',
  'number 12345678901',
  'date 20240512',
  'order 4111 1111 1111 1112',
  'code EE382200221020145686',
  'ISO9001 ja COVID19',
  'ABC1234567 ja A12345678',
  'veebruar 2001 ja 29.02',
  'rahvastikuregister.ee ja www.eesti.ee',
  'mail at example dot com',
  'kell 09:00-17:00',
  'summa 3 500 000',
  'versioon 1.2.3.4',
  'tere, kuidas läheb?',
  // Shaped like a personal code but no real birth date (month 45, day 32).
  'number 37645030299',
  'number 37601320299',
  'kood 376 05 03 02 99',
];

describe('redact', () => {
  it.each(POSITIVES)('hides personal data in %j', (input, kind, secret) => {
    const result = redact(input);
    expect(result.found).toContain(kind);
    expect(result.text).not.toContain(secret);
    expect(result.text).toContain(`[${kind}]`);
  });

  it.each(NEGATIVES)('keeps the look-alike %j', (input) => {
    expect(redact(input)).toEqual({ text: input, found: [] });
  });

  it('replaces several kinds in one message and lists each once', () => {
    const result = redact('Mari 37605030299, mari@example.ee, 5123 4567 ja 5765 4321');
    expect(result.text).toBe('Mari [personal-code], [email], [phone] ja [phone]');
    expect(result.found).toEqual(['email', 'personal-code', 'phone']);
  });

  it('hides the given names as whole words only', () => {
    const result = redact('Tere, Mari Maasikas! Marina ei ole sina.', {
      names: ['Mari Maasikas', 'x'],
    });
    expect(result.text).toBe('Tere, [name]! Marina ei ole sina.');
  });

  it('stores the normalised text: NFKC, without zero-width characters', () => {
    expect(redact('ｔｅｒｅ\u200B, kuidas\u00A0läheb?').text).toBe('tere, kuidas läheb?');
    // An emoji sequence keeps its joiner.
    expect(redact('pere 👩\u200D👧').text).toBe('pere 👩\u200D👧');
  });

  it('checks the personal code date and check digit', () => {
    expect(validPersonalCode('37605030299')).toBe(true);
    expect(validPersonalCode('37613030299')).toBe(false);
    expect(validPersonalCode('77605030299')).toBe(false);
  });
});

describe('pseudonym', () => {
  it('is stable per key and subject, differs across keys, and hides the subject', () => {
    const a = createPseudonymizer('k'.repeat(32));
    const b = createPseudonymizer('j'.repeat(32));
    expect(a('37605030299')).toBe(a(' 37605030299 '));
    expect(a('37605030299')).not.toBe(b('37605030299'));
    expect(a('37605030299')).toMatch(/^[0-9a-f]{64}$/);
    expect(a('37605030299')).not.toContain('37605030299');
  });
});

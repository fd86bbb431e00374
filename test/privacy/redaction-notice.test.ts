import { describe, expect, it } from 'vitest';
import { redactionNotice } from '../../src/privacy/redaction-notice.js';

const CODE = '38501010002';
const CARD = '4111 1111 1111 1111';
const IBAN = 'EE382200221020145685';

describe('redaction notice', () => {
  it('tells the person in their language that a personal code was removed and is never needed', () => {
    expect(redactionNotice(`minu isikukood on ${CODE}`, 'et')).toBe(
      'Sinu sõnum sisaldas isikukoodi. Eemaldasin selle vestluse salvestusest: abiline ei vaja seda kunagi, nii et ära seda siia kirjuta.',
    );
    expect(redactionNotice(`my code is ${CODE}`, 'en')).toMatch(
      /^Your message contained a personal identification code\. I removed it from the record .* never needs it/,
    );
    expect(redactionNotice(`мой код ${CODE}`, 'ru')).toMatch(
      /^В вашем сообщении был личный код\. Я удалил его .* он никогда не нужен/,
    );
  });

  it('names every kind found: card and account number together', () => {
    expect(redactionNotice(`card ${CARD}, account ${IBAN}`, 'en')).toMatch(
      /contained a bank account number and a payment card number\. I removed them/,
    );
    expect(redactionNotice(`карта ${CARD}, счёт ${IBAN}`, 'ru')).toMatch(
      /были номер счёта и номер банковской карты\. Я удалил их .* они никогда не нужны/,
    );
    expect(redactionNotice(`kaart ${CARD} ja konto ${IBAN}`, 'et')).toMatch(
      /sisaldas kontonumbrit ja pangakaardi numbrit\. Eemaldasin need/,
    );
  });

  it('says nothing for amounts, dates, phone numbers or e-mail (those are kept for contact)', () => {
    for (const text of [
      'the fee is 70 €',
      'born 1985',
      '+372 5123 4567',
      'mari@example.ee',
      'tere',
    ])
      expect(redactionNotice(text, 'en')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { redact, validPersonalCode } from '../../src/privacy/redact.js';
import { createPseudonymizer } from '../../src/privacy/pseudonym.js';
import { NEGATIVES, POSITIVES } from './redaction-samples.js';

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

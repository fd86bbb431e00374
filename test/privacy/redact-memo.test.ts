/**
 * `redact` answers a text it has just redacted from memory (a person's message is redacted for
 * the notice and again for the transcript row): the same text and kinds as computed afresh, in
 * any order of calls, and a caller changing the kinds it got cannot change the next answer.
 */
import { describe, expect, it } from 'vitest';
import { redact, redactWith } from '../../src/privacy/redact.js';
import { NEGATIVES, POSITIVES } from './redaction-samples.js';

const TEXTS = [...POSITIVES.map(([text]) => text), ...NEGATIVES, 'tere', ''];

describe('redact remembers its last text', () => {
  it('gives what redactWith gives, called once, twice and alternating, with and without names', () => {
    const names = { names: ['Mari Maasikas'] };
    for (let i = 0; i < TEXTS.length; i++) {
      const text = TEXTS[i]!;
      const other = TEXTS[(i + 1) % TEXTS.length]!;
      const fresh = redactWith(text, {}, true);
      expect(redact(text)).toEqual(fresh);
      expect(redact(text)).toEqual(fresh);
      expect(redact(text, names)).toEqual(redactWith(text, names, true));
      expect(redact(other)).toEqual(redactWith(other, {}, true));
      expect(redact(text, {})).toEqual(fresh);
      expect(redact(`Mari Maasikas ${text}`, names)).toEqual(
        redactWith(`Mari Maasikas ${text}`, names, true),
      );
    }
    expect(POSITIVES.length).toBeGreaterThan(10);
  });

  it('hands out its own array of kinds each time', () => {
    const text = POSITIVES[0]![0];
    const first = redact(text);
    expect(first.found.length).toBeGreaterThan(0);
    first.found.length = 0;
    expect(redact(text).found).toEqual(redactWith(text, {}, true).found);
  });
});

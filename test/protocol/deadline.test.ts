import { describe, expect, it } from 'vitest';
import {
  deadlineFormProblem,
  deadlineText,
  isDeadlineSentence,
} from '../../src/protocol/deadline.js';

const label = (d: string) => `Tähtaeg: ${d}.`;

describe('deadlineText', () => {
  it('puts a fragment after its label', () => {
    expect(deadlineText('30 päeva jooksul pärast kolimist', label)).toBe(
      'Tähtaeg: 30 päeva jooksul pärast kolimist.',
    );
    expect(deadlineText('в течение 30 дней после переезда', (d) => `Срок: ${d}.`)).toBe(
      'Срок: в течение 30 дней после переезда.',
    );
  });

  it('shows a sentence on its own, so the label never repeats it', () => {
    const sentence = 'Tähtaja määrab lahkunu elukoha omavalitsus.';
    expect(deadlineText(sentence, label)).toBe(sentence);
    expect(isDeadlineSentence('Срок устанавливает самоуправление.')).toBe(true);
  });
});

describe('deadlineFormProblem', () => {
  it('accepts the two forms', () => {
    expect(deadlineFormProblem('within 30 days of moving')).toBeUndefined();
    expect(deadlineFormProblem('Apply at least 30 days before service starts.')).toBeUndefined();
  });

  it('names a fragment that ends like a sentence and a sentence without its full stop', () => {
    expect(deadlineFormProblem('1 kuu jooksul pärast sündi.')).toMatch(/without a full stop/);
    expect(deadlineFormProblem('Abielu sõlmitakse kõige varem 1 kuu pärast')).toMatch(
      /ending with a full stop/,
    );
    expect(deadlineFormProblem(' ')).toMatch(/empty/);
  });
});

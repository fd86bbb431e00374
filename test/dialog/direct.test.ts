import { describe, expect, it } from 'vitest';
import { factFor, overlap, questionsAhead } from '../../src/dialog/direct.js';
import { tokens } from '../../src/dialog/extract/lexicon.js';
import type { CatalogFact, CatalogService, Dialog } from '../../src/dialog/schema.js';

const fact = (id: string, kind: CatalogFact['kind'], value?: number): CatalogFact => ({
  id,
  kind,
  ...(value !== undefined && { value, unit: 'days' }),
  effective: '2020-01-01',
  checked: '2026-12-01',
  source: 'https://www.sotsiaalkindlustusamet.ee/',
});

const service = {
  id: 'support',
  facts: [
    fact('paid-for', 'duration', 150),
    fact('apply-within', 'deadline', 45),
    fact('amount', 'amount', 200),
  ],
} as unknown as CatalogService;

const SENTENCES: Record<string, string> = {
  'paid-for': 'During court proceedings the allowance is paid for up to 150 days.',
  'apply-within': 'The deadline to apply for the allowance is 45 days after the court order.',
  amount: 'The allowance is €200 a month per child.',
};
const sentence = (f: CatalogFact) => SENTENCES[f.id] ?? '';

describe('choosing the fact of a direct question', () => {
  it('takes the fact whose sentence says most of the question, across kinds that answer it', () => {
    // “How many days” sounds like a duration; “to apply … after the order” is the deadline.
    const q = tokens('how many days do I have to apply after the court order');
    expect(factFor(service, 'duration', q, sentence)?.id).toBe('apply-within');
    expect(
      factFor(service, 'duration', tokens('how long is it paid during the proceedings'), sentence)
        ?.id,
    ).toBe('paid-for');
  });

  it('lets the kind asked for break a tie of words', () => {
    expect(factFor(service, 'duration', tokens('how long'), sentence)?.id).toBe('paid-for');
    expect(factFor(service, 'deadline', tokens('what is it'), sentence)?.id).toBe('apply-within');
  });

  it('gives no fact for who/where questions, and none without a kind or shared word', () => {
    expect(
      factFor(service, 'provider', tokens('who pays the allowance'), sentence),
    ).toBeUndefined();
    expect(factFor(service, 'age', tokens('until what age'), sentence)).toBeUndefined();
  });

  it('counts shared words by their common beginning of at least 4 letters', () => {
    expect(overlap(tokens('lapsetoetus'), tokens('lapsetoetus on 80 eurot'))).toBe(11);
    expect(overlap(tokens('taotleda'), tokens('taotlemise tähtaeg'))).toBe(6);
    expect(overlap(tokens('isa'), tokens('isa vanemahüvitis'))).toBe(0);
  });
});

describe('counting the questions ahead', () => {
  const dialog = {
    lifeEvent: 'divorce',
    start: 'intro',
    nodes: {
      intro: { kind: 'message', text: 'x', next: 'a' },
      a: {
        kind: 'question',
        text: 'x',
        var: 'a',
        options: [
          { id: 'yes', goto: 'b' },
          { id: 'no', goto: 'end' },
        ],
      },
      b: { kind: 'input', text: 'x', var: 'b', next: 'end' },
      end: { kind: 'end', text: 'x' },
    },
  } as unknown as Dialog;

  it('counts the longest path, skipping what is known and following the known answer', () => {
    expect(questionsAhead(dialog, 'intro', {})).toBe(2);
    expect(questionsAhead(dialog, 'intro', { a: 'no' })).toBe(0);
    expect(questionsAhead(dialog, 'intro', { a: 'yes' })).toBe(1);
    expect(questionsAhead(dialog, 'intro', { b: 'Tartu' })).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import {
  factFor,
  factsWith,
  factSentence,
  formatDate,
  overlap,
  questionsAhead,
  scoredFact,
} from '../../src/dialog/direct.js';
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

/** A service with only an id and facts: all that the fact choice reads. */
const serviceWith = (id: string, facts: object[]): CatalogService =>
  ({ id, facts }) as unknown as CatalogService;

const service = serviceWith('support', [
  fact('paid-for', 'duration', 150),
  fact('apply-within', 'deadline', 45),
  fact('amount', 'amount', 200),
]);

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

  it('never answers a question about anything but money with a sum of money', () => {
    // F-2 (review 16): “how long … allowance” shares “allowance” with the amount's sentence.
    const money = serviceWith('fee-only', [fact('fee', 'fee', 45), fact('amount', 'amount', 200)]);
    const q = tokens('how long is the allowance paid, from what age');
    expect(factFor(money, 'duration', q, sentence)).toBeUndefined();
    expect(factFor(money, 'age', q, sentence)).toBeUndefined();
    expect(factFor(money, 'amount', tokens('the allowance'), sentence)?.id).toBe('amount');
  });

  it('gives the facts of the same kind and unit that answer as well, not the others', () => {
    const lengths = serviceWith('service-length', [
      fact('short', 'duration', 8),
      fact('long', 'duration', 11),
      fact('notice', 'deadline', 30),
      { ...fact('draft', 'duration', 12), status: 'draft' },
    ]);
    const said: Record<string, string> = {
      short: 'Shorter service lasts 8 months.',
      long: 'Longer service lasts 11 months.',
      notice: 'The start is given 30 days ahead.',
      draft: 'Service lasts 12 months.',
    };
    const words = (f: CatalogFact) => said[f.id] ?? '';
    const [short, long] = lengths.facts ?? [];
    const ids = (q: string, best: CatalogFact) =>
      factsWith(lengths, best, tokens(q), words).map((f) => f.id);
    // “How long” shares 4 letters with “Longer”: one short word, so both lengths are given.
    expect(ids('how long is service', long!)).toEqual(['long', 'short']);
    expect(ids('how long does service last', short!)).toEqual(['short', 'long']);
    // A question that says much more of one of them gets that one only.
    expect(ids('how long is the longer service that lasts', long!)).toEqual(['long']);
  });

  it('lets a rule stand in for a figure only for the service the question names', () => {
    // Review 23b's catch-all rules: “who pays child support” shares the topic's words with
    // “how much is the allowance per child”, and took it from the allowance (issue 13).
    const maintenance = serviceWith('maintenance', [fact('who-pays', 'other')]);
    const said = (f: CatalogFact) =>
      f.id === 'who-pays' ? 'The parent who does not live with the child pays maintenance.' : '';
    const q = tokens('how much maintenance allowance per child');
    const words = tokens('how much is the allowance per child');
    expect(scoredFact(maintenance, 'amount', q, said)?.fact.id).toBe('who-pays');
    expect(scoredFact(maintenance, 'amount', q, said, [], undefined, false)).toBeUndefined();
    // A yes/no question is a rule's own, named or not.
    expect(
      scoredFact(
        maintenance,
        'rule',
        tokens('does the parent who lives apart pay maintenance'),
        said,
        [],
        undefined,
        false,
      )?.fact.id,
    ).toBe('who-pays');
    expect(scoredFact(service, 'amount', words, sentence, [], undefined, false)?.fact.id).toBe(
      'amount',
    );
  });

  it('counts shared words by their common beginning of at least 4 letters', () => {
    expect(overlap(tokens('lapsetoetus'), tokens('lapsetoetus on 80 eurot'))).toBe(11);
    expect(overlap(tokens('taotleda'), tokens('taotlemise tähtaeg'))).toBe(6);
    expect(overlap(tokens('isa'), tokens('isa vanemahüvitis'))).toBe(0);
  });
});

describe('saying a fact with its date', () => {
  const tc = (key: string, o?: Record<string, unknown>) =>
    key.endsWith('apply-within') ? `Taotle ${String(o?.value)} jooksul.` : key;
  const tv = (key: string, o?: Record<string, unknown>) =>
    key === 'direct.inForce'
      ? `kehtib, kontrollitud ${String(o?.date)}`
      : key === 'direct.since'
        ? `kehtib alates ${String(o?.date)}`
        : key === 'direct.source'
          ? `Allikas: ${String(o?.url)}`
          : key.startsWith('units.')
            ? `${String(o?.n)} päeva`
            : key;

  it('gives the start date when the source states it', () => {
    const f = fact('apply-within', 'deadline', 45);
    expect(factSentence(service, f, 'et', tc, tv)).toMatch(
      /^Taotle 45 päeva jooksul \(kehtib alates 1\. jaanuarist 2020\)\. Allikas: https/,
    );
  });

  it('invents no start date: a rule whose start no source states is "in force, checked …"', () => {
    const f = { ...fact('apply-within', 'deadline', 45), effective: 'unknown' };
    const said = factSentence(service, f, 'et', tc, tv);
    expect(said).toMatch(/\(kehtib, kontrollitud 1\. detsember 2026\)/);
    expect(said).not.toMatch(/alates/);
    // No words about the sources stand in for the missing date, and never "Invalid Date".
    expect(() => formatDate('unknown', 'et')).toThrow(/no start date/);
    expect(formatDate('2025-01-01', 'ru')).toBe('1 января 2025 г.');
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

  it('follows a branch the known answers decide, and either way while they do not', () => {
    const branching = {
      lifeEvent: 'death-of-relative',
      start: 'a',
      nodes: {
        a: {
          kind: 'question',
          text: 'x',
          var: 'a',
          options: [
            { id: 'yes', goto: 'pick' },
            { id: 'no', goto: 'pick' },
          ],
        },
        pick: {
          kind: 'branch',
          cases: [{ when: { a: 'yes' }, goto: 'b' }],
          otherwise: 'end',
        },
        b: { kind: 'input', text: 'x', var: 'b', next: 'end' },
        end: { kind: 'end', text: 'x' },
      },
    } as unknown as Dialog;
    expect(questionsAhead(branching, 'a', {})).toBe(2);
    expect(questionsAhead(branching, 'a', { a: 'yes' })).toBe(1);
    expect(questionsAhead(branching, 'a', { a: 'no' })).toBe(0);
  });
});

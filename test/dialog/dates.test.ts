import { describe, expect, it } from 'vitest';
import {
  ageOf,
  dayFromIso,
  findBirths,
  findDates,
  isoOf,
  reaching,
  sideOf,
  tenseOf,
  type AgeLexicons,
} from '../../src/dialog/extract/dates.js';
import { Extractors } from '../../src/dialog/extract/extractors.js';
import { tokens } from '../../src/dialog/extract/lexicon.js';
import type { NodeOf } from '../../src/dialog/schema.js';
import { realBundle } from './helpers.js';

/** Tuesday 1 December 2026: every relative date below is counted from it. */
const TODAY = dayFromIso('2026-12-01')!;
const NOW = { now: TODAY * 86_400_000 + 12 * 3_600_000 };

describe('dates and ages in free text', () => {
  const bundle = realBundle();
  const extractors = new Extractors(bundle.resources);
  const lex: AgeLexicons = {
    cue: extractors.lexicon('date-cue'),
    months: extractors.lexicon('month-names'),
    ageCue: extractors.lexicon('age-cue'),
  };
  const dates = (text: string): string[] =>
    findDates(text, tokens(text), TODAY, lex).map((s) => `${isoOf(s.from)}..${isoOf(s.to)}`);
  const side = (text: string): string | undefined => {
    const toks = tokens(text);
    return sideOf(findDates(text, toks, TODAY, lex), TODAY, tenseOf(toks, lex));
  };

  it('reads relative days in three languages', () => {
    expect(dates('laps sündis eile')).toEqual(['2026-11-30..2026-11-30']);
    expect(dates('родился вчера')).toEqual(['2026-11-30..2026-11-30']);
    expect(dates('born the day before yesterday')).toEqual(['2026-11-29..2026-11-29']);
    expect(dates('sündis täna hommikul')).toEqual(['2026-12-01..2026-12-01']);
  });

  it('reads spans back and forward: ago, in, last, next', () => {
    expect(dates('2 nädalat tagasi')).toEqual(['2026-11-17..2026-11-17']);
    expect(dates('kaks nädalat tagasi')).toEqual(['2026-11-17..2026-11-17']);
    expect(dates('2 weeks ago')).toEqual(['2026-11-17..2026-11-17']);
    expect(dates('2 недели назад')).toEqual(['2026-11-17..2026-11-17']);
    expect(dates('в прошлом месяце')).toEqual(['2026-11-01..2026-11-30']);
    expect(dates('eelmisel nädalal')).toEqual(['2026-11-23..2026-11-29']);
    expect(dates('last year')).toEqual(['2025-01-01..2025-12-31']);
    expect(dates('in 3 months')).toEqual(['2027-03-01..2027-03-01']);
    expect(dates('через 3 месяца')).toEqual(['2027-03-01..2027-03-01']);
    expect(dates('3 kuu pärast')).toEqual(['2027-03-01..2027-03-01']);
  });

  it('reads day and month in any inflection, with or without a year', () => {
    expect(dates('15. märtsil 2026')).toEqual(['2026-03-15..2026-03-15']);
    expect(dates('15 марта 2025 года')).toEqual(['2025-03-15..2025-03-15']);
    expect(dates('on March 15, 2026')).toEqual(['2026-03-15..2026-03-15']);
    expect(dates('15.03.2026')).toEqual(['2026-03-15..2026-03-15']);
    expect(dates('2026-03-15')).toEqual(['2026-03-15..2026-03-15']);
    // Without a year: the side the words point to, else the nearest.
    expect(dates('laps sündis 15. märtsil')).toEqual(['2026-03-15..2026-03-15']);
    expect(dates('sünnitähtaeg 15. märtsil')).toEqual(['2027-03-15..2027-03-15']);
    expect(dates('tähtaeg mais')).toEqual(['2027-05-01..2027-05-31']);
    expect(dates('срок в мае')).toEqual(['2027-05-01..2027-05-31']);
  });

  it('tolerates a typo in a long month name and ignores an impossible date', () => {
    expect(dates('15 septembr 2026')).toEqual(['2026-09-15..2026-09-15']);
    expect(dates('31.02.2026')).toEqual([]);
  });

  it('says past or future only when every date said is on that side', () => {
    expect(side('sündis eile')).toBe('past');
    expect(side('tähtaeg mais')).toBe('future');
    expect(side('we are expecting the baby next month')).toBe('future');
    expect(side('ребенок родился в прошлом месяце')).toBe('past');
    // “This month” contains today: only the verb says which.
    expect(side('sel kuul')).toBeUndefined();
    expect(side('sündis sel kuul')).toBe('past');
    expect(side('married last year, the baby is due in May')).toBeUndefined();
    expect(side('no date here')).toBeUndefined();
  });

  const births = (text: string) => findBirths(text, tokens(text), TODAY, lex);

  it('reads ages with their cue words and typos, and birth years', () => {
    expect(births('olen 63').map((b) => ageOf(b, TODAY))).toEqual([63]);
    expect(births('мне 64 года').map((b) => ageOf(b, TODAY))).toEqual([64]);
    expect(births("I'm 65").map((b) => ageOf(b, TODAY))).toEqual([65]);
    expect(births('63-aastane').map((b) => ageOf(b, TODAY))).toEqual([63]);
    expect(births('oleme 30 ja 28 aastased').map((b) => ageOf(b, TODAY))).toEqual([30, 28]);
    // Up to two “both” words may stand between the cue and the number.
    expect(births('oleme mõlemad 30').map((b) => ageOf(b, TODAY))).toEqual([30]);
    expect(births('нам обоим по 30').map((b) => ageOf(b, TODAY))).toEqual([30]);
    expect(births('we are both 30').map((b) => ageOf(b, TODAY))).toEqual([30]);
    expect(births('mõlemad 30')).toEqual([]);
    expect(births('sündisin 15.05.1961').map((b) => ageOf(b, TODAY))).toEqual([65]);
    // A year alone leaves the birthday open: 64 or 65 today.
    expect(births('sündisin 1961').map((b) => ageOf(b, TODAY))).toEqual([undefined]);
    expect(births('я 1961 года рождения')).toHaveLength(1);
    // A number without an age cue is no age.
    expect(births('meil on 3 last')).toEqual([]);
  });

  it('tells when an age is reached, and says nothing when a whole-year age leaves it open', () => {
    const one = (text: string) => births(text)[0]!;
    expect(reaching(one('olen 63'), 65, 6, TODAY)).toBe('later');
    expect(reaching(one('I am 66'), 65, 6, TODAY)).toBe('reached');
    expect(reaching(one('мне 64 года'), 65, 6, TODAY)).toBeUndefined();
    expect(reaching(one('sündisin 15.05.1962'), 65, 6, TODAY)).toBe('within');
    expect(reaching(one('born in 1961'), 65, 6, TODAY)).toBe('within');
    expect(reaching(one('pruut on 17'), 18, 0, TODAY)).toBe('later');
  });
});

describe('typed extractors in the real dialogs', () => {
  const bundle = realBundle();
  const extractors = new Extractors(bundle.resources, [], (ref) =>
    ref === 'ret-old-age-pension.pension-age-2026' ? 65 : undefined,
  );
  const question = (lifeEvent: 'retirement' | 'child-birth', id: string) =>
    bundle.dialogs[lifeEvent]!.dialog.nodes[id] as NodeOf<'question'>;

  it('answers “born yet?” from a date or a due date, and keeps what it read', () => {
    const born = question('child-birth', 'ask-born');
    const dialog = bundle.dialogs['child-birth']!.dialog;
    expect(extractors.answer(born, 'sündis eile', NOW)).toBe('yes');
    expect(extractors.answer(born, 'tähtaeg mais', NOW)).toBe('not-yet');
    expect(extractors.answer(born, 'срок в мае', NOW)).toBe('not-yet');
    expect(
      extractors.forDialog(dialog, 'our baby arrived on 15 November', NOW).get('born'),
    ).toMatchObject({ value: 'yes', detail: 'date:2026-11-15' });
    // The phrase lexicon wins over a date elsewhere in the message.
    expect(extractors.answer(born, 'we married last year and the baby is not born yet', NOW)).toBe(
      'not-yet',
    );
  });

  it('answers “pension age within 6 months?” from an age or a birth year', () => {
    const when = question('retirement', 'ask-when');
    const dialog = bundle.dialogs.retirement!.dialog;
    expect(extractors.answer(when, 'olen 63', NOW)).toBe('no');
    expect(extractors.answer(when, 'мне 63 года', NOW)).toBe('no');
    expect(extractors.answer(when, "I'm 65", NOW)).toBe('yes');
    expect(extractors.answer(when, '66-aastane', NOW)).toBe('yes');
    expect(extractors.answer(when, 'мне 64 года', NOW)).toBeUndefined();
    expect(extractors.forDialog(dialog, 'sündisin 1961', NOW).get('soon')).toMatchObject({
      value: 'yes',
      detail: 'born:1961',
    });
  });
});

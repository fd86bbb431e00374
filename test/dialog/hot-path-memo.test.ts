/**
 * The turn's small memories give what the plain calls give: the glossary terms of a reply
 * (`termsInReply` against `termsIn`) and the folded message `matchOption` keeps between the
 * calls of one turn.
 */
import { describe, expect, it } from 'vitest';
import { createTexts } from '../../src/dialog/i18n.js';
import { matchOption, normalise, type OfferedOption } from '../../src/dialog/match.js';
import { Understanding } from '../../src/dialog/understand.js';
import { LANGS } from '../../src/protocol/frames.js';
import type { JsonTree } from '../../src/dialog/load.js';
import { heldOutTexts } from '../../scripts/held-out-texts.js';
import { realBundle } from './helpers.js';

function strings(tree: JsonTree, out: string[] = []): string[] {
  for (const v of Object.values(tree)) {
    if (typeof v === 'string') out.push(v);
    else if (typeof v === 'object' && v !== null) strings(v, out);
  }
  return out;
}

describe('termsInReply', () => {
  const { resources } = realBundle();
  const u = new Understanding(resources);
  const texts = LANGS.flatMap((lang) => [
    ...strings(resources[lang].dialog),
    ...strings(resources[lang].catalog),
  ]);

  it('answers termsIn for every dialog and catalog text, twice, the second time from memory', () => {
    expect(texts.length).toBeGreaterThan(1000);
    let named = 0;
    for (const text of texts) {
      const first = u.termsInReply(text);
      expect(first).toEqual(u.termsIn(text));
      expect(u.termsInReply(text)).toBe(first);
      expect(Object.isFrozen(first)).toBe(true);
      if (first.length > 0) named++;
    }
    // The comparison means something only if many texts name glossary terms.
    expect(named).toBeGreaterThan(100);
  });

  it('joined replies are read as one text, as before', () => {
    const joined = `${texts[0]}\n${texts[1]}`;
    expect(u.termsInReply(joined)).toEqual(u.termsIn(joined));
  });
});

describe('matchOption keeps the last folded message', () => {
  const texts = createTexts(realBundle().resources);
  const YES_NO: OfferedOption[] = [
    { id: 'yes', label: 'option.yes' },
    { id: 'no', label: 'option.no' },
  ];
  const GLOBAL: OfferedOption[] = [
    { id: 'restart', label: 'option.restart' },
    { id: 'human', label: 'option.human' },
  ];

  it('gives the same answers in any order of calls as with the message folded afresh', () => {
    const messages = [
      ...heldOutTexts().slice(0, 400),
      'jah',
      'Jah!',
      'ei',
      'ei tea',
      'нет',
      'не знаю',
      'yes please',
      'alusta uuesti',
      'inimene',
    ];
    // The reference: each answer with the memory holding another text first.
    const reference = messages.map((m) => {
      matchOption('\u0000other', YES_NO, texts);
      const yesNo = matchOption(m, YES_NO, texts);
      matchOption('\u0000other', GLOBAL, texts);
      return [yesNo, matchOption(m, GLOBAL, texts)];
    });
    const repeated = messages.map((m) => [
      matchOption(m, YES_NO, texts),
      matchOption(m, GLOBAL, texts),
    ]);
    expect(repeated).toEqual(reference);
    expect(reference.flat().filter(Boolean).length).toBeGreaterThan(5);
    // Folding itself is unchanged.
    expect(normalise('  Jah, Õige!  ')).toBe('jah oige');
  });
});

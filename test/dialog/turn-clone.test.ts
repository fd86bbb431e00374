import { describe, expect, it } from 'vitest';
import { clonePlain } from '../../src/dialog/turn.js';
import { DialogState, initialState } from '../../src/dialog/state.js';

const full: DialogState = {
  v: 1,
  lang: 'ru',
  lifeEvent: 'child-birth',
  node: 'ask-born',
  vars: { born: 'yes', abroad: 'no' },
  misses: 1,
  pendingStatus: { then: 'checklist' },
  heard: ['born', 'abroad'],
  details: { born: 'date:2026-11-30' },
  pendingSwitch: { to: 'death-of-relative', text: 'мой отец умер' },
  offer: { lifeEvent: 'retirement', text: 'pension', service: 'ret-old-age-pension', kind: 'age' },
  lastTerms: ['pension-age'],
  municipality: 'tallinn',
};

describe('clonePlain (the turn copy of the dialog state)', () => {
  it('gives what structuredClone gives for dialog states', () => {
    const withUndefined = { ...initialState('et'), node: undefined, pendingStatus: {} };
    for (const state of [initialState('en'), full, withUndefined]) {
      const copy = clonePlain(state);
      expect(copy).toStrictEqual(structuredClone(state));
      expect(Object.keys(copy)).toEqual(Object.keys(structuredClone(state)));
      expect(DialogState.safeParse(copy).success).toBe(true);
    }
  });

  it('is a deep copy: changing the copy leaves the original as it was', () => {
    const before = structuredClone(full);
    const copy = clonePlain(full);
    copy.vars.born = 'no';
    copy.heard!.push('x');
    copy.details!.born = 'age:1';
    copy.pendingSwitch!.text = 'changed';
    copy.offer!.kind = 'fee';
    expect(full).toStrictEqual(before);
    expect(clonePlain([1, [2, { a: null }], 'x'])).toStrictEqual([1, [2, { a: null }], 'x']);
  });
});

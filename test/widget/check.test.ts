import { describe, expect, it } from 'vitest';
import { checkServerFrame } from '../../widget/src/check.js';

const reply = (blocks: unknown[]) => ({
  type: 'reply',
  seq: 2,
  role: 'assistant',
  text: 'hi',
  blocks,
  ts: 1,
});

describe("the widget's check of server frames", () => {
  it('passes frames whose rendered parts have the right shape', () => {
    const welcome = {
      type: 'welcome',
      v: 1,
      sessionId: 's',
      lang: 'et',
      resumed: true,
      lastSeq: 3,
      identity: { name: 'Anna' },
    };
    expect(checkServerFrame(welcome)).toEqual(welcome);
    const plan = reply([
      { type: 'checklist', title: 'Plan', planId: 'p1', items: [{ text: 'Apply', mode: 'x' }] },
      { type: 'options', options: [{ id: 'a', label: 'A' }] },
      { type: 'sign-in' },
    ]);
    expect(checkServerFrame(plan)).toEqual(plan);
    expect(checkServerFrame({ type: 'typing', on: true })).toEqual({ type: 'typing', on: true });
  });

  it('skips a block type it does not know (a newer server) and keeps the rest', () => {
    expect(checkServerFrame(reply([{ type: 'carousel', cards: 3 }, { type: 'feedback' }]))).toEqual(
      reply([{ type: 'feedback' }]),
    );
  });

  it('drops frames whose known parts have the wrong shape', () => {
    for (const bad of [
      null,
      'reply',
      [],
      { type: 'nope' },
      { type: 'reply', seq: '2', role: 'assistant', text: 'x', blocks: [], ts: 1 },
      { type: 'user', seq: 1, id: 'a', text: 5, ts: 1 },
      { type: 'welcome', sessionId: 's', lang: 'et', resumed: true, lastSeq: 1, identity: {} },
      { type: 'error', code: 'X' },
      reply([{ type: 'options', options: [{ id: 'a' }] }]),
      reply([{ type: 'checklist', title: 'T', items: [{ text: 1 }] }]),
      reply([{ type: 'services', services: [{ name: 'n' }] }]),
      { ...reply([]), blocks: 'none' },
    ])
      expect(checkServerFrame(bad), JSON.stringify(bad)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { decide, type DecisionRules } from '../../src/nlu/decision.js';
import type { ScoredIntent } from '../../src/nlu/types.js';

const rules: DecisionRules = { minConfidence: 0.6, ambiguityMargin: 0.2, minCoverage: 0.4 };
const r = (...pairs: [ScoredIntent['intent'], number][]): ScoredIntent[] =>
  pairs.map(([intent, confidence]) => ({ intent, confidence }));

describe('decision rules', () => {
  it('answers with the top intent when it is confident and clear', () => {
    expect(decide(r(['marriage', 0.9], ['divorce', 0.05]), 1, rules)).toEqual({
      intent: 'marriage',
      confidence: 0.9,
      ambiguous: false,
    });
  });

  it('says out-of-scope below the confidence threshold', () => {
    const d = decide(r(['retirement', 0.4], ['out-of-scope', 0.1], ['marriage', 0.1]), 1, rules);
    expect(d.intent).toBe('out-of-scope');
    expect(d.confidence).toBeCloseTo(0.6);
  });

  it('says out-of-scope when the model picks out-of-scope', () => {
    expect(decide(r(['out-of-scope', 0.8], ['marriage', 0.1]), 1, rules).intent).toBe(
      'out-of-scope',
    );
  });

  it('says out-of-scope when too little of the message is known (gibberish)', () => {
    expect(decide(r(['marriage', 0.95]), 0.1, rules).intent).toBe('out-of-scope');
  });

  it('flags the answer ambiguous when the top two are close', () => {
    const d = decide(r(['child-disability', 0.62], ['child-birth', 0.5]), 1, rules);
    expect(d).toMatchObject({ intent: 'child-disability', ambiguous: true });
  });

  it('asks "A or B?" rather than giving up when two intents split a clear majority', () => {
    const d = decide(r(['child-disability', 0.45], ['child-birth', 0.4]), 1, rules);
    expect(d).toMatchObject({ intent: 'child-disability', ambiguous: true });
  });

  it('does not call it ambiguous when the runner-up is out-of-scope', () => {
    const d = decide(r(['marriage', 0.62], ['out-of-scope', 0.5]), 1, rules);
    expect(d).toMatchObject({ intent: 'marriage', ambiguous: false });
  });
});

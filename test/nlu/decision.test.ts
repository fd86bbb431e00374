import { describe, expect, it } from 'vitest';
import { decide, type DecisionRules, type Signals } from '../../src/nlu/decision.js';
import type { IntentId, ScoredIntent } from '../../src/nlu/types.js';

const rules: DecisionRules = {
  minConfidence: 0.6,
  minConfidenceOther: 0.4,
  ambiguityMargin: 0.2,
  minCoverage: 0.4,
  minEvidence: 0.2,
  maxOov: 0.5,
  minConfidenceOov: 0.9,
  minContested: 0.15,
  oosEvidence: 0.7,
  minConfidenceOosEvidence: 0.9,
  minInScope: 0,
};
/** Signals of a fully known message whose words are good evidence for every intent. */
const known = (
  coverage = 1,
  oov = 0,
  evidence: Partial<Record<IntentId, number>> = {},
  personal = false,
  inScope = 1,
): Signals => ({
  coverage,
  oov,
  // Out-of-scope evidence 0 unless given: the message's words were not seen with other topics.
  evidence: (intent) => evidence[intent] ?? (intent === 'out-of-scope' ? 0 : 1),
  personal,
  inScope,
});
const r = (...pairs: [ScoredIntent['intent'], number][]): ScoredIntent[] =>
  pairs.map(([intent, confidence]) => ({ intent, confidence }));

describe('decision rules', () => {
  it('rejects a life event the open-set gate doubts, keeping conversational intents', () => {
    const gated = { ...rules, minInScope: 0.5 };
    const doubted = known(1, 0, {}, false, 0.3);
    expect(decide(r(['marriage', 0.9], ['divorce', 0.05]), doubted, gated).intent).toBe(
      'out-of-scope',
    );
    expect(
      decide(r(['marriage', 0.9], ['divorce', 0.05]), known(1, 0, {}, false, 0.6), gated),
    ).toMatchObject({ intent: 'marriage', confidence: 0.9 });
    // The gate speaks of life events only: thanks is answered whatever it says.
    expect(decide(r(['thanks', 0.9], ['greeting', 0.05]), doubted, gated).intent).toBe('thanks');
    // minInScope 0 turns it off.
    expect(decide(r(['marriage', 0.9], ['divorce', 0.05]), doubted, rules).intent).toBe('marriage');
  });

  it('answers with the top intent when it is confident and clear', () => {
    expect(decide(r(['marriage', 0.9], ['divorce', 0.05]), known(), rules)).toEqual({
      intent: 'marriage',
      confidence: 0.9,
      ambiguous: false,
    });
  });

  it('says out-of-scope below the confidence threshold', () => {
    const d = decide(
      r(['retirement', 0.4], ['out-of-scope', 0.1], ['marriage', 0.1]),
      known(),
      rules,
    );
    expect(d.intent).toBe('out-of-scope');
    expect(d.confidence).toBeCloseTo(0.6);
  });

  it('says out-of-scope when the model picks out-of-scope', () => {
    expect(decide(r(['out-of-scope', 0.8], ['marriage', 0.1]), known(), rules).intent).toBe(
      'out-of-scope',
    );
  });

  it('says out-of-scope when too little of the message is known (gibberish)', () => {
    expect(decide(r(['marriage', 0.95]), known(0.1), rules).intent).toBe('out-of-scope');
  });

  it('flags the answer ambiguous when the top two are close', () => {
    const d = decide(r(['child-disability', 0.62], ['child-birth', 0.5]), known(), rules);
    expect(d).toMatchObject({ intent: 'child-disability', ambiguous: true });
  });

  it('asks "A or B?" rather than giving up when two intents split a clear majority', () => {
    const d = decide(r(['child-disability', 0.45], ['child-birth', 0.4]), known(), rules);
    expect(d).toMatchObject({ intent: 'child-disability', ambiguous: true });
  });

  it('does not call it ambiguous when the runner-up is out-of-scope', () => {
    const d = decide(r(['marriage', 0.62], ['out-of-scope', 0.5]), known(), rules);
    expect(d).toMatchObject({ intent: 'marriage', ambiguous: false });
  });

  it('does not accept a life event without a known word seen for it (sub-word fragments only)', () => {
    const d = decide(
      r(['death-of-relative', 0.99]),
      known(1, 0, { 'death-of-relative': 0.05 }),
      rules,
    );
    expect(d.intent).toBe('out-of-scope');
  });

  it('asks more confidence for a life event when most words are unknown', () => {
    expect(decide(r(['retirement', 0.8]), known(1, 0.75), rules).intent).toBe('out-of-scope');
    expect(decide(r(['retirement', 0.95]), known(1, 0.75), rules).intent).toBe('retirement');
    expect(decide(r(['retirement', 0.8]), known(1, 0.25), rules).intent).toBe('retirement');
  });

  it('uses the lower threshold for conversational intents, without the evidence rule', () => {
    const d = decide(r(['thanks', 0.45], ['out-of-scope', 0.3]), known(1, 1, { thanks: 0 }), rules);
    expect(d.intent).toBe('thanks');
  });

  it('asks "A or B?" when the runner-up life event has the stronger word evidence', () => {
    const ranked = r(['child-birth', 0.76], ['child-disability', 0.23]);
    const contested = known(1, 0, { 'child-birth': 0.4, 'child-disability': 0.7 });
    expect(decide(ranked, contested, rules)).toMatchObject({
      intent: 'child-birth',
      ambiguous: true,
    });
    const clear = known(1, 0, { 'child-birth': 0.8, 'child-disability': 0.7 });
    expect(decide(ranked, clear, rules).ambiguous).toBe(false);
  });

  it('asks more confidence for a life event beside a word seen with other topics, unless the writer speaks of themselves', () => {
    // "car maintenance costs": "maintenance" names the divorce's support, "car" other topics.
    const ranked = r(['divorce', 0.8], ['out-of-scope', 0.15]);
    const otherTopic = known(1, 0, { 'out-of-scope': 0.8 });
    expect(decide(ranked, otherTopic, rules).intent).toBe('out-of-scope');
    expect(decide(r(['divorce', 0.95]), otherTopic, rules).intent).toBe('divorce');
    // "my husband died on holiday in latvia": the country is out-of-scope evidence, "my" says
    // it is the writer's own event.
    const own = known(1, 0, { 'out-of-scope': 0.8 }, true);
    expect(decide(ranked, own, rules).intent).toBe('divorce');
    // Not for conversational intents.
    expect(decide(r(['thanks', 0.5]), otherTopic, rules).intent).toBe('thanks');
  });
});

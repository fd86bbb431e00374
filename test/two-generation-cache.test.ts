import { describe, expect, it } from 'vitest';
import { TwoGenerationCache } from '../src/two-generation-cache.js';

function counted(generation: number) {
  const computed: string[] = [];
  const cache = new TwoGenerationCache(generation, (key) => {
    computed.push(key);
    return { key };
  });
  return { cache, computed };
}

describe('TwoGenerationCache', () => {
  it('computes a value once and answers the same object while it is held', () => {
    const { cache, computed } = counted(4);
    const a = cache.get('a');
    expect(cache.get('a')).toBe(a);
    expect(a).toEqual({ key: 'a' });
    expect(computed).toEqual(['a']);
  });

  it('holds at most two generations and forgets the oldest', () => {
    const { cache, computed } = counted(3);
    for (const k of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) cache.get(k);
    expect(cache.size).toBeLessThanOrEqual(6);
    // a, b, c filled the first generation, which was dropped when d..f filled and g came.
    cache.get('a');
    expect(computed.filter((k) => k === 'a')).toHaveLength(2);
    cache.get('e');
    expect(computed.filter((k) => k === 'e')).toHaveLength(1);
  });

  it('moves a key found in the old generation to the young one, so keys in use stay', () => {
    const { cache, computed } = counted(2);
    cache.get('a');
    cache.get('b');
    cache.get('c'); // young {c}, old {a, b}
    cache.get('a'); // a moves: young {c, a}
    cache.get('d'); // young {d}, old {c, a}: b is gone, a stayed
    cache.get('a');
    cache.get('b');
    expect(computed).toEqual(['a', 'b', 'c', 'd', 'b']);
    expect(cache.size).toBeLessThanOrEqual(4);
  });
});

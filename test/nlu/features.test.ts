import { describe, expect, it } from 'vitest';
import { vectorize } from '../../src/nlu/features.js';

describe('vectorize', () => {
  const index = new Map([
    ['c:_ka', 0],
    ['w:matus', 1],
  ]);
  const features = new Map([
    ['c:_ka', 1],
    ['w:matus', 1],
    ['w:unknown', 4],
  ]);

  it('drops unknown features, L2-normalises, and reports coverage before any scaling', () => {
    const { vector, known, total } = vectorize(features, index);
    expect([...vector.idx]).toEqual([0, 1]);
    expect(vector.val[0]).toBeCloseTo(Math.SQRT1_2);
    expect(known).toBe(2);
    expect(total).toBe(4); // sqrt(1) + sqrt(1) + sqrt(4)
  });

  it('scales each feature by its IDF weight, so a rare word outweighs a common n-gram', () => {
    const { vector, known, total } = vectorize(features, index, Float32Array.from([0.5, 2]));
    const [common, rare] = [vector.val[0] ?? 0, vector.val[1] ?? 0];
    expect(rare / common).toBeCloseTo(4);
    expect(common ** 2 + rare ** 2).toBeCloseTo(1);
    expect([known, total]).toEqual([2, 4]);
  });
});

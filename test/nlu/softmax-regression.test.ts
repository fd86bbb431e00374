import { describe, expect, it } from 'vitest';
import type { SparseVector } from '../../src/nlu/features.js';
import { logits, softmax, trainSoftmax } from '../../src/nlu/softmax-regression.js';

const vec = (pairs: [number, number][]): SparseVector => ({
  idx: Int32Array.from(pairs.map(([i]) => i)),
  val: Float32Array.from(pairs.map(([, v]) => v)),
});
const options = { epochs: 8, learningRate: 1, l2: 1e-5, seed: 7 };

describe('trainSoftmax sample weights (cost-sensitive training)', () => {
  // Feature 0 is shared by both classes, feature 1 only by class 0, feature 2 only by class 1;
  // class 1 has a third of class 0's examples.
  const xs = [
    ...Array.from({ length: 6 }, () =>
      vec([
        [0, 0.7],
        [1, 0.7],
      ]),
    ),
    ...Array.from({ length: 2 }, () =>
      vec([
        [0, 0.7],
        [2, 0.7],
      ]),
    ),
  ];
  const ys = [0, 0, 0, 0, 0, 0, 1, 1];
  const pShared = (weights?: number[]): number => {
    const model = trainSoftmax(xs, ys, 3, 2, options, weights);
    return softmax(logits(model, vec([[0, 1]]), new Float64Array(2)))[1] ?? 0;
  };

  it('without weights, the same as weights of 1', () => {
    expect(pShared()).toBeCloseTo(pShared(ys.map(() => 1)), 12);
  });

  it("a higher weight on a class's examples raises its probability on shared evidence", () => {
    const plain = pShared();
    const weighted = pShared(ys.map((y) => (y === 1 ? 3 : 1)));
    expect(plain).toBeLessThan(0.5);
    expect(weighted).toBeGreaterThan(plain + 0.05);
  });
});

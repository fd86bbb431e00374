/**
 * Multinomial logistic regression trained by SGD over sparse vectors. Small and deterministic
 * (seeded shuffle): a few thousand sentences train in well under a second on two cores.
 */
import type { SparseVector } from './features.js';

export interface TrainOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  epochs: 25,
  learningRate: 0.6,
  l2: 1e-5,
  seed: 7,
};

export interface SoftmaxWeights {
  numClasses: number;
  numFeatures: number;
  /** Row-major: weights[feature * numClasses + class]. */
  weights: Float32Array;
  bias: Float32Array;
}

/** mulberry32: a tiny seeded PRNG so training and fold splits are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = items[i] as T;
    items[i] = items[j] as T;
    items[j] = tmp;
  }
  return items;
}

export function logits(model: SoftmaxWeights, x: SparseVector, out: Float64Array): Float64Array {
  const c = model.numClasses;
  const { weights, bias } = model;
  const { idx, val } = x;
  for (let k = 0; k < c; k++) out[k] = bias[k]!;
  for (let j = 0; j < idx.length; j++) {
    const base = idx[j]! * c;
    const v = val[j]!;
    for (let k = 0; k < c; k++) out[k] = out[k]! + weights[base + k]! * v;
  }
  return out;
}

/** Softmax of logits / temperature, in place. */
export function softmax(z: Float64Array, temperature = 1): Float64Array {
  let max = -Infinity;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let k = 0; k < z.length; k++) {
    const e = Math.exp(((z[k] ?? 0) - max) / temperature);
    z[k] = e;
    sum += e;
  }
  for (let k = 0; k < z.length; k++) z[k] = (z[k] ?? 0) / sum;
  return z;
}

const MIN_GRADIENT = 1e-4;

export function trainSoftmax(
  xs: readonly SparseVector[],
  ys: readonly number[],
  numFeatures: number,
  numClasses: number,
  options: TrainOptions,
  /** Per example, a factor on its gradient (cost-sensitive training); 1 when absent. */
  sampleWeights?: readonly number[],
): SoftmaxWeights {
  const model: SoftmaxWeights = {
    numClasses,
    numFeatures,
    weights: new Float32Array(numFeatures * numClasses),
    bias: new Float32Array(numClasses),
  };
  const random = seededRandom(options.seed);
  const order = xs.map((_, i) => i);
  const z = new Float64Array(numClasses);
  const active = new Int32Array(numClasses);
  let step = 0;
  // Snapshot averaging over the second half of the epochs: with a high learning rate the last
  // iterate depends on the shuffle order; the average is stable across seeds (borderline
  // messages keep their ranking when unrelated data is added).
  const averageFrom = Math.floor(options.epochs / 2);
  const sumW = new Float32Array(model.weights.length);
  const sumB = new Float32Array(numClasses);
  let snapshots = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffleInPlace(order, random);
    for (const i of order) {
      const x = xs[i] as SparseVector;
      const y = ys[i] ?? 0;
      const lr = (options.learningRate / (1 + step / xs.length)) * (sampleWeights?.[i] ?? 1);
      step++;
      softmax(logits(model, x, z));
      const decay = 1 - lr * options.l2;
      // Only classes with a gradient worth applying: once the model is sure, most of the 22
      // classes have p ≈ 0 and skipping them saves about a fifth of the training time (their L2 decay
      // is skipped with them).
      let n = 0;
      for (let k = 0; k < numClasses; k++) {
        const g = (z[k] ?? 0) - (k === y ? 1 : 0);
        z[k] = g;
        model.bias[k] = (model.bias[k] ?? 0) - lr * g * 0.1;
        if (g > MIN_GRADIENT || g < -MIN_GRADIENT) active[n++] = k;
      }
      for (let j = 0; j < x.idx.length; j++) {
        const base = (x.idx[j] ?? 0) * numClasses;
        const v = x.val[j] ?? 0;
        for (let a = 0; a < n; a++) {
          const k = active[a] ?? 0;
          const w = model.weights[base + k] ?? 0;
          model.weights[base + k] = w * decay - lr * (z[k] ?? 0) * v;
        }
      }
    }
    if (epoch >= averageFrom) {
      snapshots++;
      const w = model.weights;
      for (let i = 0; i < w.length; i++) sumW[i] = (sumW[i] ?? 0) + (w[i] ?? 0);
      for (let k = 0; k < numClasses; k++) sumB[k] = (sumB[k] ?? 0) + (model.bias[k] ?? 0);
    }
  }
  if (snapshots > 1) {
    for (let i = 0; i < sumW.length; i++) model.weights[i] = (sumW[i] ?? 0) / snapshots;
    for (let k = 0; k < numClasses; k++) model.bias[k] = (sumB[k] ?? 0) / snapshots;
  }
  return model;
}

import { describe, expect, it } from 'vitest';
import { inceptionScore } from '../../../src/metrics/index.js';
import { InceptionScoreAccumulator } from '../../../src/ml/features/inceptionScoreStream.js';
import { Random } from '../../../src/util/random.js';

/** Rows of softmax probabilities, some with exact zeros. */
function probabilities(n: number, k: number, random: Random): Float64Array {
  const out = new Float64Array(n * k);
  for (let r = 0; r < n; r++) {
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const v = c === r % k ? 0 : Math.exp(3 * random.normal());
      out[r * k + c] = v;
      sum += v;
    }
    for (let c = 0; c < k; c++) out[r * k + c]! /= sum;
  }
  return out;
}

describe('InceptionScoreAccumulator', () => {
  it.each([
    { n: 100, splits: 10, batch: 7 },
    { n: 103, splits: 10, batch: 50 }, // splits of unequal size
    { n: 20, splits: 1, batch: 20 },
  ])('gives inceptionScore of the same rows, fed in batches ($n rows, $splits splits, batches of $batch)', ({ n, splits, batch }) => {
    const k = 6;
    const probs = probabilities(n, k, new Random(`is-${n}`));
    const accumulator = new InceptionScoreAccumulator(n, splits, k);
    for (let start = 0; start < n; start += batch) {
      const rows = Math.min(batch, n - start);
      accumulator.add(probs.subarray(start * k, (start + rows) * k), rows);
    }
    const expected = inceptionScore(probs, splits, k);
    const actual = accumulator.result();
    expect(actual.mean).toBeCloseTo(expected.mean, 10);
    expect(actual.std).toBeCloseTo(expected.std, 10);
  });

  it('refuses more or fewer rows than announced', () => {
    const accumulator = new InceptionScoreAccumulator(10, 2, 2);
    accumulator.add(new Float32Array(8).fill(0.5), 4);
    expect(() => accumulator.result()).toThrow(/got 4 of the announced 10/);
    expect(() => accumulator.add(new Float32Array(14).fill(0.5), 7)).toThrow(/more than the announced 10/);
    expect(() => new InceptionScoreAccumulator(5, 10, 3)).toThrow(/cannot be cut into 10 splits/);
  });
});

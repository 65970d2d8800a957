import { describe, expect, it } from 'vitest';
import { inceptionScore } from '../../../src/metrics/inception-score.js';
import { probabilities, reference, relativeError } from './synthetic.js';

const rows = (flat: Float64Array, k: number): Float64Array[] =>
  Array.from({ length: flat.length / k }, (_, i) => flat.subarray(i * k, (i + 1) * k));

describe('inceptionScore', () => {
  it.each(reference.inceptionScore)('matches numpy: n=$n, k=$k, $splits splits', ({ seed, n, k, temperature, splits, mean, std }) => {
    const p = probabilities(seed, n, k, temperature);
    const flat = inceptionScore(p, splits, k);
    expect(relativeError(flat.mean, mean)).toBeLessThan(1e-12);
    expect(relativeError(flat.std, std)).toBeLessThan(1e-9);
    expect(inceptionScore(rows(p, k), splits)).toEqual(flat);
  });

  it('is 1 when every prediction is the same, and k for confident predictions spread evenly over k classes', () => {
    const same = Array.from({ length: 20 }, () => [0.2, 0.3, 0.5]);
    expect(inceptionScore(same, 2)).toEqual({ mean: 1, std: 0 });
    // One-hot rows contain exact zeros: they must contribute 0 (the reference would give NaN).
    const confident = Array.from({ length: 40 }, (_, i) => [0, 1, 2, 3].map((c) => (c === i % 4 ? 1 : 0)));
    const score = inceptionScore(confident, 10);
    expect(score.mean).toBeCloseTo(4, 12);
    expect(score.std).toBeCloseTo(0, 12);
  });

  it('defaults to 10 splits and accepts float32', () => {
    const p = probabilities(1, 50, 5, 4);
    expect(inceptionScore(rows(p, 5))).toEqual(inceptionScore(p, 10, 5));
    expect(inceptionScore(Float32Array.from(p), 10, 5).mean).toBeCloseTo(inceptionScore(p, 10, 5).mean, 6);
  });

  it('rejects inputs it cannot split or read', () => {
    expect(() => inceptionScore([[1]], 10)).toThrow(/1 samples cannot be cut into 10 splits/);
    expect(() => inceptionScore([[0.5, 0.5], [1]], 1)).toThrow(/row 1 has 1 classes/);
    expect(() => inceptionScore(new Float32Array(10), 1, 3)).toThrow(/class count dividing/);
    expect(() => inceptionScore([[1]], 0)).toThrow(/positive integer/);
  });
});

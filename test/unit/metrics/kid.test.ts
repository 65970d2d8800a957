import { describe, expect, it } from 'vitest';
import { KidReference, kernelInceptionDistance, kidSubsetIndices } from '../../../src/metrics/kid.js';
import { features, reference, relativeError } from './synthetic.js';

describe('kernelInceptionDistance', () => {
  it.each(reference.kid.map((c) => [c.name, c] as const))('matches numpy on the same subsets: %s', (_name, c) => {
    const [seedA, nA, d, scaleA, offsetA] = c.a;
    const [seedB, nB, , scaleB, offsetB] = c.b;
    const a = features(seedA, nA, d, scaleA, offsetA);
    const b = features(seedB, nB, d, scaleB, offsetB);
    const [first] = kidSubsetIndices(nA, nB, c.subsets, c.subsetSize, c.seed);
    expect([...first![0]]).toEqual(c.firstSubset[0]);
    expect([...first![1]]).toEqual(c.firstSubset[1]);
    const kid = kernelInceptionDistance(a, b, { dim: d, subsets: c.subsets, subsetSize: c.subsetSize, seed: c.seed });
    expect(relativeError(kid.mean, c.mean)).toBeLessThan(1e-10);
    expect(c.std === 0 ? kid.std : relativeError(kid.std, c.std)).toBeLessThan(1e-9);
  });

  it('takes nested rows as well as flat arrays, and honours kernel parameters', () => {
    const d = 4;
    const a = features(1, 30, d);
    const b = features(2, 30, d, 1, 0.5);
    const nested = (x: Float64Array): Float64Array[] => Array.from({ length: x.length / d }, (_, i) => x.subarray(i * d, (i + 1) * d));
    const opts = { subsets: 3, subsetSize: 10, seed: 4 };
    expect(kernelInceptionDistance(nested(a), nested(b), opts)).toEqual(kernelInceptionDistance(a, b, { ...opts, dim: d }));
    // Linear kernel <x, y>: MMD² is then |mean_a - mean_b|² minus the within-set diagonal terms, ≥ 0 on average here.
    const linear = kernelInceptionDistance(a, b, { ...opts, dim: d, degree: 1, gamma: 1, coef0: 0 });
    expect(linear.mean).toBeGreaterThan(0);
  });

  // 40 subsets of 10 out of 24 and 16 rows: all rows' dot products (24·16, 16²) are fewer than
  // the subsets' (40·10²), so these take the block path; the numpy cases above the per-subset one.
  it.each([
    ['by blocks', 24, 16, 40, 10],
    ['per subset', 60, 50, 3, 20],
  ])('agrees with the definition computed naively (%s)', (_path, nA, nB, subsets, subsetSize) => {
    const d = 5;
    const a = features(21, nA, d);
    const b = features(22, nB, d, 1.2, 0.1);
    const kid = kernelInceptionDistance(a, b, { dim: d, subsets, subsetSize, seed: 9 });
    const naive = naiveKid(a, b, d, kidSubsetIndices(nA, nB, subsets, subsetSize, 9));
    expect(relativeError(kid.mean, naive.mean)).toBeLessThan(1e-12);
    expect(relativeError(kid.std, naive.std)).toBeLessThan(1e-9);
  });

  it('reuses a reference for other feature sets, with the results of a fresh computation', () => {
    const d = 6;
    const a = features(31, 40, d);
    const reference = new KidReference(a, d);
    for (const [seed, n] of [[32, 30], [33, 50], [32, 30]] as const) {
      const b = features(seed, n, d, 0.9, 0.2);
      const options = { dim: d, subsets: 8, subsetSize: 12, seed: 5 };
      expect(kernelInceptionDistance(reference, b, options)).toEqual(kernelInceptionDistance(a, b, options));
    }
    // Other settings are other subsets: not the sums kept for the first ones.
    const b = features(34, 30, d);
    const other = { dim: d, subsets: 8, subsetSize: 12, seed: 6 };
    expect(kernelInceptionDistance(reference, b, other)).toEqual(kernelInceptionDistance(a, b, other));
    expect(kernelInceptionDistance(reference, b, { ...other, degree: 2 })).toEqual(kernelInceptionDistance(a, b, { ...other, degree: 2 }));
  });

  it('explains impossible subset sizes', () => {
    const a = features(1, 10, 3);
    expect(() => kernelInceptionDistance(a, a, { dim: 3 })).toThrow(/subset size 1000 is larger than the number of samples \(10 and 10\)/);
    expect(() => kernelInceptionDistance(a, a, { dim: 4 })).toThrow(/options.dim/);
    expect(() => kernelInceptionDistance(a, a, { dim: 3, subsetSize: 5, subsets: 0 })).toThrow(/subsets/);
    expect(() => kernelInceptionDistance([[1, 2]], [[1]], { subsetSize: 1 })).toThrow(/dimensions differ/);
  });
});

/** MMD² straight from its definition: every kernel value of every subset, from scratch. */
function naiveKid(a: Float64Array, b: Float64Array, d: number, draws: [Uint32Array, Uint32Array][]): { mean: number; std: number } {
  const k = (x: Float64Array, i: number, y: Float64Array, j: number) => {
    let dot = 0;
    for (let c = 0; c < d; c++) dot += x[i * d + c]! * y[j * d + c]!;
    return (dot / d + 1) ** 3;
  };
  const mmds = draws.map(([ia, ib]) => {
    const m = ia.length;
    let xx = 0, yy = 0, xy = 0;
    for (let p = 0; p < m; p++) {
      for (let q = 0; q < m; q++) {
        if (p !== q) xx += k(a, ia[p]!, a, ia[q]!);
        if (p !== q) yy += k(b, ib[p]!, b, ib[q]!);
        xy += k(a, ia[p]!, b, ib[q]!);
      }
    }
    return (xx + yy) / (m * (m - 1)) - (2 * xy) / (m * m);
  });
  const mean = mmds.reduce((s, v) => s + v, 0) / mmds.length;
  return { mean, std: Math.sqrt(mmds.reduce((s, v) => s + (v - mean) ** 2, 0) / mmds.length) };
}

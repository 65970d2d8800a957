import { describe, expect, it } from 'vitest';
import { kernelInceptionDistance, kidSubsetIndices } from '../../../src/metrics/kid.js';
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

  it('explains impossible subset sizes', () => {
    const a = features(1, 10, 3);
    expect(() => kernelInceptionDistance(a, a, { dim: 3 })).toThrow(/subset size 1000 is larger than the number of samples \(10 and 10\)/);
    expect(() => kernelInceptionDistance(a, a, { dim: 4 })).toThrow(/options.dim/);
    expect(() => kernelInceptionDistance(a, a, { dim: 3, subsetSize: 5, subsets: 0 })).toThrow(/subsets/);
    expect(() => kernelInceptionDistance([[1, 2]], [[1]], { subsetSize: 1 })).toThrow(/dimensions differ/);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadStatistics, saveStatistics } from '../../../src/metrics/statistics-file.js';
import { statistics, StatisticsAccumulator } from '../../../src/metrics/statistics.js';
import { NpyFormatError } from '../../../src/util/npy.js';
import { writeNpz } from '../../../src/util/npz.js';
import { features, reference, relativeError } from './synthetic.js';

const tmp = mkdtempSync(join(tmpdir(), 'stats-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('statistics', () => {
  it('equals np.mean and np.cov(rowvar=False)', () => {
    const { seed, n, d, mu, sigma } = reference.statistics;
    const stats = statistics(features(seed, n, d), n, d);
    expect(stats.count).toBe(n);
    mu.forEach((v, i) => expect(relativeError(stats.mu[i]!, v)).toBeLessThan(1e-13));
    sigma.flat().forEach((v, i) => expect(Math.abs(stats.sigma[i]! - v)).toBeLessThan(1e-14));
  });

  it('gives the same result streamed in uneven batches (across block boundaries)', () => {
    const n = 101;
    const d = 9;
    const x = features(3, n, d);
    const whole = statistics(x, n, d);
    const acc = new StatisticsAccumulator(d);
    for (const [start, end] of [[0, 1], [1, 34], [34, 34], [34, 100], [100, 101]] as const) acc.add(x.subarray(start * d, end * d), end - start);
    const streamed = acc.result();
    streamed.mu.forEach((v, i) => expect(v).toBeCloseTo(whole.mu[i]!, 13));
    streamed.sigma.forEach((v, i) => expect(v).toBeCloseTo(whole.sigma[i]!, 13));
  });

  it('stays accurate with a mean far from zero (no one-pass cancellation)', () => {
    const n = 200;
    const d = 4;
    const x = features(4, n, d);
    const shifted = x.map((v) => v + 1e7);
    const a = statistics(x, n, d);
    const b = statistics(shifted, n, d);
    b.sigma.forEach((v, i) => expect(Math.abs(v - a.sigma[i]!)).toBeLessThan(1e-8));
    // Streaming with a first batch whose mean is off the overall mean must not hurt either.
    const acc = new StatisticsAccumulator(d);
    acc.add(shifted.subarray(0, d), 1);
    acc.add(shifted.subarray(d), n - 1);
    acc.result().sigma.forEach((v, i) => expect(Math.abs(v - a.sigma[i]!)).toBeLessThan(1e-8));
  });

  it('takes float32 and plain arrays', () => {
    const x = [1, 2, 3, 5, 5, 9];
    const a = statistics(Float32Array.from(x), 3, 2);
    const b = statistics(x, 3, 2);
    expect([...a.mu]).toEqual([3, 16 / 3]);
    expect([...a.sigma]).toEqual([...b.sigma]);
    expect(a.sigma[0]).toBeCloseTo(4, 14);
  });

  it('rejects bad shapes and too few samples', () => {
    expect(() => statistics(new Float32Array(5), 2, 3)).toThrow(/expected 2x3 = 6/);
    expect(() => statistics(new Float32Array(3), 1, 3)).toThrow(/at least 2 samples/);
    expect(() => new StatisticsAccumulator(0)).toThrow(/positive integer/);
  });
});

describe('statistics files', () => {
  it('round-trip through .npz', async () => {
    const stats = statistics(features(5, 30, 6), 30, 6);
    const path = join(tmp, 'stats.npz');
    await saveStatistics(path, stats);
    expect(await loadStatistics(path)).toEqual(stats);
  });

  it('load the pytorch-fid / TTUR layout written by np.savez (no sample count)', async () => {
    const path = fileURLToPath(new URL('../../fixtures/npy/stats_compressed.npz', import.meta.url));
    const stats = await loadStatistics(path);
    expect(stats.dim).toBe(3);
    expect(stats.count).toBe(0);
    expect([...stats.mu]).toEqual([0.5, -1, 2]);
  });

  it('explain what is missing', async () => {
    const path = join(tmp, 'nosigma.npz');
    await writeNpz(path, [['mu', { dtype: 'float64', shape: [2], data: new Float64Array(2) }]]);
    await expect(loadStatistics(path)).rejects.toThrow(NpyFormatError);
    await expect(loadStatistics(path)).rejects.toThrow(/no 'sigma' array/);
    const bad = join(tmp, 'badshape.npz');
    await writeNpz(bad, [
      ['mu', { dtype: 'float64', shape: [2], data: new Float64Array(2) }],
      ['sigma', { dtype: 'float64', shape: [3], data: new Float64Array(3) }],
    ]);
    await expect(loadStatistics(bad)).rejects.toThrow(/sigma of shape \(d, d\)/);
  });
});

import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { traceSqrtProduct } from '../../../src/metrics/fid.js';
import { cholesky, congruence, sqrtPsd, transpose } from '../../../src/metrics/linalg.js';
import { addRowDots } from '../../../src/metrics/row-dots.js';
import { symmetricEigenvalues } from '../../../src/metrics/symmetric-eigenvalues.js';
import { features, mulberry32 } from './synthetic.js';

/** Xᵀ·X/n for a random n × d X: symmetric positive semi-definite, of rank min(n, d); flat d × d. */
function randomCovariance(seed: number, n: number, d: number): Float64Array {
  const x = features(seed, n, d);
  const out = new Float64Array(d * d);
  for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i * d + j]! += (x[r * d + i]! * x[r * d + j]!) / n;
  return out;
}

function mlEigenvalues(m: Float64Array, n: number): number[] {
  const rows = Array.from({ length: n }, (_, i) => Array.from(m.subarray(i * n, (i + 1) * n)));
  return [...new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true }).realEigenvalues].sort((a, b) => a - b);
}

function matmul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) out[i * n + j]! += a[i * n + k]! * b[k * n + j]!;
  return out;
}

const maxAbs = (xs: ArrayLike<number>): number => Math.max(...Array.from(xs, Math.abs));

describe('addRowDots', () => {
  it('equals naive dot products on ragged sizes, full and upper-only', () => {
    const r = mulberry32(1);
    for (const [m, p, len] of [[7, 6, 5], [9, 9, 3], [4, 8, 1], [1, 1, 7], [13, 5, 33]] as const) {
      const a = Float64Array.from({ length: m * len }, r);
      const b = Float64Array.from({ length: p * len }, r);
      const out = new Float64Array(m * p).fill(1);
      addRowDots(out, a, m, b, p, len);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < p; j++) {
          let s = 1;
          for (let k = 0; k < len; k++) s += a[i * len + k]! * b[j * len + k]!;
          expect(out[i * p + j]).toBeCloseTo(s, 12);
        }
      }
      if (m === p) {
        const upper = new Float64Array(m * m);
        addRowDots(upper, a, m, a, m, len, { upperOnly: true });
        for (let i = 0; i < m; i++) {
          for (let j = i; j < m; j++) {
            let s = 0;
            for (let k = 0; k < len; k++) s += a[i * len + k]! * a[j * len + k]!;
            expect(upper[i * m + j]).toBeCloseTo(s, 12);
          }
        }
      }
    }
  });
});

describe('symmetricEigenvalues', () => {
  it('agrees with ml-matrix on random symmetric matrices', () => {
    for (const [seed, n] of [[1, 1], [2, 2], [3, 7], [4, 40], [5, 65]] as const) {
      const r = mulberry32(seed);
      const m = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = i; j < n; j++) m[i * n + j] = m[j * n + i] = r() - 0.5;
      const ours = symmetricEigenvalues(m, n);
      const theirs = mlEigenvalues(m, n);
      ours.forEach((v, i) => expect(v).toBeCloseTo(theirs[i]!, 11));
    }
  });

  it('finds known spectra: repeated, zero and widely spread eigenvalues', () => {
    const n = 6;
    const identity3 = Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 3 : 0));
    expect([...symmetricEigenvalues(identity3, n)]).toEqual([3, 3, 3, 3, 3, 3]);
    expect([...symmetricEigenvalues(new Float64Array(n * n), n)]).toEqual([0, 0, 0, 0, 0, 0]);
    const spread = [1e-8, 1e-3, 0, 1, 1e3, 1e6];
    const s = randomCovariance(9, 3, n); // rank 3, so three eigenvalues are (numerically) zero
    expect(maxAbs(symmetricEigenvalues(s, n).subarray(0, 3))).toBeLessThan(1e-14 * maxAbs(s) * n);
    const d = Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? spread[i / (n + 1)]! : 0));
    expect([...symmetricEigenvalues(d, n)]).toEqual([...spread].sort((a, b) => a - b));
  });

  it('returns NaN for non-finite input instead of looping', () => {
    expect([...symmetricEigenvalues([1, Number.NaN, Number.NaN, 1], 2)].every(Number.isNaN)).toBe(true);
  });
});

describe('the similar symmetric matrices behind FID', () => {
  const n = 12;
  const s1 = randomCovariance(21, 40, n);
  const s2 = randomCovariance(22, 30, n);

  it('Cholesky: L·Lᵀ reproduces the matrix; singular and indefinite matrices give null', () => {
    const l = cholesky(s1, n)!;
    expect(maxAbs(matmul(l, transpose(l, n), n).map((v, i) => v - s1[i]!))).toBeLessThan(1e-13);
    expect(cholesky(randomCovariance(23, 5, n), n)).toBeNull();
    expect(cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toBeNull();
  });

  it('the PSD square root squares back', () => {
    const r = sqrtPsd(s1, n);
    expect(maxAbs(matmul(r, r, n).map((v, i) => v - s1[i]!))).toBeLessThan(1e-12);
  });

  it('LᵀS2L and S1^½S2S1^½ have the eigenvalues of S1·S2 (and of S2·S1)', () => {
    const viaCholesky = symmetricEigenvalues(congruence(cholesky(s1, n)!, s2, n), n);
    const viaSqrt = symmetricEigenvalues(congruence(sqrtPsd(s1, n), s2, n), n);
    const viaOtherOrder = symmetricEigenvalues(congruence(cholesky(s2, n)!, s1, n), n);
    // ml-matrix's general (non-symmetric) eigensolver on the product itself.
    const product = matmul(s1, s2, n);
    const rows = Array.from({ length: n }, (_, i) => Array.from(product.subarray(i * n, (i + 1) * n)));
    const evd = new EigenvalueDecomposition(new Matrix(rows));
    expect(maxAbs(evd.imaginaryEigenvalues)).toBeLessThan(1e-12);
    const direct = [...evd.realEigenvalues].sort((a, b) => a - b);
    for (const values of [viaCholesky, viaSqrt, viaOtherOrder]) values.forEach((v, i) => expect(v).toBeCloseTo(direct[i]!, 12));
    const trace = direct.reduce((s, v) => s + Math.sqrt(v), 0);
    expect(traceSqrtProduct(s1, s2, n)).toBeCloseTo(trace, 12);
  });
});

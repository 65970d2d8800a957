/**
 * Dense linear algebra on flat row-major Float64Arrays, for FID: the spectrum of
 * S1·S2 through a symmetric matrix congruent to it.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { addRowDots, mirrorUpper } from './row-dots.js';

/** A square matrix: flat row-major (`n*n` values) or one array per row. */
export type SquareMatrix = ArrayLike<number> | readonly ArrayLike<number>[];

/** Copies a matrix into a flat Float64Array, checking it is `n × n`. */
export function toFlatSquare(m: SquareMatrix, n: number, name: string): Float64Array {
  const out = new Float64Array(n * n);
  const rows = m as readonly ArrayLike<number>[];
  if (m.length === n && n > 0 && typeof rows[0] === 'object') {
    for (let i = 0; i < n; i++) {
      const row = rows[i]!;
      if (row.length !== n) throw new RangeError(`${name} row ${i} has ${row.length} values, expected ${n}`);
      for (let j = 0; j < n; j++) out[i * n + j] = row[j]!;
    }
    return out;
  }
  if (m.length !== n * n) throw new RangeError(`${name} has ${m.length} values, expected ${n}x${n} = ${n * n}`);
  const flat = m as ArrayLike<number>;
  for (let i = 0; i < n * n; i++) out[i] = flat[i]!;
  return out;
}

/** (M + Mᵀ)/2: inputs computed by BLAS (e.g. `np.cov`) are symmetric only up to rounding. */
export function symmetrize(m: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = (m[i * n + j]! + m[j * n + i]!) / 2;
      m[i * n + j] = v;
      m[j * n + i] = v;
    }
  }
}

/**
 * Lower Cholesky factor L (A = L·Lᵀ), or null when A is not positive definite.
 * Row-oriented so that each inner loop is a dot product of two rows of L.
 */
export function cholesky(a: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      // Four partial sums: a single chain of dependent additions is latency-bound (measured 3x slower).
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let k = 0;
      for (; k + 3 < j; k += 4) {
        s0 += l[ri + k]! * l[rj + k]!;
        s1 += l[ri + k + 1]! * l[rj + k + 1]!;
        s2 += l[ri + k + 2]! * l[rj + k + 2]!;
        s3 += l[ri + k + 3]! * l[rj + k + 3]!;
      }
      for (; k < j; k++) s0 += l[ri + k]! * l[rj + k]!;
      const s = a[ri + j]! - (s0 + s1 + (s2 + s3));
      if (i === j) {
        if (!(s > 0)) return null;
        l[ri + i] = Math.sqrt(s);
      } else {
        l[ri + j] = s / l[rj + j]!;
      }
    }
  }
  return l;
}

export function transpose(m: Float64Array, n: number): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) t[j * n + i] = m[i * n + j]!;
  }
  return t;
}

/**
 * Xᵀ·S·X for symmetric S, returned symmetric. With X = L (S1 = L·Lᵀ) the result
 * LᵀS2L is similar to S1·S2 = L(LᵀS2L)L⁻¹; with X = S1^½ it is S1^½S2S1^½,
 * similar to S1·S2 likewise. Either way its eigenvalues are those of S1·S2.
 */
export function congruence(x: Float64Array, s: Float64Array, n: number): Float64Array {
  const xt = transpose(x, n);
  // P = Xᵀ·S, row by row: P[i][j] = <(Xᵀ)_i, S_j> because S is symmetric.
  const p = new Float64Array(n * n);
  addRowDots(p, xt, n, s, n, n);
  // C = Xᵀ·S·X = P·X, and C[i][j] = <P_i, (Xᵀ)_j>; C is symmetric, so only j >= i.
  const c = new Float64Array(n * n);
  addRowDots(c, p, n, xt, n, n, { upperOnly: true });
  mirrorUpper(c, n);
  return c;
}

/**
 * The principal square root of a symmetric positive semi-definite matrix,
 * V·diag(√λ)·Vᵀ (ml-matrix's eigendecomposition). Eigenvalues that rounding
 * pushed below zero are treated as zero. Slow at n = 2048 (about 2 minutes): it
 * is the fallback for when neither covariance has a Cholesky factor.
 */
export function sqrtPsd(m: Float64Array, n: number): Float64Array {
  const rows = Array.from({ length: n }, (_, i) => Array.from(m.subarray(i * n, (i + 1) * n)));
  const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const v = evd.eigenvectorMatrix;
  const roots = evd.realEigenvalues.map((x) => Math.sqrt(Math.max(x, 0)));
  // R = V·diag(√λ)·Vᵀ: scale the columns of V, then R[i][j] = <(V√Λ)_i, V_j>.
  const scaled = new Float64Array(n * n);
  const vFlat = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const vij = v.get(i, j);
      vFlat[i * n + j] = vij;
      scaled[i * n + j] = vij * roots[j]!;
    }
  }
  const r = new Float64Array(n * n);
  addRowDots(r, scaled, n, vFlat, n, n, { upperOnly: true });
  mirrorUpper(r, n);
  return r;
}

/**
 * Eigenvalues (without eigenvectors) of a real symmetric matrix: Householder
 * reduction to tridiagonal form, then the implicit QL iteration. This is the
 * EISPACK tred2/tql2 pair as ported in JAMA (and in ml-matrix), with the
 * eigenvector accumulation left out: FID needs only the spectrum of a 2048x2048
 * matrix, and skipping the vectors makes it about 10x faster than
 * `ml-matrix`'s `EigenvalueDecomposition` (which always computes them).
 *
 * The working matrix is kept transposed (the algorithm walks columns of the
 * lower triangle; for a symmetric matrix those are rows of the upper one), so
 * every inner loop is a contiguous scan.
 */

/** Eigenvalues of the symmetric `n × n` row-major matrix `a` (only its upper triangle is read), ascending. */
export function symmetricEigenvalues(a: ArrayLike<number>, n: number): Float64Array {
  // w[j*n + k] holds V[k][j] of JAMA's tred2; for a symmetric input V = A, so the upper triangle suffices.
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) w[i * n + j] = a[i * n + j]!;
  }
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalize(w, n, d, e);
  tridiagonalQL(n, d, e);
  return d.sort();
}

function tridiagonalize(w: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  // v(k, j) = V[k][j] = w[j*n + k]; the reduction only touches k >= j.
  for (let j = 0; j < n; j++) d[j] = w[j * n + n - 1]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = w[j * n + i - 1]!;
        w[j * n + i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k]! /= scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        const row = j * n;
        f = d[j]!;
        g = e[j]! + w[row + j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          const vkj = w[row + k]!;
          g += vkj * d[k]!;
          e[k]! += vkj * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j]! /= h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j]! -= hh * d[j]!;
      for (let j = 0; j < i; j++) {
        const row = j * n;
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) w[row + k]! -= f * e[k]! + g * d[k]!;
        d[j] = w[row + i - 1]!;
        w[row + i] = 0;
      }
    }
    d[i] = h;
  }
  // Without the accumulation step the diagonal of the tridiagonal matrix is left on w's diagonal.
  for (let j = 0; j < n; j++) d[j] = w[j * n + j]!;
  e[0] = 0;
}

/** QL with implicit shifts on the tridiagonal (d, e); leaves the eigenvalues in d. */
function tridiagonalQL(n: number, d: Float64Array, e: Float64Array): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]!) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iterations = 0;
      do {
        // LAPACK allows 30 sweeps per eigenvalue; twice that is a safety net, not an expected case.
        if (++iterations > 60) throw new RangeError('symmetric eigenvalue iteration did not converge');
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i]! -= h;
        f += h;
        p = d[m]!;
        let c = 1, c2 = 1, c3 = 1, s = 0, s2 = 0;
        const el1 = e[l + 1]!;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
}

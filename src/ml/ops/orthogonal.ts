/**
 * torch.nn.init.orthogonal_ (gain 1) on a [rows, cols] matrix, in float64:
 *   A = N(0, 1) [rows, cols]; transposed first when rows < cols;
 *   Q, R = qr(A) (reduced); Q *= sign(diag(R)); transposed back.
 * The QR here is modified Gram-Schmidt with one re-orthogonalisation pass (orthogonal to
 * rounding even for square, badly conditioned draws). Its R has a positive diagonal, and the
 * QR factorisation with a positive diagonal is unique, so Q is the sign-corrected Q PyTorch
 * gets from its Householder QR.
 */
import type { Random } from '../../util/random.js';

/** Row-major [rows, cols] values with orthonormal rows (rows <= cols) or columns (rows >= cols). */
export function orthonormalRows(rows: number, cols: number, random: Random): Float64Array {
  const drawn = random.fillNormal(new Float64Array(rows * cols)); // row-major [rows, cols], as PyTorch draws it
  const transposed = rows < cols;
  const m = transposed ? cols : rows;
  const n = transposed ? rows : cols;
  // Columns of A [m, n].
  const columns = Array.from({ length: n }, (_, j) =>
    Float64Array.from({ length: m }, (_, i) => (transposed ? drawn[j * cols + i]! : drawn[i * cols + j]!)),
  );
  for (let j = 0; j < n; j++) {
    const a = columns[j]!;
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < j; i++) {
        const q = columns[i]!;
        let dot = 0;
        for (let t = 0; t < m; t++) dot += q[t]! * a[t]!;
        for (let t = 0; t < m; t++) a[t]! -= dot * q[t]!;
      }
    }
    let norm = 0;
    for (let t = 0; t < m; t++) norm += a[t]! * a[t]!;
    norm = Math.sqrt(norm);
    // A zero column (probability zero) stays zero, as sign(0) = 0 makes it in PyTorch.
    if (norm > 0) for (let t = 0; t < m; t++) a[t]! /= norm;
  }
  const out = new Float64Array(rows * cols);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < m; i++) {
      if (transposed) out[j * cols + i] = columns[j]![i]!;
      else out[i * cols + j] = columns[j]![i]!;
    }
  }
  return out;
}

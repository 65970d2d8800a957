/**
 * Constant tensors (placement, flip and interpolation matrices) built once per backend and
 * kept outside every tidy scope. Keyed by backend name so that each backend holds its own copy
 * and no data moves between backends when a process switches (as the tests do).
 */
import { tf, type Tensor, type Tensor2D } from '../tf.js';

const cache = new Map<string, Tensor>();

/** The cached tensor for `key` on the active backend, made by `make` on first use. */
export function constantTensor<T extends Tensor>(key: string, make: () => T): T {
  const fullKey = `${tf.getBackend()}|${key}`;
  const cached = cache.get(fullKey);
  if (cached !== undefined && !cached.isDisposed) return cached as T;
  const made = tf.keep(tf.tidy(make));
  cache.set(fullKey, made);
  return made;
}

/** Frees every cached constant (they are rebuilt on demand). */
export function disposeConstants(): void {
  for (const t of cache.values()) t.dispose();
  cache.clear();
}

/** A constant matrix with its transpose, for products whose gradient needs the transpose. */
export interface ConstantMatrix {
  readonly matrix: Tensor2D;
  readonly transposed: Tensor2D;
}

/**
 * Builds (once per backend) the matrix [rows, cols] whose entries `fill` writes into a
 * row-major Float32Array, and its transpose.
 */
export function constantMatrix(
  key: string,
  rows: number,
  cols: number,
  fill: (values: Float32Array) => void,
): ConstantMatrix {
  const matrix = constantTensor(`${key}|m`, () => {
    const values = new Float32Array(rows * cols);
    fill(values);
    return tf.tensor2d(values, [rows, cols]);
  });
  const transposed = constantTensor(`${key}|t`, () => tf.transpose(matrix));
  return { matrix, transposed };
}

/**
 * matrix @ x, differentiable in x with the hand-written gradient transposed @ dy.
 *
 * Why not tf.matMul's own gradient: it computes matMul(matrix, dy, transposeA=true), which
 * tfjs-backend-wasm runs outside XNNPACK (measured 11.8 ms instead of 0.5 ms for an [81x69]^T
 * product with 1024 columns; shared/TFJS.md).
 */
export function multiplyConstant(constant: ConstantMatrix, x: Tensor2D): Tensor2D {
  const product = tf.customGrad((...inputs) => ({
    value: tf.matMul(constant.matrix, inputs[0] as Tensor2D),
    gradFunc: (dy: Tensor) => tf.matMul(constant.transposed, dy as Tensor2D),
  }));
  return product(x) as Tensor2D;
}

/**
 * The anti-identity [n, n]: multiplying a [kh*kw, ...] tap matrix by it reverses the taps,
 * i.e. flips the kernel in both spatial dimensions. It is its own transpose and inverse.
 */
export function antiIdentity(n: number): ConstantMatrix {
  return constantMatrix(`anti-identity|${n}`, n, n, (values) => {
    for (let i = 0; i < n; i++) values[i * n + (n - 1 - i)] = 1;
  });
}

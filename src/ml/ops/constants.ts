/**
 * Constant tensors (placement, flip and interpolation matrices) built once per backend and
 * kept outside every tidy scope. Keyed by backend name so that each backend holds its own copy
 * and no data moves between backends when a process switches (as the tests do).
 */
import { tf, type Tensor, type Tensor1D, type Tensor2D } from '../tf.js';
import { tidyGradient } from './tidyGradient.js';

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

/**
 * A constant matrix M [rows, cols] that multiplies matrices from the left: `product(x)` = M @ x
 * and `adjoint(dy)` = M^T @ dy.
 *
 * When every entry is 0 or 1 (placements, flips: all of ours), a product is a sum of row
 * gathers instead of a matMul. Why: tfjs-backend-wasm hands a matMul's right operand to XNNPACK
 * as the weights of a new fully-connected operator, created and packed on every call when that
 * operand is not the same tensor as before (here it never is), and runs it on one thread; the
 * gathers copy rows and do no arithmetic. Any other matrix falls back to matMul.
 */
export interface ConstantMatrix {
  readonly rows: number;
  readonly cols: number;
  product(x: Tensor2D): Tensor2D;
  adjoint(dy: Tensor2D): Tensor2D;
}

/**
 * Layer j of a 0/1 matrix's rows: for each row, the column of its j-th one, or `cols` where it
 * has fewer (which reads an appended zero row). M @ x = sum over layers of gather([x; 0], layer).
 */
export function gatherLayers(values: Float32Array, rows: number, cols: number): number[][] | undefined {
  const ones: number[][] = Array.from({ length: rows }, () => []);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = values[r * cols + c]!;
      if (v === 1) ones[r]!.push(c);
      else if (v !== 0) return undefined;
    }
  }
  const depth = Math.max(1, ...ones.map((o) => o.length));
  return Array.from({ length: depth }, (_, j) => ones.map((o) => o[j] ?? cols));
}

function transposeValues(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c]!;
  return out;
}

interface Structure {
  readonly values: Float32Array;
  /** Gather layers of M and of M^T (undefined when M is not 0/1). */
  readonly forward?: Gathers;
  readonly backward?: Gathers;
}

/** The matrices' values and gather layers, computed once per key (they do not depend on the backend). */
const structures = new Map<string, Structure>();

/** Gather layers, and whether any reads the appended zero row. */
interface Gathers {
  readonly layers: readonly number[][];
  readonly padded: boolean;
}

const gathers = (layers: number[][], sourceRows: number): Gathers => ({ layers, padded: layers.some((layer) => layer.includes(sourceRows)) });

/** sum_j gather([x; 0], layers[j]) with each layer's index tensor cached as `key|j`. */
function gatherSum(key: string, { layers, padded }: Gathers, x: Tensor2D): Tensor2D {
  const width = x.shape[1];
  const source = padded ? tf.concat([x, constantTensor(`zeros|1x${width}`, () => tf.zeros([1, width]))], 0) : x;
  const parts = layers.map((layer, j) => tf.gather(source, constantTensor(`${key}|${j}`, () => tf.tensor1d(layer, 'int32') as Tensor1D)));
  return (parts.length === 1 ? parts[0]! : tf.addN(parts)) as Tensor2D;
}

/**
 * The matrix [rows, cols] whose entries `fill` writes into a row-major Float32Array (called once
 * per key), as a ConstantMatrix.
 */
export function constantMatrix(key: string, rows: number, cols: number, fill: (values: Float32Array) => void): ConstantMatrix {
  let s = structures.get(key);
  if (s === undefined) {
    const values = new Float32Array(rows * cols);
    fill(values);
    const forward = gatherLayers(values, rows, cols);
    const backward = forward && gatherLayers(transposeValues(values, rows, cols), cols, rows);
    s = { values, ...(forward && backward ? { forward: gathers(forward, cols), backward: gathers(backward, rows) } : {}) };
    structures.set(key, s);
  }
  const { values, forward, backward } = s;
  if (forward && backward) {
    return {
      rows,
      cols,
      product: (x) => gatherSum(`${key}|g`, forward, x),
      adjoint: (dy) => gatherSum(`${key}|gt`, backward, dy),
    };
  }
  const matrix = () => constantTensor(`${key}|m`, () => tf.tensor2d(values, [rows, cols]));
  const transposed = () => constantTensor(`${key}|t`, () => tf.tensor2d(transposeValues(values, rows, cols), [cols, rows]));
  return { rows, cols, product: (x) => tf.matMul(matrix(), x), adjoint: (dy) => tf.matMul(transposed(), dy) };
}

/**
 * M @ x for a constant M, differentiable in x with the hand-written gradient M^T @ dy (tfjs's
 * own matMul gradient would use transposeA, which tfjs-backend-wasm runs outside XNNPACK).
 */
export function multiplyConstant(constant: ConstantMatrix, x: Tensor2D): Tensor2D {
  const product = tf.customGrad((...inputs) => ({
    value: constant.product(inputs[0] as Tensor2D),
    gradFunc: tidyGradient((dy: Tensor) => constant.adjoint(dy as Tensor2D)),
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

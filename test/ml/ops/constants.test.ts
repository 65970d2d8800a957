import { expect, it } from 'vitest';
import { antiIdentity, constantMatrix, gatherLayers, multiplyConstant } from '../../../src/ml/ops/constants.js';
import { tf, type Tensor } from '../../../src/ml/tf.js';
import { Random } from '../../../src/util/random.js';
import { describeBackends } from '../helpers/backends.js';

const random = new Random('constants.test');

/** M @ x in float64, M [rows, cols] and x [cols, width] row-major. */
function product(m: Float32Array, rows: number, cols: number, x: Float32Array, width: number): Float64Array {
  const out = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) for (let k = 0; k < width; k++) out[r * width + k] = out[r * width + k]! + m[r * cols + c]! * x[c * width + k]!;
  }
  return out;
}

function transposed(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c]!;
  return out;
}

/** The values of the tensor `make` returns (asynchronously: webgpu has no synchronous read in Node). */
async function read(make: () => Tensor): Promise<Float32Array> {
  const t = tf.tidy(make);
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

/** A 0/1 placement like the fold's: several ones in some rows, one per column, an empty row. */
function placementValues(rows: number, cols: number): Float32Array {
  const values = new Float32Array(rows * cols);
  for (let c = 0; c < cols; c++) values[((c * 3) % (rows - 1)) * cols + c] = 1;
  return values;
}

function antiIdentityValues(n: number): Float32Array {
  const values = new Float32Array(n * n);
  for (let i = 0; i < n; i++) values[i * n + n - 1 - i] = 1;
  return values;
}

// Built once: a key names one matrix for the whole process (constantMatrix caches its structure).
const CASES = [
  { name: 'a 0/1 placement (row gathers)', rows: 7, cols: 11, values: placementValues(7, 11) },
  { name: 'the anti-identity (a permutation)', rows: 9, cols: 9, values: antiIdentityValues(9) },
  { name: 'a general matrix (matMul)', rows: 5, cols: 4, values: random.fillNormal(new Float32Array(20)) },
];

it('gatherLayers lists the columns of each row layer by layer, padding with the zero row, and refuses other values', () => {
  // [[1, 0, 1], [0, 0, 0], [0, 1, 0]]
  expect(gatherLayers(Float32Array.from([1, 0, 1, 0, 0, 0, 0, 1, 0]), 3, 3)).toEqual([
    [0, 3, 1],
    [2, 3, 3],
  ]);
  expect(gatherLayers(Float32Array.from([1, 0, 0.5, 0]), 2, 2)).toBeUndefined();
});

describeBackends('constant matrices', () => {
  it.each(CASES)('product and adjoint of $name equal M @ x and M^T @ dy', async ({ name, rows, cols, values }) => {
    const m = constantMatrix(`constants.test|${name}`, rows, cols, (v) => v.set(values));
    const width = 6;
    const x = random.fillNormal(new Float32Array(cols * width));
    const dy = random.fillNormal(new Float32Array(rows * width));
    const got = await read(() => m.product(tf.tensor2d(x, [cols, width])));
    const gotAdjoint = await read(() => m.adjoint(tf.tensor2d(dy, [rows, width])));
    expect(maxDiff(got, product(values, rows, cols, x, width))).toBeLessThan(1e-5);
    expect(maxDiff(gotAdjoint, product(transposed(values, rows, cols), cols, rows, dy, width))).toBeLessThan(1e-5);
  });

  it('multiplyConstant differentiates through the adjoint, and the anti-identity flips taps', async () => {
    const values = placementValues(7, 11);
    const m = constantMatrix('constants.test|grad', 7, 11, (v) => v.set(values));
    const x = random.fillNormal(new Float32Array(11 * 3));
    const dy = random.fillNormal(new Float32Array(7 * 3));
    const loss = (t: Tensor) => tf.sum(tf.mul(multiplyConstant(m, t as tf.Tensor2D), tf.tensor2d(dy, [7, 3])));
    const grad = await read(() => tf.grad(loss)(tf.tensor2d(x, [11, 3])));
    expect(maxDiff(grad, product(transposed(values, 7, 11), 11, 7, dy, 3))).toBeLessThan(1e-5);
    const flipped = await read(() => antiIdentity(4).product(tf.tensor2d([0, 1, 2, 3, 4, 5, 6, 7], [4, 2])));
    expect(Array.from(flipped)).toEqual([6, 7, 4, 5, 2, 3, 0, 1]);
  });
});

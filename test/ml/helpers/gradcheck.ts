/**
 * Gradient checks against a float64 reference.
 *
 * The reference function is a naive float64 implementation of the PyTorch semantics; its
 * gradient is taken by central differences (h = 1e-6: the ops are linear or piecewise linear in
 * each input, so the truncation error vanishes and the rounding error is about 1e-16 / 1e-6 =
 * 1e-10 relative). tfjs computes in float32: sums of a few hundred products carry relative
 * rounding errors of about 1e-6, so tolerances of 1e-4 separate rounding from real mistakes
 * (an indexing or padding error gives errors of order 1).
 */
import { tf, type Tensor } from '../../../src/ml/tf.js';
import { size, type Arr } from './arrays.js';

export type ReferenceFn = (inputs: readonly Float64Array[]) => Float64Array;

/** d/dinput of sum(f(inputs) * cotangent), by central differences on the float64 reference. */
export function referenceGradients(f: ReferenceFn, inputs: readonly Arr[], cotangent: Float64Array, h = 1e-6): Float64Array[] {
  const values = inputs.map((a) => Float64Array.from(a.data));
  const loss = () => {
    const y = f(values);
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i]! * cotangent[i]!;
    return s;
  };
  return values.map((v) => {
    const g = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const keep = v[i]!;
      v[i] = keep + h;
      const up = loss();
      v[i] = keep - h;
      const down = loss();
      v[i] = keep;
      g[i] = (up - down) / (2 * h);
    }
    return g;
  });
}

export interface TfjsResult {
  readonly value: Float32Array;
  readonly shape: number[];
  readonly grads: Float32Array[];
}

/**
 * Forward value and the gradients of sum(f(inputs) * cotangent) on the active backend. Reads
 * asynchronously: the webgpu backend cannot read GPU data synchronously in Node.
 */
export async function tfjsGradients(f: (...xs: Tensor[]) => Tensor, inputs: readonly Arr[], cotangent?: Float64Array): Promise<TfjsResult> {
  // Arrays are read outside tidy: tidy walks returned objects element by element.
  const xs = inputs.map((a) => tf.tensor(Float32Array.from(a.data), [...a.shape]));
  const y = tf.tidy(() => f(...xs));
  const r = tf.tensor(Float32Array.from(cotangent ?? new Float64Array(size(y.shape)).fill(1)), y.shape);
  const grads = tf.grads((...args: Tensor[]) => tf.sum(tf.mul(f(...args), r)))(xs);
  try {
    const [value, ...gradValues] = await Promise.all([y.data(), ...grads.map((g) => g.data())]);
    return { value: value as Float32Array, shape: y.shape, grads: gradValues as Float32Array[] };
  } finally {
    tf.dispose([...xs, y, r, ...grads]);
  }
}

/** A tensor's values as float64 (asynchronous: see tfjsGradients). */
export async function read(t: Tensor): Promise<Float64Array> {
  return Float64Array.from(await t.data());
}

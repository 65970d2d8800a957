import { describe, expect, it } from 'vitest';
import {
  createSpectralNormBuffers,
  initialSpectralNormVectors,
  spectralNorm,
  spectralNormWeight,
} from '../../../src/ml/ops/spectral_norm.js';
import { tf, type Tensor, type Tensor1D } from '../../../src/ml/tf.js';
import { Random } from '../../../src/util/random.js';
import { maxAbs, randomArr, relativeError, size, type Shape } from '../helpers/arrays.js';
import { describeBackends } from '../helpers/backends.js';
import { read, referenceGradients } from '../helpers/gradcheck.js';

const EPS = 1e-12;

/** PyTorch's compute_weight on a [rows, cols] row-major matrix (float64). */
function torchSpectralNorm(matrix: Float64Array, rows: number, cols: number, u: Float64Array, v: Float64Array, training: boolean) {
  const normalize = (x: Float64Array) => {
    const n = Math.max(Math.sqrt(x.reduce((s, a) => s + a * a, 0)), EPS);
    return x.map((a) => a / n);
  };
  let uu = u;
  let vv = v;
  if (training) {
    vv = normalize(Float64Array.from({ length: cols }, (_, k) => Array.from(uu).reduce((s, ui, o) => s + matrix[o * cols + k]! * ui, 0)));
    uu = normalize(Float64Array.from({ length: rows }, (_, o) => Array.from(vv).reduce((s, vk, k) => s + matrix[o * cols + k]! * vk, 0)));
  }
  let sigma = 0;
  for (let o = 0; o < rows; o++) for (let k = 0; k < cols; k++) sigma += uu[o]! * matrix[o * cols + k]! * vv[k]!;
  return { u: uu, v: vv, sigma };
}

/** Our weight [kh, kw, in, out] as PyTorch's [out, in*kh*kw], and v's order map (ours -> torch). */
function toTorch(w: Float64Array, shape: readonly [number, number, number, number]) {
  const [kh, kw, ci, co] = shape;
  const cols = ci * kh * kw;
  const matrix = new Float64Array(co * cols);
  const ourToTorch = new Int32Array(cols);
  for (let a = 0; a < kh; a++)
    for (let b = 0; b < kw; b++)
      for (let i = 0; i < ci; i++) {
        const ours = (a * kw + b) * ci + i;
        const torch = (i * kh + a) * kw + b;
        ourToTorch[ours] = torch;
        for (let o = 0; o < co; o++) matrix[o * cols + torch] = w[ours * co + o]!;
      }
  return { matrix, rows: co, cols, ourToTorch };
}

/** Our matrix: W[o, k] = w[k * out + o] (the [K, out] reshape, transposed). */
function ourMatrix(w: Float64Array, out: number): Float64Array {
  const k = w.length / out;
  return Float64Array.from({ length: out * k }, (_, idx) => w[(idx % k) * out + Math.floor(idx / k)]!);
}

const random = new Random('spectral_norm.test');
const SHAPES: readonly Shape[] = [
  [3, 3, 4, 5],
  [5, 5, 2, 3],
  [6, 1], // the linear D -> 1 head, weight [in, out]
];

function vectorsFor(shape: Shape, r: Random) {
  const init = initialSpectralNormVectors(shape, r);
  return { u: Float64Array.from(init.u), v: Float64Array.from(init.v) };
}

describe('spectral norm layout', () => {
  it('our (kh, kw, in) column order gives PyTorch sigma and u, and v permuted', () => {
    const shape = [3, 3, 4, 5] as const;
    const r = random.fork('layout');
    const w = randomArr(r, shape).data;
    const { u, v } = vectorsFor(shape, r);
    const torch = toTorch(w, shape);
    const vTorch = new Float64Array(v.length);
    v.forEach((value, ours) => (vTorch[torch.ourToTorch[ours]!] = value));
    const expected = torchSpectralNorm(torch.matrix, torch.rows, torch.cols, u, vTorch, true);
    const ours = torchSpectralNorm(ourMatrix(w, 5), 5, torch.cols, u, v, true);
    expect(Math.abs(ours.sigma - expected.sigma)).toBeLessThan(1e-12);
    expect(relativeError(ours.u, expected.u)).toBeLessThan(1e-12);
    ours.v.forEach((value, i) => expect(value).toBeCloseTo(expected.v[torch.ourToTorch[i]!]!, 12));
  });

  it('initial u and v are unit vectors of sizes out and K', () => {
    const { u, v } = initialSpectralNormVectors([3, 3, 4, 5], random.fork('init'));
    expect(u.length).toBe(5);
    expect(v.length).toBe(36);
    for (const x of [u, v]) expect(Math.sqrt(x.reduce((s, a) => s + a * a, 0))).toBeCloseTo(1, 6);
  });
});

describeBackends('spectralNorm', () => {
  it.each(SHAPES.map((s) => [s.join('x'), s] as const))('%s: training forward, buffers and weight gradient match PyTorch', async (_n, shape) => {
    const r = random.fork(`train ${shape.join('x')}`);
    const w = randomArr(r, shape);
    const out = shape[shape.length - 1]!;
    const k = size(shape) / out;
    const { u, v } = vectorsFor(shape, r);
    const expected = torchSpectralNorm(ourMatrix(w.data, out), out, k, u, v, true);
    const cotangent = randomArr(r, shape).data;
    // PyTorch's gradient treats the new u, v as constants (computed under no_grad).
    const weightOf = (values: readonly Float64Array[]) => {
      const s = torchSpectralNorm(ourMatrix(values[0]!, out), out, k, expected.u, expected.v, false).sigma;
      return values[0]!.map((x) => x / s);
    };
    const expectedGrad = referenceGradients(weightOf, [w], cotangent)[0]!;

    const wT = tf.tensor(Float32Array.from(w.data), [...shape]);
    const uT = tf.tensor1d(Float32Array.from(u));
    const vT = tf.tensor1d(Float32Array.from(v));
    const r0 = tf.tensor(Float32Array.from(cotangent), [...shape]);
    const result = spectralNorm(wT, { u: uT, v: vT }, { training: true });
    expect((await read(result.sigma))[0]).toBeCloseTo(expected.sigma, 5);
    expect(relativeError(await read(result.u), expected.u)).toBeLessThan(1e-5);
    expect(relativeError(await read(result.v), expected.v)).toBeLessThan(1e-5);
    expect(relativeError(await read(result.weight), weightOf([w.data]))).toBeLessThan(1e-5);
    const grad = tf.grad((x: Tensor) => tf.sum(tf.mul(spectralNorm(x, { u: uT, v: vT }, { training: true }).weight, r0)))(wT);
    expect(relativeError(await read(grad), expectedGrad)).toBeLessThan(1e-4);
    tf.dispose([wT, uT, vT, r0, grad, result.weight, result.sigma, result.u, result.v]);
  });

  it('eval mode does not iterate', async () => {
    const shape = [3, 3, 2, 4];
    const r = random.fork('eval');
    const w = randomArr(r, shape);
    const { u, v } = vectorsFor(shape, r);
    const expected = torchSpectralNorm(ourMatrix(w.data, 4), 4, 18, u, v, false);
    const inputs = [tf.tensor(Float32Array.from(w.data), shape), tf.tensor1d(Float32Array.from(u)), tf.tensor1d(Float32Array.from(v))] as const;
    const result = spectralNorm(inputs[0], { u: inputs[1], v: inputs[2] }, { training: false });
    expect((await read(result.sigma))[0]).toBeCloseTo(expected.sigma, 5);
    expect(relativeError(await read(result.u), u)).toBe(0);
    tf.dispose([...inputs, result.weight, result.sigma, result.u, result.v]);
  });

  it('buffers: each training forward iterates once and sees the previous one; commit after the step', async () => {
    const shape = [3, 3, 3, 4];
    const r = random.fork('buffers');
    const w = randomArr(r, shape);
    const buffers = createSpectralNormBuffers(shape, r.fork('u v'));
    const u0 = await read(buffers.variables.u);
    const v0 = await read(buffers.variables.v);
    const first = torchSpectralNorm(ourMatrix(w.data, 4), 4, 27, u0, v0, true);
    const second = torchSpectralNorm(ourMatrix(w.data, 4), 4, 27, first.u, first.v, true);
    const weight = tf.variable(tf.tensor(Float32Array.from(w.data), shape));
    const before = tf.memory().numTensors;
    // Two forwards inside one gradient computation, as D(real) and D(fake) in a D step.
    const { value, grads } = tf.variableGrads(() =>
      tf.add(tf.sum(spectralNormWeight(weight, buffers, true)), tf.sum(tf.square(spectralNormWeight(weight, buffers, true)))) as tf.Scalar,
    );
    expect(maxAbs(await read(grads[weight.name]!))).toBeGreaterThan(0);
    expect(relativeError(await read(buffers.variables.u), u0)).toBe(0); // not committed yet
    expect(relativeError(await read(buffers.read('u')), second.u)).toBeLessThan(1e-5);
    buffers.commit();
    expect(relativeError(await read(buffers.variables.u), second.u)).toBeLessThan(1e-5);
    expect(relativeError(await read(buffers.variables.v), second.v)).toBeLessThan(1e-5);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    // Eval mode stages nothing.
    tf.tidy(() => spectralNormWeight(weight, buffers, false));
    expect(buffers.hasStaged).toBe(false);
    buffers.dispose();
    weight.dispose();
  });

  it('sigma converges to the largest singular value over repeated training forwards', async () => {
    const shape = [3, 3, 4, 6];
    const r = random.fork('convergence');
    const w = randomArr(r, shape);
    const matrix = ourMatrix(w.data, 6);
    // Largest singular value by a long float64 power iteration.
    let vec = new Float64Array(36).fill(1);
    let top = 0;
    for (let it = 0; it < 2000; it++) {
      const wv = Float64Array.from({ length: 6 }, (_, o) => vec.reduce((s, x, k) => s + matrix[o * 36 + k]! * x, 0));
      const next = Float64Array.from({ length: 36 }, (_, k) => wv.reduce((s, x, o) => s + matrix[o * 36 + k]! * x, 0));
      const norm = Math.sqrt(next.reduce((s, x) => s + x * x, 0));
      top = Math.sqrt(norm);
      vec = next.map((x) => x / norm);
    }
    const buffers = createSpectralNormBuffers(shape, r);
    const weight = tf.tensor(Float32Array.from(w.data), shape);
    let sigma = 0;
    for (let i = 0; i < 100; i++) {
      const sigmaTensor = tf.tidy(() => {
        const result = spectralNorm(weight, { u: buffers.read('u') as Tensor1D, v: buffers.read('v') as Tensor1D }, { training: true });
        buffers.stage({ u: result.u, v: result.v });
        return result.sigma;
      });
      buffers.commit();
      sigma = (await sigmaTensor.data())[0]!;
      sigmaTensor.dispose();
    }
    expect(Math.abs(sigma - top) / top).toBeLessThan(1e-4);
    buffers.dispose();
    weight.dispose();
  });
});

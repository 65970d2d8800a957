import { expect, it } from 'vitest';
import { batchNorm2d, batchNorm2dTracked, createBatchNormBuffers } from '../../../src/ml/ops/batch_norm.js';
import { linear } from '../../../src/ml/ops/linear.js';
import { tf, type Tensor, type Tensor1D, type Tensor2D, type Tensor4D } from '../../../src/ml/tf.js';
import { Random } from '../../../src/util/random.js';
import { randomArr, relativeError, type Shape } from '../helpers/arrays.js';
import { describeBackends } from '../helpers/backends.js';
import { referenceGradients, tfjsGradients } from '../helpers/gradcheck.js';

const EPS = 1e-5;

/** nn.BatchNorm2d forward on NHWC (float64): batch or given statistics. */
function batchNormRef(x: Float64Array, shape: Shape, gamma: Float64Array, beta: Float64Array, stats?: { mean: Float64Array; variance: Float64Array }) {
  const c = shape[3]!;
  const count = x.length / c;
  const mean = new Float64Array(c);
  const biased = new Float64Array(c);
  for (let i = 0; i < x.length; i++) mean[i % c]! += x[i]! / count;
  for (let i = 0; i < x.length; i++) biased[i % c]! += (x[i]! - mean[i % c]!) ** 2 / count;
  const m = stats?.mean ?? mean;
  const v = stats?.variance ?? biased;
  const y = x.map((value, i) => ((value - m[i % c]!) / Math.sqrt(v[i % c]! + EPS)) * gamma[i % c]! + beta[i % c]!);
  return { y, mean, unbiased: biased.map((b) => (b * count) / (count - 1)) };
}

const random = new Random('batch_norm_linear.test');
const SHAPE = [3, 4, 5, 3] as const;

describeBackends('batchNorm2d and linear', () => {
  it('training: batch statistics, biased variance; gradients through the statistics', async () => {
    const r = random.fork('train');
    const inputs = [randomArr(r, SHAPE, 2), randomArr(r, [3], 0.5), randomArr(r, [3])];
    inputs[0]!.data.forEach((_, i, a) => (a[i] = a[i]! + (i % 3))); // channel means 0, 1, 2
    const cotangent = randomArr(r, SHAPE).data;
    const ref = (v: readonly Float64Array[]) => batchNormRef(v[0]!, SHAPE, v[1]!, v[2]!).y;
    const running = { mean: tf.zeros([3]) as Tensor1D, variance: tf.ones([3]) as Tensor1D };
    const result = await tfjsGradients(
      (x, gamma, beta) => batchNorm2d(x as Tensor4D, { gamma: gamma as Tensor1D, beta: beta as Tensor1D }, running, { training: true }).y,
      inputs,
      cotangent,
    );
    expect(relativeError(result.value, ref(inputs.map((a) => a.data)))).toBeLessThan(1e-5);
    const expected = referenceGradients(ref, inputs, cotangent);
    result.grads.forEach((g, i) => expect(relativeError(g, expected[i]!), `gradient ${i}`).toBeLessThan(1e-4));
    tf.dispose([running.mean, running.variance]);
  });

  it('running statistics: momentum 0.1 with the unbiased variance; eval mode uses them', async () => {
    const r = random.fork('running');
    const x = randomArr(r, SHAPE, 3);
    const gamma = randomArr(r, [3]);
    const beta = randomArr(r, [3]);
    const batch = batchNormRef(x.data, SHAPE, gamma.data, beta.data);
    const buffers = createBatchNormBuffers(3);
    const params = { gamma: tf.tensor1d(Float32Array.from(gamma.data)), beta: tf.tensor1d(Float32Array.from(beta.data)) };
    const xt = tf.tensor(Float32Array.from(x.data), [...SHAPE]) as Tensor4D;
    tf.tidy(() => batchNorm2dTracked(xt, params, buffers, { training: true }));
    buffers.commit();
    const expectedMean = batch.mean.map((m) => 0.1 * m);
    const expectedVar = batch.unbiased.map((v) => 0.9 + 0.1 * v);
    expect(relativeError(await buffers.variables.mean.data(), expectedMean)).toBeLessThan(1e-5);
    expect(relativeError(await buffers.variables.variance.data(), expectedVar)).toBeLessThan(1e-5);
    const evalTensor = tf.tidy(() => batchNorm2dTracked(xt, params, buffers, { training: false }));
    const evalOut = await evalTensor.data();
    evalTensor.dispose();
    const expectedEval = batchNormRef(x.data, SHAPE, gamma.data, beta.data, { mean: expectedMean, variance: expectedVar }).y;
    expect(relativeError(evalOut, expectedEval)).toBeLessThan(1e-5);
    expect(buffers.hasStaged).toBe(false);
    buffers.dispose();
    tf.dispose([params.gamma, params.beta, xt]);
  });

  it('linear: x W + b with the weight stored [in, out] (nn.Linear with weight W^T)', async () => {
    const r = random.fork('linear');
    const inputs = [randomArr(r, [4, 6]), randomArr(r, [6, 3]), randomArr(r, [3])];
    const ref = (v: readonly Float64Array[]) =>
      Float64Array.from({ length: 12 }, (_, idx) => {
        const [n, o] = [Math.floor(idx / 3), idx % 3];
        let s = v[2]![o]!;
        for (let i = 0; i < 6; i++) s += v[0]![n * 6 + i]! * v[1]![i * 3 + o]!;
        return s;
      });
    const cotangent = randomArr(r, [4, 3]).data;
    const result = await tfjsGradients((x, w, b) => linear(x as Tensor2D, w as Tensor2D, b as Tensor1D), inputs, cotangent);
    expect(relativeError(result.value, ref(inputs.map((a) => a.data)))).toBeLessThan(1e-6);
    const expected = referenceGradients(ref, inputs, cotangent);
    result.grads.forEach((g, i) => expect(relativeError(g, expected[i]!)).toBeLessThan(1e-5));
    expect(() => tf.tidy(() => linear(tf.zeros([2, 5]) as Tensor2D, tf.zeros([6, 3]) as Tensor2D) as Tensor)).toThrow(/features/);
  });
});

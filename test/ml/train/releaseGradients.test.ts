import { expect, it } from 'vitest';
import { tidyGradient } from '../../../src/ml/ops/tidyGradient.js';
import { tf, type Scalar, type Tensor, type Tensor2D, type Variable } from '../../../src/ml/tf.js';
import { releaseGradientsEarly } from '../../../src/ml/train/releaseGradients.js';
import { Random } from '../../../src/util/random.js';
import { describeBackends } from '../helpers/backends.js';

/** An identity node whose gradient hands dy on unchanged (that dy must not be freed). */
const passThrough = (x: Tensor, onGradient?: () => void): Tensor =>
  tf.customGrad((...inputs) => ({
    value: tf.clone(inputs[0] as Tensor),
    gradFunc: (dy: Tensor) => {
      onGradient?.();
      return dy;
    },
  }))(x);

/**
 * A deep chain with reuse, pass-through, reshapes, concat/split and a tidied custom gradient.
 * `bytesAt` records tf.memory().numBytes when the backward pass starts (the last node) and when
 * it reaches the first node: what it holds then is what it accumulated.
 */
function loss(x: Tensor2D, weights: readonly Variable[], depth: number, bytesAt: { start?: number; end?: number }): Scalar {
  let h = passThrough(tf.matMul(x, weights[0]!), () => (bytesAt.end = tf.memory().numBytes)) as Tensor2D;
  for (let i = 0; i < depth; i++) {
    const z = tf.matMul(h, weights[i % weights.length] as Tensor2D);
    const [a, b] = tf.split(z, 2, 1) as [Tensor2D, Tensor2D];
    const mixed = tf.concat([tf.tanh(a), tf.mul(b, tf.sigmoid(b))], 1) as Tensor2D;
    h = tf.reshape(passThrough(tf.reshape(tf.add(mixed, h), [-1])), h.shape) as Tensor2D;
  }
  const doubled = tf.customGrad((...inputs) => ({ value: tf.mul(inputs[0] as Tensor, 2), gradFunc: tidyGradient((dy: Tensor) => tf.mul(tf.add(dy, 0), 2)) }));
  h = passThrough(doubled(h) as Tensor, () => (bytesAt.start = tf.memory().numBytes)) as Tensor2D;
  return tf.mean(tf.square(h)) as Scalar;
}

describeBackends('releaseGradientsEarly', (backend) => {
  const random = new Random(`release ${backend}`);
  const matrix = (rows: number, cols: number, std: number) => tf.tensor2d(random.fillNormal(new Float32Array(rows * cols), 0, std), [rows, cols]);

  const setup = (width: number) => ({
    x: matrix(32, width, 1),
    weights: tf.tidy(() => [tf.variable(matrix(width, width, 0.3)), tf.variable(matrix(width, width, 0.3))]),
  });

  const run = async ({ x, weights }: ReturnType<typeof setup>, release: boolean, depth: number) => {
    const bytesAt: { start?: number; end?: number } = {};
    const { value, grads } = tf.variableGrads(() => {
      const l = loss(x, weights, depth, bytesAt);
      if (release) releaseGradientsEarly();
      return l;
    }, weights);
    const result = {
      value: (await value.data())[0]!,
      grads: await Promise.all(weights.map(async (w) => Array.from(await grads[w.name]!.data()))),
      held: bytesAt.end! - bytesAt.start!,
    };
    tf.dispose([value, ...Object.values(grads)]);
    return result;
  };

  const dispose = ({ x, weights }: ReturnType<typeof setup>) => tf.dispose([x, ...weights]);

  it('gives exactly the gradients tfjs gives without it', async () => {
    const net = setup(16);
    const plain = await run(net, false, 6);
    const released = await run(net, true, 6);
    expect(Number.isFinite(plain.value)).toBe(true);
    expect(released.value).toBe(plain.value);
    expect(released.grads).toEqual(plain.grads);
    dispose(net);
  });

  it('frees intermediate gradients as the backward pass goes (what it holds at the first node)', async () => {
    const net = setup(64);
    const plain = await run(net, false, 24);
    const released = await run(net, true, 24);
    // Without it, the ~10 gradients of each of the 24 layers are all still held at the end.
    expect(plain.held).toBeGreaterThan(24 * 8 * 32 * 64 * 4);
    expect(released.held).toBeLessThan(0.1 * plain.held);
    dispose(net);
  });

  it('leaves no tensor behind', async () => {
    const net = setup(8);
    await run(net, true, 4); // builds anything cached
    const before = tf.memory().numTensors;
    await run(net, true, 4);
    expect(tf.memory().numTensors).toBe(before);
    dispose(net);
  });
});

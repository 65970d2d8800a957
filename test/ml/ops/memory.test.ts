import { expect, it } from 'vitest';
import {
  avgPool2x2,
  batchNorm2dTracked,
  conv2d,
  createBatchNormBuffers,
  createSpectralNormBuffers,
  depthwiseConvTranspose2d,
  linear,
  maxPool2x2,
  resize,
  spectralNormWeight,
} from '../../../src/ml/ops/index.js';
import { tf, type Scalar, type Tensor1D, type Tensor2D, type Tensor4D, type Variable } from '../../../src/ml/tf.js';
import { Random } from '../../../src/util/random.js';
import { describeBackends } from '../helpers/backends.js';

describeBackends('a training step of every op', (backend) => {
  it('keeps tf.memory().numTensors flat across steps', () => {
    const random = new Random(`memory ${backend}`);
    const normal = (shape: number[], std = 0.3) => tf.variable(tf.tensor(random.fillNormal(new Float32Array(shape.reduce((a, b) => a * b)), 0, std), shape));
    const params: Variable[] = [
      normal([3, 3, 3, 4]),
      normal([3, 3, 4, 1]),
      normal([5, 5, 4, 4]),
      normal([4]),
      normal([4], 0),
      normal([4 * 2 * 2, 1]),
    ];
    const [w1, dw, w2, gamma, beta, head] = params as [Variable, Variable, Variable, Variable, Variable, Variable];
    const sn = createSpectralNormBuffers(w2.shape, random);
    const snHead = createSpectralNormBuffers(head.shape, random);
    const bn = createBatchNormBuffers(4);
    const x = tf.tensor(random.fillNormal(new Float32Array(2 * 8 * 8 * 3)), [2, 8, 8, 3]) as Tensor4D;

    const step = () => {
      const { value, grads } = tf.variableGrads(() => {
        let h = conv2d(x, w1 as Tensor4D, { dilation: 2 });
        h = resize(h, { height: 16, width: 16, mode: 'bilinear' });
        h = depthwiseConvTranspose2d(tf.relu(h), dw as Tensor4D);
        h = avgPool2x2(maxPool2x2(resize(h, { height: 64, width: 64, mode: 'nearest' }))); // 64 -> 16
        h = conv2d(h, spectralNormWeight(w2, sn, true) as Tensor4D, { stride: 2, dilation: 2 }); // 16 -> 8
        h = batchNorm2dTracked(avgPool2x2(avgPool2x2(h)), { gamma: gamma as Tensor1D, beta: beta as Tensor1D }, bn, { training: true });
        const flat = tf.reshape(h, [2, 16]) as Tensor2D;
        return tf.mean(linear(flat, spectralNormWeight(head, snHead, true) as Tensor2D)) as Scalar;
      });
      tf.tidy(() => {
        for (const p of params) p.assign(tf.sub(p, tf.mul(grads[p.name]!, 0.01)));
      });
      tf.dispose([value, ...Object.values(grads)]);
      for (const buffers of [sn, snHead, bn]) buffers.commit();
    };

    step(); // builds the cached constant matrices
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, ...params]);
    for (const buffers of [sn, snHead, bn]) buffers.dispose();
  });
});

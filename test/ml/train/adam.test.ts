import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ParamStore } from '../../../src/ml/params.js';
import { tf } from '../../../src/ml/tf.js';
import { Adam } from '../../../src/ml/train/adam.js';
import { useBackend } from '../helpers/backends.js';

/**
 * Adam's state is its two moments and nothing else: a zeros tensor left alive under a moment
 * variable kept a second copy of the weights allocated once the first step replaced the moment.
 */
describe('Adam memory', () => {
  beforeAll(() => useBackend('cpu'));
  afterEach(() => tf.disposeVariables());

  const store = () => {
    const params = new ParamStore();
    params.add('a', 'weight', new Float32Array(600).fill(0.5), [20, 30]);
    params.add('b', 'weight', new Float32Array(40).fill(-1), [40]);
    return params;
  };

  it.each([true, false])('fused %s: holds exactly two moments per weight, before and after steps', (fused) => {
    const params = store();
    const weights = params.list('weight');
    const before = tf.memory();
    // Small chunks: the two weights land in two fused chunks.
    const adam = new Adam(weights, { lr: 0.1, betas: [0, 0.9], eps: 1e-8, weightDecay: 0 }, { fused, chunkElements: 600 });
    const moments = 2 * (600 + 40) * 4;
    expect(tf.memory().numBytes - before.numBytes).toBe(moments);
    for (let step = 0; step < 2; step++) {
      tf.tidy(() => adam.apply({ a: tf.onesLike(weights[0]!.variable), b: tf.onesLike(weights[1]!.variable) }));
    }
    expect(tf.memory().numBytes - before.numBytes).toBe(moments);
    expect(tf.memory().numTensors - before.numTensors).toBe(4);
    adam.dispose();
    expect(tf.memory().numBytes).toBe(before.numBytes);
  });
});

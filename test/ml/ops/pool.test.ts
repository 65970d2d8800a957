import { expect, it } from 'vitest';
import { avgPool2x2, maxPool2x2 } from '../../../src/ml/ops/pool.js';
import { tf, type Tensor4D } from '../../../src/ml/tf.js';
import { Random } from '../../../src/util/random.js';
import { relativeError, size, type Arr, type Shape } from '../helpers/arrays.js';
import { describeBackends } from '../helpers/backends.js';
import { referenceGradients, tfjsGradients } from '../helpers/gradcheck.js';
import { pool2x2Ref } from '../helpers/reference.js';

const random = new Random('pool.test');

/** Distinct values (a shuffled ramp), all negative when asked: no ties, so the max is unique. */
function distinct(shape: Shape, negative: boolean): Arr {
  const values = Float64Array.from({ length: size(shape) }, (_, i) => (negative ? -1 - i / 7 : i / 7 - 3));
  return { data: random.shuffle(values), shape };
}

const CASES = [
  { name: 'mixed signs', shape: [2, 4, 6, 3], negative: false },
  { name: 'all-negative windows', shape: [2, 4, 4, 2], negative: true },
  { name: 'odd size', shape: [1, 5, 7, 2], negative: false },
] as const;

describeBackends('pooling', () => {
  for (const mode of ['avg', 'max'] as const) {
    const op = mode === 'avg' ? avgPool2x2 : maxPool2x2;
    it.each(CASES)(`${mode}Pool2x2, $name: forward and gradient match PyTorch`, async ({ shape, negative }) => {
      const x = distinct(shape, negative);
      const ref = (v: readonly Float64Array[]) => pool2x2Ref(v[0]!, shape, mode).data;
      const expected = pool2x2Ref(x.data, shape, mode);
      const cotangent = Float64Array.from({ length: size(expected.shape) }, () => random.normal());
      const result = await tfjsGradients((t) => op(t as Tensor4D), [x], cotangent);
      expect(result.shape).toEqual(expected.shape);
      expect(relativeError(result.value, expected.data)).toBeLessThan(1e-6);
      expect(relativeError(result.grads[0]!, referenceGradients(ref, [x], cotangent)[0]!)).toBeLessThan(1e-5);
    });
  }

  it('maxPool2x2 sends the gradient of a tie to the first maximum in row-major order, as PyTorch', async () => {
    // Windows: all equal; top-right = bottom-left (7); bottom row tied (2, 2); single max (9).
    const x = tf.tensor4d([5, 5, 1, 7, 5, 5, 7, 2, 0, 0, 3, 4, 2, 2, 4, 9], [1, 4, 4, 1]);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(maxPool2x2(t as Tensor4D)))(x);
    expect(Array.from(await grad.data())).toEqual([1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1]);
    tf.dispose([x, grad]);
  });
});

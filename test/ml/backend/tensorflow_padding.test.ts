/**
 * Which explicit pads the tensorflow backend's gradient kernels pass on as 'same'/'valid' (TF's
 * fast path) and which as EXPLICIT; and that the EXPLICIT ones give cpu's gradients.
 */
import { describe, expect, it } from 'vitest';
import { explicitPads, namedPadding } from '../../../src/ml/backend/kernels/tensorflow_padding.js';
import { selectBackend } from '../../../src/ml/backend/index.js';
import { tf, type Tensor4D } from '../../../src/ml/tf.js';
import { TENSORFLOW, tensorflowRequiredButMissing } from '../helpers/tensorflow.js';

describe('explicit pads on the tensorflow backend', () => {
  it("maps pads equal to 'same' or 'valid' to those, and nothing else", () => {
    const x = [2, 8, 8, 3];
    const k3 = [3, 3, 3, 4];
    expect(namedPadding(explicitPads([[0, 0], [1, 1], [1, 1], [0, 0]])!, x, k3, 1)).toBe('same');
    expect(namedPadding(explicitPads(1)!, x, k3, 1)).toBe('same');
    expect(namedPadding(explicitPads(0)!, x, k3, 1)).toBe('valid');
    // Stride 2 on an even size: 'same' pads 0 on top and 1 at the bottom, so symmetric 1/1 is not 'same'.
    expect(namedPadding(explicitPads([[0, 0], [1, 1], [1, 1], [0, 0]])!, x, k3, 2)).toBeNull();
    expect(namedPadding(explicitPads([[0, 0], [0, 1], [0, 1], [0, 0]])!, x, k3, 2)).toBe('same');
    expect(namedPadding(explicitPads([[0, 0], [2, 2], [2, 2], [0, 0]])!, x, k3, 1)).toBeNull();
    expect(explicitPads('same')).toBeNull();
  });

  const runs = TENSORFLOW.available || tensorflowRequiredButMissing();
  it.skipIf(!runs)(`gives cpu's convolution gradients for pads that are neither${runs ? '' : ` (skipped: ${TENSORFLOW.reason})`}`, async () => {
    const cases: { stride: number; pad: [[number, number], [number, number], [number, number], [number, number]] }[] = [
      { stride: 1, pad: [[0, 0], [0, 2], [2, 1], [0, 0]] },
      { stride: 2, pad: [[0, 0], [1, 1], [1, 1], [0, 0]] },
    ];
    const run = () =>
      cases.flatMap(({ stride, pad }, i) =>
        tf.tidy(() => {
          const x = tf.tensor4d(Float32Array.from({ length: 2 * 7 * 7 * 3 }, (_, j) => Math.sin(j + i)), [2, 7, 7, 3]);
          const f = tf.tensor4d(Float32Array.from({ length: 3 * 3 * 3 * 2 }, (_, j) => Math.cos(j * 0.7 + i)), [3, 3, 3, 2]);
          const [dx, df] = tf.grads((...[a, b]: tf.Tensor[]) => tf.sum(tf.square(tf.conv2d(a as Tensor4D, b as Tensor4D, stride, pad))))([x, f]);
          return [Array.from(dx!.dataSync()), Array.from(df!.dataSync())];
        }),
      );
    await selectBackend('tensorflow');
    const native = run();
    await selectBackend('cpu');
    const reference = run();
    native.forEach((values, i) => {
      const scale = Math.max(...reference[i]!.map(Math.abs));
      expect(Math.max(...values.map((v, j) => Math.abs(v - reference[i]![j]!))) / scale).toBeLessThan(1e-5);
    });
  });
});

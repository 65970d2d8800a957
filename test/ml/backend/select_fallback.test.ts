import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/ml/backend/index.js';
import { tf } from '../../../src/ml/tf.js';

// Its own process: the wasm module is instantiated once per process.
describe('selectBackend when wasm threads cannot start', () => {
  const saved = process.env.TMPDIR;
  afterAll(() => {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  });

  it('falls back to single-threaded SIMD and says why', async () => {
    process.env.TMPDIR = '/nonexistent/dsl-test'; // the pthread worker file cannot be written
    const info = await selectBackend('wasm', { threads: 2 });
    expect(info.name).toBe('wasm');
    expect(info.threads).toBe(1);
    expect(info.degraded).toMatch(/^threads unavailable \(.*ENOENT/);
    expect(info.summary).toMatch(/^backend wasm \(SIMD, 1 thread; convolutions [^;]+; threads unavailable \(/);
    const sum = tf.tidy(() => tf.sum(tf.conv2d(tf.ones([1, 4, 4, 2]) as tf.Tensor4D, tf.ones([3, 3, 2, 1]) as tf.Tensor4D, 1, 'same')).dataSync()[0]);
    expect(sum).toBe(2 * (4 * 4 + 8 * 6 + 4 * 9)); // 4 corners x 4 taps, 8 edge pixels x 6, 4 inner x 9; 2 channels
  });
});

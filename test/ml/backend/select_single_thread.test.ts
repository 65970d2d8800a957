import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/ml/backend/index.js';

// Its own process: the wasm module is instantiated once per process.
describe('selectBackend with one thread', () => {
  it('uses the plain SIMD build', async () => {
    const info = await selectBackend('wasm', { threads: 1 });
    expect(info).toMatchObject({ name: 'wasm', threads: 1, simd: true, degraded: null });
    expect(info.summary).toBe(`backend wasm (SIMD, 1 thread; convolutions ${info.convolutions})`);
  });
});

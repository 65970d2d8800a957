import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, selectBackend } from '../../../src/ml/backend/index.js';
import { tf } from '../../../src/ml/tf.js';
import { TENSORFLOW } from '../helpers/tensorflow.js';

// Where `dsl setup tensorflow` has built the native backend (CI), auto takes it: see test/ml/backend/tensorflow_training.test.ts.
const withoutTensorflow = TENSORFLOW.available ? ' (skipped: the tensorflow backend is installed here, and auto takes it)' : '';

describe('selectBackend', () => {
  it.skipIf(TENSORFLOW.available)(`'auto' skips the missing native backends and webgpu (no GPU here) and starts threaded wasm on every core${withoutTensorflow}`, async () => {
    const info = await selectBackend('auto');
    expect(info.name).toBe('wasm');
    expect(info.requested).toBe('auto');
    expect(info.threads).toBe(os.availableParallelism()); // 2 on the 2-core machines this runs on
    expect(info.simd).toBe(true);
    expect(info.degraded).toBeNull();
    const webgpu = info.skipped[1]?.reason ?? '';
    // 'no GPU' on machines without a GPU device node; a reason from Dawn's probe elsewhere.
    expect(webgpu).toMatch(/^(no GPU|no WebGPU adapter|only a software adapter|not installed)/);
    expect(info.skipped).toEqual([
      { name: 'tensorflow-gpu', reason: 'not installed' },
      { name: 'webgpu', reason: webgpu },
      { name: 'tensorflow', reason: 'not installed' },
    ]);
    const threads = os.availableParallelism();
    // oneDNN where its addon is built (test/ml/backend/onednn.test.ts), else why not.
    expect(info.convolutions).toMatch(/^(oneDNN \d+\.\d+\.\d+|wasm \(.+\))$/);
    expect(info.summary).toBe(
      `backend wasm (threaded SIMD, ${threads} threads; convolutions ${info.convolutions}); skipped tensorflow-gpu: not installed, webgpu: ${webgpu}, tensorflow: not installed`,
    );
    expect(tf.getBackend()).toBe('wasm');
  });

  it('writes the pthread worker under the temporary directory, not the source tree', () => {
    const inTmp = fs.readdirSync(os.tmpdir()).filter((f) => /^tfjs-wasm-pthread-worker-[0-9a-f]{16}\.cjs$/.test(f));
    expect(inTmp.length).toBeGreaterThan(0);
    const root = path.resolve(import.meta.dirname, '../../..');
    expect(fs.readdirSync(root).filter((f) => f.includes('pthread-worker'))).toEqual([]);
  });

  it("explicit 'cpu' works and switching back to wasm keeps its thread pool", async () => {
    const cpu = await selectBackend('cpu');
    expect(cpu).toMatchObject({ name: 'cpu', requested: 'cpu', threads: 1, simd: false, skipped: [] });
    expect(cpu.summary).toBe('backend cpu (pure JavaScript, 1 thread)');
    expect(tf.getBackend()).toBe('cpu');
    const wasm = await selectBackend('wasm');
    expect(wasm.threads).toBe(os.availableParallelism());
    expect(wasm.degraded).toBeNull();
    expect(tf.getBackend()).toBe('wasm');
    // The module exists once per process: another thread count is reported, not silently ignored.
    const other = await selectBackend('wasm', { threads: 1 });
    expect(other.threads).toBe(os.availableParallelism());
    expect(other.summary).toMatch(/; 1 thread requested, but wasm already runs \d+ in this process\)$/);
  });

  it.skipIf(!TENSORFLOW.available)(`'auto' takes the tensorflow backend where it is built, and says what it skipped${TENSORFLOW.available ? '' : ` (skipped: ${TENSORFLOW.reason})`}`, async () => {
    const info = await selectBackend('auto');
    expect(info.name).toBe('tensorflow');
    expect(info.summary).toMatch(
      /^backend tensorflow \(native TensorFlow on the CPU; auto: measured faster than wasm per search iteration: 1\.3x at 16\/16, 2\.3x at 32\/32\); skipped tensorflow-gpu: not installed, webgpu: /,
    );
    expect((await selectBackend('tensorflow')).summary).toBe('backend tensorflow (native TensorFlow on the CPU)');
    expect(tf.getBackend()).toBe('tensorflow');
    await selectBackend('wasm');
  });

  it('an unavailable explicit request throws BackendUnavailableError saying why and how to fix it', async () => {
    if (!TENSORFLOW.available) {
      await expect(selectBackend('tensorflow')).rejects.toThrow(BackendUnavailableError);
      await expect(selectBackend('tensorflow')).rejects.toThrow(/not installed.*Run `dsl setup tensorflow`/);
    }
    const gpu = await selectBackend('tensorflow-gpu').catch((e: unknown) => e);
    expect(gpu).toBeInstanceOf(BackendUnavailableError);
    expect((gpu as BackendUnavailableError).backend).toBe('tensorflow-gpu');
    expect((gpu as Error).message).toMatch(/dsl setup tensorflow --gpu.*CUDA 12/);
    // webgpu: test/ml/backend/webgpu.test.ts
    expect(tf.getBackend()).toBe('wasm'); // a failed request leaves the active backend alone
  });

  it('rejects bad thread counts', async () => {
    await expect(selectBackend('wasm', { threads: 0 })).rejects.toThrow(RangeError);
    await expect(selectBackend('wasm', { threads: 1.5 })).rejects.toThrow(RangeError);
  });
});

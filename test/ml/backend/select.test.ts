import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, selectBackend } from '../../../src/ml/backend/index.js';
import { tf } from '../../../src/ml/tf.js';
import { loadOnednnAddon } from '../../../src/ml/backend/native/onednn_addon.js';
import { TENSORFLOW } from '../helpers/tensorflow.js';

// Where `dsl setup tensorflow` has built the native backend (CI), auto may take it: the cases below.
const withoutTensorflow = TENSORFLOW.available ? ' (skipped: the tensorflow backend is installed here)' : '';
const onednn = loadOnednnAddon().ok;

describe('selectBackend', () => {
  // With oneDNN's convolutions (their own threads on every core), one wasm thread; without, one per core.
  const autoThreads = onednn ? 1 : os.availableParallelism();
  it.skipIf(TENSORFLOW.available)(`'auto' skips the missing native backends and webgpu (no GPU here) and starts wasm, on one thread with oneDNN and on every core without${withoutTensorflow}`, async () => {
    const info = await selectBackend('auto');
    expect(info.name).toBe('wasm');
    expect(info.requested).toBe('auto');
    expect(info.threads).toBe(autoThreads);
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
    const threads = autoThreads;
    // oneDNN where its addon is built (test/ml/backend/onednn.test.ts), else why not.
    expect(info.convolutions).toMatch(/^(oneDNN \d+\.\d+\.\d+|wasm \(.+\))$/);
    expect(info.summary).toBe(
      `backend wasm (${threads > 1 ? 'threaded ' : ''}SIMD, ${threads === 1 ? '1 thread' : `${threads} threads`}; convolutions ${info.convolutions}; auto: the only CPU route here; about ${onednn ? '0.9' : '1.7'} s per this spec's search iteration (62 GFLOP)); ` +
        `skipped tensorflow-gpu: not installed, webgpu: ${webgpu}, tensorflow: not installed`,
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
    expect(wasm.threads).toBe(autoThreads);
    expect(wasm.degraded).toBeNull();
    expect(tf.getBackend()).toBe('wasm');
    // The module exists once per process: another thread count is reported, not silently ignored.
    const other = await selectBackend('wasm', { threads: autoThreads + 1 });
    expect(other.threads).toBe(autoThreads);
    expect(other.summary).toMatch(new RegExp(`; ${autoThreads + 1} threads requested, but wasm already runs ${autoThreads} in this process\\)$`));
  });

  const both = TENSORFLOW.available ? '' : ` (skipped: ${TENSORFLOW.reason})`;
  it.skipIf(!TENSORFLOW.available)(`'auto' takes the CPU route measured fastest for the spec's size, and says why${both}`, async () => {
    // 62 GFLOP is the 16/16 search iteration.
    const small = await selectBackend('auto', { workload: { gflop: 62 } });
    expect(small.name).toBe(onednn ? 'wasm' : 'tensorflow');
    expect(small.summary).toMatch(
      onednn
        ? /^backend wasm \(SIMD, 1 thread; convolutions oneDNN [\d.]+; auto: measured fastest for this spec's search iteration \(62 GFLOP\): about 0\.9 s, against 1\.5 s on tensorflow\); skipped tensorflow-gpu: not installed, webgpu: /
        : /^backend tensorflow \(native TensorFlow on the CPU; auto: measured fastest for this spec's search iteration \(62 GFLOP\): about 1\.5 s, against 1\.7 s on wasm\); skipped tensorflow-gpu: not installed, webgpu: /,
    );
    // A route the caller rules out (wasm's heap, too small for the batch) is passed over, with why.
    const unfit = await selectBackend('auto', { workload: { gflop: 62 }, unfit: { wasm: 'needs about 19 GB, the wasm heap holds 4 GiB' } });
    expect(unfit.name).toBe('tensorflow');
    expect(unfit.summary).toMatch(/^backend tensorflow \(native TensorFlow on the CPU; auto: the fastest that can hold this spec's search iteration .*, which cannot hold it\); skipped tensorflow-gpu: not installed, webgpu: .*, wasm: needs about 19 GB, the wasm heap holds 4 GiB$/);
    expect((await selectBackend('tensorflow')).summary).toBe('backend tensorflow (native TensorFlow on the CPU)');
    expect(tf.getBackend()).toBe('tensorflow');
    await selectBackend('wasm');
  });

  it("'auto' takes the fastest CPU route over cpu where none holds the spec, for the stage's check to say what would fit", async () => {
    const info = await selectBackend('auto', { workload: { gflop: 62 }, unfit: { wasm: 'needs about 19 GB, which holds 4 GiB', tensorflow: 'needs about 30 GB, and this machine has 24 GB' } });
    expect(info.name).not.toBe('cpu');
    expect(info.summary).toMatch(/; auto: no CPU route holds this spec \(needs about \d+ GB, .*\)\)/);
    expect(info.skipped.map((s) => s.name)).not.toContain(info.name);
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

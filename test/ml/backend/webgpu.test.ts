import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BackendUnavailableError,
  checkWebgpuDevice,
  probeWebgpu,
  releaseBackend,
  selectBackend,
  softwareReason,
  WebgpuDeviceError,
  webgpuConfig,
  webgpuDeviceErrors,
} from '../../../src/ml/backend/index.js';
import { addNInputLimit } from '../../../src/ml/backend/kernels/webgpu.js';
import { describeAdapter, explainFailure } from '../../../src/ml/backend/webgpu.js';
import { tf, type Tensor } from '../../../src/ml/tf.js';
import { Random } from '../../../src/util/random.js';
import { relativeError } from '../helpers/arrays.js';
import { WEBGPU, WEBGPU_REQUIRED } from '../helpers/backends.js';
import { loadOnednnAddon } from '../../../src/ml/backend/native/onednn_addon.js';
import { TENSORFLOW } from '../helpers/tensorflow.js';

describe('the webgpu cases of this suite', () => {
  // Elsewhere they are skipped, with the reason in their names, where no adapter exists.
  it(`run where DSL_TEST_REQUIRE_WEBGPU=1 (${WEBGPU_REQUIRED ? 'set' : 'not set'} here)`, () => {
    expect(!WEBGPU_REQUIRED || WEBGPU.available, `the webgpu cases would be skipped: ${WEBGPU.reason}`).toBe(true);
  });
});

describe('recognising software adapters', () => {
  it.each([
    ['lavapipe (Mesa 25, Vulkan)', { vendor: 'mesa', architecture: 'software', device: 'llvmpipe-llvm-15-0-6-256-bits-', description: 'llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)', fallback: true }, 'llvmpipe'],
    ['llvmpipe via OpenGL ES (reports no vendor, not a fallback)', { vendor: '', architecture: '', device: 'llvmpipe-llvm-15-0-6-256-bits-', description: 'OpenGL version OpenGL ES 3.2 Mesa 22.3.6', fallback: false }, 'llvmpipe'],
    ['SwiftShader', { vendor: 'google', architecture: '', device: 'SwiftShader Device (Subzero)', description: 'Vulkan backend', fallback: true }, 'SwiftShader'],
    ["Dawn's fallback adapter, unnamed", { vendor: 'x', architecture: 'y', device: 'z', description: '', fallback: true }, "Dawn's fallback adapter"],
    ['a software architecture', { vendor: 'mesa', architecture: 'software', device: 'something new', description: '', fallback: false }, 'Mesa software renderer'],
  ])('%s is software', (_name, info, expected) => {
    expect(softwareReason(info)).toBe(expected);
  });

  it.each([
    ['NVIDIA H200', { vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H200', description: 'NVIDIA: 550.54.15', fallback: false }],
    ['AMD with Mesa RADV', { vendor: 'amd', architecture: 'rdna-3', device: 'AMD Radeon RX 7900 XTX (RADV NAVI31)', description: 'radv: Mesa 25.0.7', fallback: false }],
    ['Intel with Mesa ANV', { vendor: 'intel', architecture: 'gen-12lp', device: 'Intel(R) UHD Graphics 770 (ADL-S GT1)', description: 'Intel open-source Mesa driver: Mesa 25.0.7', fallback: false }],
  ])('%s is hardware', (_name, info) => {
    expect(softwareReason(info)).toBeNull();
  });
});

describe('describing adapters', () => {
  it('names the GPU, or the software renderer, in one line', () => {
    expect(describeAdapter({ vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H200', description: 'NVIDIA: 550.54.15 550.54.15.0' })).toMatchObject({
      software: null,
      lavapipe: false,
      label: 'NVIDIA H200 (NVIDIA: 550.54.15 550.54.15.0)',
    });
    expect(describeAdapter({ vendor: 'mesa', architecture: 'software', device: 'llvmpipe-llvm-15-0-6-256-bits-', description: 'llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)', fallback: true })).toMatchObject({
      software: 'llvmpipe',
      lavapipe: true,
      label: 'llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)',
    });
    expect(describeAdapter({ vendor: '', architecture: '', device: 'llvmpipe-llvm-15-0-6-256-bits-', description: 'OpenGL version OpenGL ES 3.2 Mesa 22.3.6' })).toMatchObject({
      software: 'llvmpipe',
      lavapipe: false, // Dawn's OpenGL ES backend does not poll on the main thread
      label: 'OpenGL version OpenGL ES 3.2 Mesa 22.3.6 (llvmpipe)',
    });
    expect(describeAdapter({}).label).toBe('an unnamed adapter');
  });
});

describe('why there is no adapter', () => {
  const vulkan = webgpuConfig({});
  it.each([
    [
      'an old glibc',
      { stage: 'load', error: "/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' not found (required by .../dawn.node)", glibc: '2.31' },
      '',
      /^dawn\.node needs glibc ≥ 2\.34 \(this system has glibc 2\.31\)$/,
    ],
    ['musl', { stage: 'load', error: 'Error relocating dawn.node: __libc_single_threaded: symbol not found; GLIBC_2.32', glibc: null }, '', /not use glibc/],
    ['no Vulkan loader', { stage: 'adapter', error: null }, "Warning: Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file", /^no WebGPU adapter: libvulkan\.so\.1/],
    ['no Vulkan driver', { stage: 'adapter', error: null }, 'Warning: vkCreateInstance: Found no drivers!', /^no WebGPU adapter: Vulkan found no driver/],
    ["Debian 12's lavapipe", { stage: 'adapter', error: null }, 'Warning: Vulkan shaderUniform*ArrayDynamicIndexing required.', /too old for Dawn/],
    ['anything else', { stage: 'adapter', error: null }, 'Warning: something new\n    at Foo (x.cpp:1)', /^no WebGPU adapter \(Dawn: "something new"\)$/],
  ] as const)('%s', (_name, report, stderr, reason) => {
    const failure = explainFailure(report, stderr, vulkan);
    expect(failure.reason).toMatch(reason);
    expect(failure.hint.length).toBeGreaterThan(20);
  });
});

describe('webgpu configuration from the environment', () => {
  it('reads Dawn flags, and Dawn OpenGL ES needs the compatibility feature level', () => {
    expect(webgpuConfig({})).toEqual({ dawnFlags: [], featureLevel: 'core' });
    expect(webgpuConfig({ DSL_WEBGPU_DAWN_FLAGS: 'backend=opengles' })).toEqual({ dawnFlags: ['backend=opengles'], featureLevel: 'compatibility' });
    expect(webgpuConfig({ DSL_WEBGPU_DAWN_FLAGS: ' backend=vulkan ; adapter=NVIDIA ', DSL_WEBGPU_FEATURE_LEVEL: 'compatibility' })).toEqual({
      dawnFlags: ['backend=vulkan', 'adapter=NVIDIA'],
      featureLevel: 'compatibility',
    });
  });
});

describe('selecting webgpu', () => {
  const saved = process.env.DSL_WEBGPU_ALLOW_SOFTWARE;
  afterAll(() => {
    if (saved === undefined) delete process.env.DSL_WEBGPU_ALLOW_SOFTWARE;
    else process.env.DSL_WEBGPU_ALLOW_SOFTWARE = saved;
  });

  it("'auto' takes webgpu only on a hardware adapter, never a software one, and says why it skipped it", async () => {
    process.env.DSL_WEBGPU_ALLOW_SOFTWARE = '1'; // applies to explicit requests only
    const probe = await probeWebgpu();
    const info = await selectBackend('auto');
    if (probe.ok && probe.adapter.software === null) {
      expect(info.name).toBe('webgpu');
    } else {
      // Without a workload, auto ranks the CPU routes at 16/16: wasm with oneDNN before tensorflow, tensorflow before wasm's own kernels.
      expect(info.name).toBe(TENSORFLOW.available && !loadOnednnAddon().ok ? 'tensorflow' : 'wasm');
      const webgpu = info.skipped.find((s) => s.name === 'webgpu');
      expect(webgpu?.reason).toMatch(/^(not installed|no GPU|no WebGPU adapter|only a software adapter|dawn\.node needs glibc)/);
      expect(info.skipped.map((s) => s.name)).toEqual(TENSORFLOW.available ? ['tensorflow-gpu', 'webgpu'] : ['tensorflow-gpu', 'webgpu', 'tensorflow']);
      expect(info.summary).toContain(`webgpu: ${webgpu!.reason}`);
    }
  });

  it("an explicit 'webgpu' request refuses a software adapter unless allowed, and says why and how", async () => {
    const probe = await probeWebgpu();
    if (probe.ok && probe.adapter.software === null) return; // a real GPU: nothing to refuse
    const before = tf.getBackend();
    const error = await selectBackend('webgpu', { webgpuSoftware: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    const message = (error as Error).message;
    if (probe.ok) expect(message).toMatch(/only a software adapter \(\w+.*DSL_WEBGPU_ALLOW_SOFTWARE=1/);
    else expect(message).toMatch(/^backend 'webgpu' is not available: .+\. .+/);
    expect(tf.getBackend()).toBe(before); // a failed request leaves the active backend alone
  });
});

const onDevice = WEBGPU.available ? 'on a webgpu device' : `on a webgpu device (skipped: ${WEBGPU.reason})`;

describe.skipIf(!WEBGPU.available)(onDevice, () => {
  afterAll(() => releaseBackend());

  it('starts and describes its adapter', async () => {
    const info = await selectBackend('webgpu', { webgpuSoftware: true });
    expect(info).toMatchObject({ name: 'webgpu', requested: 'webgpu', threads: null, simd: null, skipped: [], degraded: null });
    expect(info.summary).toMatch(/^backend webgpu \(WebGPU on .+\)$/);
    expect(tf.getBackend()).toBe('webgpu');
  });

  it('sums any number of tensors with AddN (chunked past the storage-buffer limit) and its gradient', async () => {
    const limit = addNInputLimit(tf.backend());
    const random = new Random('addN');
    for (const count of [2, limit, limit + 1, 3 * limit + 2]) {
      const values = Array.from({ length: count }, () => random.fillNormal(new Float32Array(2 * 3 * 4 * 5)));
      const expected = values.reduce((sum, v) => sum.map((s, i) => s + v[i]!), new Float64Array(values[0]!.length));
      const xs = values.map((v) => tf.tensor4d(v, [2, 3, 4, 5]));
      const sum = tf.addN(xs);
      expect(relativeError(await sum.data(), expected), `${count} inputs`).toBeLessThan(1e-6);
      const grads = tf.grads((...ts: Tensor[]) => tf.sum(tf.mul(tf.addN(ts), tf.reshape(tf.range(0, 120), [2, 3, 4, 5]))))(xs);
      for (const g of grads) expect(Array.from(await g.data())).toEqual(Array.from({ length: 120 }, (_, i) => i));
      tf.dispose([...xs, sum, ...grads]);
    }
    await checkWebgpuDevice();
  });

  it('a synchronous read of GPU data fails with a clear message; read values stay readable', async () => {
    const x = tf.sum(tf.ones([64, 64]), 1); // big enough to run on the GPU
    expect(() => x.dataSync()).toThrow(/cannot read a tensor held on the GPU.*await tensor\.data\(\)/);
    const values = await x.data();
    expect(values[0]).toBe(64);
    expect(x.dataSync()[0]).toBe(64); // cached on the CPU by the asynchronous read
    x.dispose();
  });

  it('reports a device validation error instead of a silently wrong result (rank-6 pad), and recovers after a release', async () => {
    expect(webgpuDeviceErrors()).toEqual([]);
    // tfjs-backend-webgpu 4.22.0 emits invalid WGSL for rank-6 pads ("cannot index type 'vec6'");
    // the GPU skips the work and tfjs returns zeros without throwing.
    const padded = tf.pad(tf.ones([1, 1, 1, 1, 2, 2]), [[0, 0], [0, 0], [0, 0], [0, 0], [1, 1], [1, 1]]);
    await expect(padded.data()).rejects.toThrow(WebgpuDeviceError);
    await expect(checkWebgpuDevice()).rejects.toThrow(/vec6/);
    padded.dispose();

    await releaseBackend();
    expect(tf.findBackend('webgpu')).toBeNull();
    expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeUndefined();
    await releaseBackend(); // twice is fine

    await selectBackend('webgpu', { webgpuSoftware: true }); // a fresh device
    expect(webgpuDeviceErrors()).toEqual([]);
    const y = tf.add(tf.ones([64, 64]), 1);
    expect((await y.data())[0]).toBe(2);
    y.dispose();
    await checkWebgpuDevice();
  });

  it('lets Node exit after releaseBackend', async () => {
    // A separate process that trains nothing: start webgpu, compute, release, and end by itself.
    const script = `
      import { selectBackend, releaseBackend } from './src/ml/backend/index.ts';
      import { tf } from './src/ml/tf.ts';
      await selectBackend('webgpu', { webgpuSoftware: true });
      const y = tf.matMul(tf.ones([64, 64]), tf.ones([64, 64]));
      console.log((await y.data())[0]);
      await releaseBackend();
    `;
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 60_000, cwd: process.cwd() });
    expect(stdout.trim().split('\n').pop()).toBe('64');
  }, 90_000);
});

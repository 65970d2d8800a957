import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/ml/backend/index.js';
import { onednnActive, onednnCalls, onednnDims, replacedByOnednn, useOnednnKernels } from '../../../src/ml/backend/kernels/onednn.js';
import type { OnednnAddon } from '../../../src/ml/backend/native/onednn_addon.js';
import { ArchParams } from '../../../src/ml/nets/archParams.js';
import { Discriminator } from '../../../src/ml/nets/discriminator.js';
import { Generator } from '../../../src/ml/nets/generator.js';
import { tf, type Tensor } from '../../../src/ml/tf.js';
import { AdversarialGame } from '../../../src/ml/train/gan.js';
import { Random } from '../../../src/util/random.js';
import { randomArr, relativeError, type Arr } from '../helpers/arrays.js';
import { convReference, kernel, loaded, type Pad, REQUIRED, type Shape4, skipReason, sym, tensorOf, values } from '../helpers/onednn.js';
import { SMALL } from '../helpers/supernetPass.js';

interface Case {
  readonly x: Shape4;
  readonly k: number;
  readonly out: number;
  readonly stride: number;
  readonly dilation: number;
  readonly pad: Pad;
}

// Every candidate of the search space (kernel 1/3/5, dilation 1/2, stride 1/2, its padding), batch
// 1 and more, channel counts off the 8- and 16-wide blocks oneDNN works in, and asymmetric pads.
const CASES: readonly Case[] = [
  { x: [1, 8, 8, 3], k: 1, out: 5, stride: 1, dilation: 1, pad: 'valid' },
  { x: [2, 8, 8, 3], k: 1, out: 4, stride: 2, dilation: 1, pad: sym(0) },
  { x: [2, 9, 9, 5], k: 3, out: 7, stride: 1, dilation: 1, pad: 'same' },
  { x: [2, 9, 8, 6], k: 3, out: 10, stride: 2, dilation: 1, pad: sym(1) },
  { x: [1, 10, 10, 3], k: 3, out: 9, stride: 1, dilation: 2, pad: sym(2) },
  { x: [2, 9, 9, 3], k: 3, out: 4, stride: 2, dilation: 2, pad: sym(2) },
  { x: [3, 8, 8, 9], k: 5, out: 11, stride: 1, dilation: 1, pad: 'same' },
  { x: [2, 11, 11, 4], k: 5, out: 6, stride: 2, dilation: 1, pad: sym(2) },
  { x: [1, 12, 12, 3], k: 5, out: 5, stride: 1, dilation: 2, pad: sym(4) },
  { x: [2, 12, 12, 2], k: 5, out: 3, stride: 2, dilation: 2, pad: sym(4) },
  { x: [2, 6, 6, 16], k: 3, out: 32, stride: 1, dilation: 1, pad: 'valid' }, // whole blocks
  { x: [1, 8, 7, 2], k: 4, out: 3, stride: 2, dilation: 1, pad: 'same' }, // 'same' pads more at the end
  { x: [1, 5, 6, 3], k: 3, out: 2, stride: 1, dilation: 1, pad: [[0, 0], [0, 2], [1, 0], [0, 0]] },
];

const name = (c: Case) => `x ${c.x.join('x')} k${c.k} → ${c.out}, stride ${c.stride}, dilation ${c.dilation}, pad ${JSON.stringify(c.pad)}`;
const filterShape = (c: Case): Shape4 => [c.k, c.k, c.x[3], c.out];
const geometry = (c: Case) => tf.backend_util.computeConv2DInfo(c.x, filterShape(c), c.stride, c.dilation, c.pad, undefined, false, 'channelsLast');
// tfjs's own ops refuse stride 2 with dilation 2, so the wasm kernels have no say there.
const wasmComparable = (c: Case) => c.stride === 1 || c.dilation === 1;

const reference = (c: Case, x: Arr, w: Arr, dy: Arr) => convReference({ ...c, depthwise: false, info: geometry(c) }, x, w, dy);

const TOLERANCE = 1e-5; // float32 sums of at most a few hundred products

describe.skipIf(!loaded.ok)(`oneDNN convolution kernels on wasm${skipReason}`, () => {
  let addon: OnednnAddon;
  beforeAll(async () => {
    const info = await selectBackend('wasm', { threads: 'auto' });
    if (!loaded.ok) throw new Error(loaded.reason);
    addon = loaded.addon;
    expect(info.convolutions).toBe(`oneDNN ${addon.version()}`);
    expect(info.summary).toContain(`convolutions oneDNN ${addon.version()}`);
    expect(info.hint).toBeUndefined();
    expect(onednnActive()).toBe(true);
  });

  it.each(CASES.map((c) => [name(c), c] as const))('Conv2D and both gradients: %s', (_n, c) => {
    const r = new Random(`onednn ${name(c)}`);
    const g = geometry(c);
    const x = randomArr(r, c.x);
    const w = randomArr(r, filterShape(c), 0.5);
    const dy = randomArr(r, [c.x[0], g.outHeight, g.outWidth, c.out]);
    const ref = reference(c, x, w, dy);
    const [xt, wt, dyt] = [tensorOf(x), tensorOf(w), tensorOf(dy)];
    const forward = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dilations: c.dilation, dimRoundingMode: undefined };
    // tfjs sends no dilations to the gradient kernels (it has no dilated gradients); the addon takes them all the same.
    const backward = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined, ...(c.dilation === 1 ? {} : { dilations: c.dilation }) };
    const y = kernel(true, 'Conv2D', { x: xt, filter: wt }, forward);
    const dX = kernel(true, 'Conv2DBackpropInput', { dy: dyt, filter: wt }, { ...backward, inputShape: c.x });
    const dW = kernel(true, 'Conv2DBackpropFilter', { x: xt, dy: dyt }, { ...backward, filterShape: filterShape(c) });
    expect(relativeError(y, ref.y), 'forward vs float64').toBeLessThan(TOLERANCE);
    expect(relativeError(dX, ref.dX), 'input gradient vs float64').toBeLessThan(TOLERANCE);
    expect(relativeError(dW, ref.dW), 'filter gradient vs float64').toBeLessThan(TOLERANCE);
    if (wasmComparable(c)) {
      expect(relativeError(y, kernel(false, 'Conv2D', { x: xt, filter: wt }, forward)), 'forward vs wasm').toBeLessThan(TOLERANCE);
    }
    if (c.dilation === 1) {
      expect(relativeError(dX, kernel(false, 'Conv2DBackpropInput', { dy: dyt, filter: wt }, { ...backward, inputShape: c.x })), 'input gradient vs wasm').toBeLessThan(TOLERANCE);
      expect(relativeError(dW, kernel(false, 'Conv2DBackpropFilter', { x: xt, dy: dyt }, { ...backward, filterShape: filterShape(c) })), 'filter gradient vs wasm').toBeLessThan(TOLERANCE);
    }
    tf.dispose([xt, wt, dyt]);
  });

  const ACTIVATION_REF: Record<string, (v: number) => number> = {
    linear: (v) => v,
    relu: (v) => Math.max(0, v),
    relu6: (v) => Math.min(6, Math.max(0, v)),
    elu: (v) => (v > 0 ? v : Math.expm1(v)),
    leakyrelu: (v) => (v > 0 ? v : 0.3 * v),
    sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  };

  it.each(Object.keys(ACTIVATION_REF))('FusedConv2D with bias and %s equals float64 and the wasm kernel', (activation) => {
    const c = CASES[3]!;
    const r = new Random(`onednn fused ${activation}`);
    const g = geometry(c);
    const [x, w, bias] = [randomArr(r, c.x), randomArr(r, filterShape(c), 2), randomArr(r, [c.out])];
    const ref = reference(c, x, w, randomArr(r, [c.x[0], g.outHeight, g.outWidth, c.out]));
    const expected = ref.y.map((v, i) => ACTIVATION_REF[activation]!(v + bias.data[i % c.out]!));
    const [xt, wt, bt] = [tensorOf(x), tensorOf(w), tensorOf(bias)];
    const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dilations: 1, dimRoundingMode: undefined, activation, leakyreluAlpha: 0.3 };
    const got = kernel(true, 'FusedConv2D', { x: xt, filter: wt, bias: bt }, attrs);
    expect(relativeError(got, expected), 'vs float64').toBeLessThan(TOLERANCE);
    expect(relativeError(got, kernel(false, 'FusedConv2D', { x: xt, filter: wt, bias: bt }, attrs)), 'vs wasm').toBeLessThan(TOLERANCE);
    tf.dispose([xt, wt, bt]);
  });

  it('tf.grads of a fused conv runs on oneDNN and equals the wasm kernels', () => {
    const r = new Random('onednn grads');
    const [x, w, b] = [tensorOf(randomArr(r, [2, 9, 9, 5])), tensorOf(randomArr(r, [3, 3, 5, 7])), tensorOf(randomArr(r, [7]))];
    const run = (onednn: boolean) => {
      useOnednnKernels(onednn);
      const loss = (xi: Tensor, wi: Tensor, bi: Tensor) =>
        tf.sum(tf.square(tf.fused.conv2d({ x: xi as tf.Tensor4D, filter: wi as tf.Tensor4D, bias: bi, strides: 2, pad: 'same', activation: 'relu' })));
      const grads = tf.grads(loss)([x, w, b]);
      useOnednnKernels(true);
      return grads.map(values);
    };
    const before = addon.cacheSize();
    const native = run(true);
    expect(addon.cacheSize()).toBeGreaterThan(before); // oneDNN was called
    run(false).forEach((expected, i) => expect(relativeError(native[i]!, expected), `gradient ${i}`).toBeLessThan(TOLERANCE));
    tf.dispose([x, w, b]);
  });

  it('caches one primitive per shape and leaks no tensors', () => {
    const [x, w] = [tf.ones([1, 7, 7, 3]), tf.ones([3, 3, 3, 2])];
    const once = () => values(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'));
    once();
    const [cached, tensors] = [addon.cacheSize(), tf.memory().numTensors];
    for (let i = 0; i < 5; i++) expect(once()[24]).toBe(27); // the centre sees all 3x3x3 ones
    expect(addon.cacheSize()).toBe(cached);
    expect(tf.memory().numTensors).toBe(tensors);
    tf.dispose([x, w]);
  });

  it('calls oneDNN cannot take go to the kernels they replaced', () => {
    expect(replacedByOnednn('Conv2D')).toBeDefined();
    expect(replacedByOnednn('Conv2DBackpropFilter')).toBeDefined(); // dsl's wasm one
    // 'ceil' rounding gives an output one larger than the pads allow: oneDNN would reject it.
    const info = tf.backend_util.computeConv2DInfo([1, 6, 6, 1], [3, 3, 1, 1], 2, 1, 1, 'ceil');
    expect(info.outHeight).toBe(4);
    expect(onednnDims(info)).toBeNull();
    expect(onednnDims(tf.backend_util.computeConv2DInfo([1, 6, 6, 1], [3, 3, 1, 1], 2, 1, 1, 'floor'))).not.toBeNull();
    const x = tf.ones([1, 6, 6, 1]) as tf.Tensor4D;
    const w = tf.ones([3, 3, 1, 1]) as tf.Tensor4D;
    const ceil = tf.conv2d(x, w, 2, 1, 'NHWC', 1, 'ceil');
    expect(ceil.shape).toEqual([1, 4, 4, 1]); // the wasm kernel's answer
    tf.dispose([x, w, ceil]);
    // An empty batch: the wasm kernel's answer, not a oneDNN error.
    const empty = tf.conv2d(tf.zeros([0, 4, 4, 2]) as tf.Tensor4D, tf.ones([3, 3, 2, 2]) as tf.Tensor4D, 1, 'same');
    expect(empty.shape).toEqual([0, 4, 4, 2]);
    empty.dispose();
  });

  it('rejects arrays that do not match the dims with a JavaScript error, before touching memory', () => {
    const dims = Int32Array.of(1, 4, 4, 2, 3, 3, 2, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1);
    const [x, w, y] = [new Float32Array(32), new Float32Array(36), new Float32Array(32)];
    expect(() => addon.conv(0, x, w, new Float32Array(31), dims, null, 0, 0)).toThrow(RangeError);
    expect(() => addon.conv(0, x, w, new Float32Array(31), dims, null, 0, 0)).toThrow(/out holds 31 floats, the dims say 32/);
    expect(() => addon.conv(3 as 0, x, w, y, dims, null, 0, 0)).toThrow(/kind must be 0, 1 or 2/);
    expect(() => addon.conv(0, x, w, y, dims.subarray(1), null, 0, 0)).toThrow(/Int32Array of 17/);
    expect(() => addon.conv(1, y, w, x, dims, new Float32Array(2), 0, 0)).toThrow(/forward convolution only/);
    // Pads that do not give this output size: oneDNN's own error, as a JavaScript Error.
    const wrong = Int32Array.of(1, 4, 4, 2, 3, 3, 2, 4, 4, 1, 1, 1, 1, 0, 0, 0, 0);
    expect(() => addon.conv(0, x, w, y, wrong, null, 0, 0)).toThrow(/oneDNN/);
    x.fill(1);
    w.fill(1);
    addon.conv(0, x, w, y, dims, null, 0, 0);
    expect(y[(1 * 4 + 1) * 2]).toBe(18); // an inner pixel: 3x3 taps x 2 channels
    expect(y[0]).toBe(8); // a corner: 2x2 taps x 2 channels
  });

  it('a tiny search iteration gives the same losses with and without oneDNN', async () => {
    const iteration = async (onednn: boolean) => {
      useOnednnKernels(onednn);
      const { space } = SMALL;
      const g = new Generator(space.generator, new Random(1));
      const d = new Discriminator(space.discriminator, new Random(2));
      const alphas = new ArchParams(space.generator, new Random(3));
      const betas = new ArchParams(space.discriminator, new Random(4));
      const game = new AdversarialGame({ net: g, arch: alphas }, { net: d, arch: betas }, { latentDim: 12, nCritic: 1, split: 0.5, generatorBatch: 4, ema: 0.999, optimizers: SMALL.spec.search.optimizers });
      const real = tf.tensor4d(new Random(5).fillUniform(new Float32Array(8 * 32 * 32 * 3), -1, 1), [8, 32, 32, 3]);
      const [latent, gumbel] = [new Random(6), new Random(7)];
      const losses: number[] = [];
      for (let i = 0; i < 2; i++) {
        const step = await game.step(real, i, latent, () => ({ type: 'gumbel', tau: 5, random: gumbel }));
        losses.push(step.dLoss, step.gLoss!, step.dArchLoss!, step.gArchLoss!);
      }
      real.dispose();
      game.dispose();
      for (const n of [g, d, alphas, betas]) n.dispose();
      useOnednnKernels(true);
      return losses;
    };
    const before = addon.cacheSize();
    // The generator's ConvTranspose candidate is a depthwise convolution with both gradients.
    const depthwise = ['DepthwiseConv2dNative', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter'];
    const depthwiseBefore = depthwise.map(onednnCalls);
    const native = await iteration(true);
    expect(addon.cacheSize()).toBeGreaterThan(before);
    depthwise.forEach((name, i) => expect(onednnCalls(name), name).toBeGreaterThan(depthwiseBefore[i]!));
    const wasm = await iteration(false);
    expect(native.every(Number.isFinite)).toBe(true);
    native.forEach((loss, i) => expect(Math.abs(loss - wasm[i]!), `loss ${i}: ${loss} vs ${wasm[i]}`).toBeLessThan(1e-4));
  });
});

describe('the oneDNN addon', () => {
  it.skipIf(REQUIRED || loaded.ok)(`is optional: without it the wasm kernels run${loaded.ok ? ' (skipped: the addon is built here)' : ''}`, async () => {
    const info = await selectBackend('wasm', { threads: 'auto' });
    expect(info.convolutions).toBe(`wasm (${loaded.ok ? '' : loaded.reason})`);
    expect(info.summary).toContain('convolutions wasm (');
    if (process.env.DSL_ONEDNN === '0') expect(info.hint).toBeUndefined(); // turned off on purpose
    else expect(info.hint).toMatch(/apt-get install libdnnl-dev/);
  });

  it.runIf(REQUIRED)('is built where CI installs libdnnl-dev', () => {
    expect(loaded.ok, loaded.ok ? '' : `${loaded.reason}: ${loaded.hint}`).toBe(true);
  });
});

afterAll(() => useOnednnKernels(true));

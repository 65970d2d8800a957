import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/ml/backend/index.js';
import { onednnActive, onednnCalls, onednnDims, replacedByOnednn, useOnednnKernels } from '../../../src/ml/backend/kernels/onednn.js';
import type { OnednnAddon } from '../../../src/ml/backend/native/onednn_addon.js';
import { depthwiseConvTranspose2d } from '../../../src/ml/ops/depthwise_conv_transpose.js';
import { tf, type Tensor, type Tensor4D } from '../../../src/ml/tf.js';
import { Random } from '../../../src/util/random.js';
import { randomArr, relativeError, type Arr } from '../helpers/arrays.js';
import { convReference, kernel, loaded, type Pad, type Shape4, skipReason, sym, tensorOf, values } from '../helpers/onednn.js';

interface Case {
  readonly x: Shape4;
  readonly k: number;
  readonly stride: number;
  readonly dilation: number;
  readonly pad: Pad;
}

// The calls a search iteration makes (the generator's ConvTranspose candidate: 3x3, stride 1, pad 1
// over the zero-inserted input, and the valid forms of its gradients), then kernel 1 and 3,
// stride 1 and 2, dilation 1 and 2, each padding, batch 1 and more, channel counts off the 8-
// and 16-wide blocks oneDNN works in.
const CASES: readonly Case[] = [
  { x: [16, 16, 16, 16], k: 3, stride: 1, dilation: 1, pad: sym(1) }, // the engine's, at width 16
  { x: [2, 8, 8, 32], k: 3, stride: 1, dilation: 1, pad: sym(1) }, // ... at width 32
  { x: [3, 10, 10, 16], k: 3, stride: 1, dilation: 1, pad: 'valid' },
  { x: [1, 8, 8, 3], k: 1, stride: 1, dilation: 1, pad: 'valid' },
  { x: [2, 8, 8, 5], k: 1, stride: 2, dilation: 1, pad: sym(0) },
  { x: [2, 9, 9, 5], k: 3, stride: 1, dilation: 1, pad: 'same' },
  { x: [2, 9, 8, 6], k: 3, stride: 2, dilation: 1, pad: sym(1) },
  { x: [1, 8, 7, 20], k: 3, stride: 2, dilation: 1, pad: 'same' }, // 'same' pads more at the end
  { x: [1, 10, 10, 3], k: 3, stride: 1, dilation: 2, pad: sym(2) },
  { x: [2, 7, 7, 12], k: 3, stride: 1, dilation: 2, pad: 'same' },
  { x: [2, 9, 9, 3], k: 3, stride: 2, dilation: 2, pad: sym(2) },
  { x: [1, 5, 6, 3], k: 3, stride: 1, dilation: 1, pad: [[0, 0], [0, 2], [1, 0], [0, 0]] },
];

const name = (c: Case) => `x ${c.x.join('x')} k${c.k}, stride ${c.stride}, dilation ${c.dilation}, pad ${JSON.stringify(c.pad)}`;
const filterShape = (c: Case): Shape4 => [c.k, c.k, c.x[3], 1];
const geometry = (c: Case) => tf.backend_util.computeConv2DInfo(c.x, filterShape(c), c.stride, c.dilation, c.pad, undefined, true, 'channelsLast');
// tfjs's own ops refuse stride 2 with dilation 2, so the wasm kernels have no say there.
const wasmComparable = (c: Case) => c.stride === 1 || c.dilation === 1;

const reference = (c: Case, x: Arr, w: Arr, dy: Arr) => convReference({ ...c, out: c.x[3], depthwise: true, info: geometry(c) }, x, w, dy);

const TOLERANCE = 1e-5; // float32 sums (the filter gradient's of up to 4096 products)

describe.skipIf(!loaded.ok)(`oneDNN depthwise convolution kernels on wasm${skipReason}`, () => {
  let addon: OnednnAddon;
  beforeAll(async () => {
    await selectBackend('wasm', { threads: 'auto' });
    if (!loaded.ok) throw new Error(loaded.reason);
    addon = loaded.addon;
    expect(onednnActive()).toBe(true);
  });

  it.each(CASES.map((c) => [name(c), c] as const))('DepthwiseConv2dNative and both gradients: %s', (_n, c) => {
    const r = new Random(`onednn depthwise ${name(c)}`);
    const g = geometry(c);
    const x = randomArr(r, c.x);
    const w = randomArr(r, filterShape(c), 0.5);
    const dy = randomArr(r, [c.x[0], g.outHeight, g.outWidth, c.x[3]]);
    const ref = reference(c, x, w, dy);
    const [xt, wt, dyt] = [tensorOf(x), tensorOf(w), tensorOf(dy)];
    const forward = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dilations: c.dilation, dimRoundingMode: undefined };
    const backward = { strides: c.stride, pad: c.pad, dilations: c.dilation, dimRoundingMode: undefined };
    const calls = (n: string) => onednnCalls(n);
    const counted = ['DepthwiseConv2dNative', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter'];
    const before = counted.map(calls);
    const y = kernel(true, 'DepthwiseConv2dNative', { x: xt, filter: wt }, forward);
    const dX = kernel(true, 'DepthwiseConv2dNativeBackpropInput', { dy: dyt, filter: wt }, { ...backward, inputShape: c.x });
    const dW = kernel(true, 'DepthwiseConv2dNativeBackpropFilter', { x: xt, dy: dyt }, { ...backward, filterShape: filterShape(c) });
    counted.forEach((n, i) => expect(calls(n), `${n} ran on oneDNN`).toBe(before[i]! + 1));
    expect(relativeError(y, ref.y), 'forward vs float64').toBeLessThan(TOLERANCE);
    expect(relativeError(dX, ref.dX), 'input gradient vs float64').toBeLessThan(TOLERANCE);
    expect(relativeError(dW, ref.dW), 'filter gradient vs float64').toBeLessThan(TOLERANCE);
    if (wasmComparable(c)) {
      expect(relativeError(y, kernel(false, 'DepthwiseConv2dNative', { x: xt, filter: wt }, forward)), 'forward vs wasm').toBeLessThan(TOLERANCE);
    }
    // dsl's wasm gradient kernels take dilation 1 only (tfjs has no dilated depthwise gradients).
    if (c.dilation === 1) {
      expect(relativeError(dX, kernel(false, 'DepthwiseConv2dNativeBackpropInput', { dy: dyt, filter: wt }, { ...backward, inputShape: c.x })), 'input gradient vs wasm').toBeLessThan(TOLERANCE);
      expect(relativeError(dW, kernel(false, 'DepthwiseConv2dNativeBackpropFilter', { x: xt, dy: dyt }, { ...backward, filterShape: filterShape(c) })), 'filter gradient vs wasm').toBeLessThan(TOLERANCE);
    }
    tf.dispose([xt, wt, dyt]);
  });

  it('runs a jit implementation of oneDNN at the shapes a search iteration calls, not its reference loops', () => {
    const dims = onednnDims(geometry(CASES[0]!))!;
    for (const kind of [0, 1, 2] as const) expect(addon.impl(kind, dims, true)).not.toMatch(/ref/);
  });

  it('tf.grads of the ConvTranspose candidate runs on oneDNN and equals the wasm kernels', () => {
    const r = new Random('onednn depthwise transpose');
    const [x, w] = [tensorOf(randomArr(r, [3, 5, 5, 12])), tensorOf(randomArr(r, [3, 3, 12, 1]))];
    const run = (onednn: boolean) => {
      useOnednnKernels(onednn);
      const loss = (xi: Tensor, wi: Tensor) => tf.sum(tf.square(depthwiseConvTranspose2d(xi as Tensor4D, wi as Tensor4D)));
      const { value, grads } = tf.valueAndGrads(loss)([x, w]);
      useOnednnKernels(true);
      return [value, ...grads].map(values);
    };
    const before = ['DepthwiseConv2dNative', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter'].map(onednnCalls);
    const native = run(true);
    ['DepthwiseConv2dNative', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter'].forEach((n, i) =>
      expect(onednnCalls(n), n).toBeGreaterThan(before[i]!),
    );
    const wasm = run(false);
    expect(native[1]!.some((v) => v !== 0)).toBe(true);
    wasm.forEach((expected, i) => expect(relativeError(native[i]!, expected), `output ${i}`).toBeLessThan(TOLERANCE));
    tf.dispose([x, w]);
  });

  it('calls oneDNN cannot take go to the kernels they replaced', () => {
    for (const n of ['DepthwiseConv2dNative', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter']) {
      expect(replacedByOnednn(n), n).toBeDefined();
    }
    const forwardCalls = () => onednnCalls('DepthwiseConv2dNative');
    const before = forwardCalls();
    const x = tf.tensor4d(Float32Array.from({ length: 36 * 2 }, (_, i) => (i % 7) - 3), [1, 6, 6, 2]);
    // Channel multiplier 2: the wasm kernel's answer, checked against the same filters one multiplier at a time.
    const w2 = tf.tensor4d(Float32Array.from({ length: 9 * 4 }, (_, i) => (i % 5) - 2), [3, 3, 2, 2]);
    const both = values(tf.depthwiseConv2d(x, w2, 1, 'same'));
    for (const m of [0, 1]) {
      const one = tf.slice(w2, [0, 0, 0, m], [3, 3, 2, 1]);
      const single = values(tf.depthwiseConv2d(x, one as Tensor4D, 1, 'same'));
      expect(single.every((v, i) => v === both[Math.floor(i / 2) * 4 + (i % 2) * 2 + m])).toBe(true);
      one.dispose();
    }
    expect(forwardCalls()).toBe(before + 2); // only the multiplier-1 calls
    // 'ceil' rounding gives an output one larger than the pads allow; an empty batch.
    const w = tf.ones([3, 3, 2, 1]) as Tensor4D;
    const ceil = tf.depthwiseConv2d(x, w, 2, 1, 'NHWC', 1, 'ceil');
    expect(ceil.shape).toEqual([1, 4, 4, 2]);
    const empty = tf.depthwiseConv2d(tf.zeros([0, 4, 4, 2]) as Tensor4D, w, 1, 'same');
    expect(empty.shape).toEqual([0, 4, 4, 2]);
    expect(forwardCalls()).toBe(before + 2);
    tf.dispose([x, w2, w, ceil, empty]);
  });

  it('rejects dims that are not depthwise, or arrays that do not match them, before touching memory', () => {
    const dims = Int32Array.of(1, 4, 4, 2, 3, 3, 2, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1);
    const [x, w, y] = [new Float32Array(32), new Float32Array(18), new Float32Array(32)];
    const dense = Int32Array.from(dims);
    dense[6] = 3;
    expect(() => addon.depthwise(0, x, w, new Float32Array(48), dense)).toThrow(/O = C \(channel multiplier 1\), the dims say C 2, O 3/);
    expect(() => addon.depthwise(0, x, new Float32Array(36), y, dims)).toThrow(/b holds 36 floats, the dims say 18/);
    expect(() => addon.depthwise(2, x, y, new Float32Array(9), dims)).toThrow(RangeError);
    expect(() => addon.impl(3 as 0, dims, true)).toThrow(/kind must be 0, 1 or 2/);
    x.fill(1);
    w.fill(1);
    addon.depthwise(0, x, w, y, dims);
    expect(y[(1 * 4 + 1) * 2]).toBe(9); // an inner pixel: 3x3 taps of its own channel only
    expect(y[0]).toBe(4); // a corner: 2x2 taps
  });
});

afterAll(() => useOnednnKernels(true));

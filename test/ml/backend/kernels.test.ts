import { beforeAll, describe, expect, it } from 'vitest';
import { registerTrainingKernels, replacedKernel, selectBackend, trainingKernelNames } from '../../../src/ml/backend/index.js';
import { tf, type NamedAttrMap, type Tensor, type TensorInfo } from '../../../src/ml/tf.js';
import { Random } from '../../../src/util/random.js';
import { index4, randomArr, relativeError, size, type Arr } from '../helpers/arrays.js';

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
type Shape4 = [number, number, number, number];

interface ConvCase {
  readonly x: Shape4;
  readonly filter: Shape4; // [kh, kw, in, out] (out = 1 channel multiplier for depthwise)
  readonly stride: number;
  readonly pad: Pad;
}

const explicit = (p: number): Pad => [[0, 0], [p, p], [p, p], [0, 0]];

const CONV_CASES: readonly ConvCase[] = [
  { x: [2, 7, 6, 3], filter: [3, 3, 3, 4], stride: 1, pad: 'same' },
  { x: [2, 8, 8, 3], filter: [3, 3, 3, 2], stride: 2, pad: 'same' },
  { x: [1, 8, 7, 2], filter: [4, 4, 2, 3], stride: 2, pad: 'same' }, // asymmetric 'same'
  { x: [2, 8, 8, 2], filter: [5, 5, 2, 3], stride: 2, pad: explicit(2) },
  { x: [1, 5, 5, 2], filter: [1, 1, 2, 3], stride: 2, pad: 'valid' }, // spread dy longer than x
  { x: [2, 6, 5, 3], filter: [1, 1, 3, 4], stride: 1, pad: 'same' }, // 1x1: the weight gradient is a matMul
  { x: [1, 6, 6, 2], filter: [3, 3, 2, 2], stride: 1, pad: 'valid' },
  { x: [1, 6, 5, 2], filter: [5, 5, 2, 2], stride: 1, pad: 1 },
  // More stride-2 geometries for the polyphase input gradient: odd sizes, even kernels, pads.
  { x: [2, 7, 9, 2], filter: [3, 3, 2, 3], stride: 2, pad: 'valid' },
  { x: [1, 9, 7, 3], filter: [5, 5, 3, 2], stride: 2, pad: 'same' },
  { x: [1, 6, 6, 2], filter: [2, 2, 2, 3], stride: 2, pad: 'valid' },
  { x: [1, 6, 7, 2], filter: [3, 5, 2, 2], stride: 2, pad: [[0, 0], [0, 3], [1, 2], [0, 0]] },
  { x: [1, 4, 4, 2], filter: [5, 5, 2, 2], stride: 2, pad: explicit(4) },
];

const DEPTHWISE_CASES: readonly ConvCase[] = [
  { x: [2, 6, 6, 4], filter: [3, 3, 4, 1], stride: 1, pad: 'same' },
  { x: [2, 8, 8, 3], filter: [3, 3, 3, 1], stride: 1, pad: [[0, 0], [1, 1], [1, 1], [0, 0]] },
  { x: [1, 7, 8, 2], filter: [3, 3, 2, 1], stride: 2, pad: 'same' },
  { x: [1, 6, 6, 2], filter: [5, 5, 2, 1], stride: 1, pad: 'valid' },
];

const random = new Random('kernels.test');

/** The geometry tfjs derives from the attributes (where 'same' puts its padding). */
function geometry(c: ConvCase, depthwise: boolean) {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.stride, 1, c.pad, undefined, depthwise);
  return { top: info.padInfo.top, left: info.padInfo.left, oh: info.outHeight, ow: info.outWidth };
}

/** dW and dX of y[n,y,x,o] = sum x[n, s*y + a - top, s*x + b - left, i] * W[a,b,i,o] (float64). */
function convGradientsRef(c: ConvCase, x: Arr, dy: Arr, w: Arr, depthwise: boolean) {
  const { top, left, oh, ow } = geometry(c, depthwise);
  const [n, h, wd, ci] = c.x;
  const [kh, kw, , co] = c.filter;
  const dW = new Float64Array(size(c.filter));
  const dX = new Float64Array(size(c.x));
  for (let b0 = 0; b0 < n; b0++)
    for (let y = 0; y < oh; y++)
      for (let xx = 0; xx < ow; xx++)
        for (let a = 0; a < kh; a++)
          for (let b = 0; b < kw; b++) {
            const iy = c.stride * y + a - top;
            const ix = c.stride * xx + b - left;
            if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
            for (let i = 0; i < ci; i++)
              for (let o = 0; o < co; o++) {
                const outChannel = depthwise ? i : o;
                const g = dy.data[index4(dy.shape, b0, y, xx, outChannel)]!;
                dW[index4(c.filter, a, b, i, o)]! += x.data[index4(c.x, b0, iy, ix, i)]! * g;
                dX[index4(c.x, b0, iy, ix, i)]! += w.data[index4(c.filter, a, b, i, o)]! * g;
              }
          }
  return { dW, dX };
}

const tensorOf = (a: Arr) => tf.tensor(Float32Array.from(a.data), [...a.shape]);

/** Runs a kernel config directly (e.g. the native one a registration replaced). */
function runConfig(name: string, backendName: string, inputs: Record<string, Tensor>, attrs: NamedAttrMap): Float32Array {
  const config = replacedKernel(name, backendName) ?? tf.getKernel(name, backendName);
  const info = config.kernelFunc({ inputs, attrs, backend: tf.findBackend(backendName) }) as TensorInfo;
  const result = tf.engine().makeTensorFromTensorInfo(info);
  const values = result.dataSync() as Float32Array;
  result.dispose();
  return values;
}

function checkConvKernels(c: ConvCase, depthwise: boolean, backendName: 'cpu' | 'wasm') {
  const r = random.fork(`${backendName} ${depthwise} ${JSON.stringify(c)}`);
  const { oh, ow } = geometry(c, depthwise);
  const x = randomArr(r, c.x);
  const w = randomArr(r, c.filter);
  const dy = randomArr(r, [c.x[0], oh, ow, depthwise ? c.x[3] : c.filter[3]]);
  const expected = convGradientsRef(c, x, dy, w, depthwise);
  const [xt, wt, dyt] = [tensorOf(x), tensorOf(w), tensorOf(dy)];
  const common = { strides: c.stride, pad: c.pad, dimRoundingMode: undefined } as unknown as NamedAttrMap;
  const prefix = depthwise ? 'DepthwiseConv2dNative' : 'Conv2D';
  const filterAttrs = { ...common, filterShape: c.filter, ...(depthwise ? { dilations: 1 } : { dataFormat: 'NHWC' }) } as NamedAttrMap;
  const inputAttrs = { ...common, inputShape: c.x, ...(depthwise ? { dilations: 1 } : { dataFormat: 'NHWC' }) } as NamedAttrMap;
  const dW = tf.engine().runKernel(`${prefix}BackpropFilter`, { x: xt, dy: dyt }, filterAttrs) as Tensor;
  const dX = tf.engine().runKernel(`${prefix}BackpropInput`, { dy: dyt, filter: wt }, inputAttrs) as Tensor;
  expect(relativeError(dW.dataSync(), expected.dW), 'filter gradient').toBeLessThan(1e-5);
  expect(relativeError(dX.dataSync(), expected.dX), 'input gradient').toBeLessThan(1e-5);
  // The native kernel where the backend has one (wasm's Conv2DBackpropInput, cpu's everything).
  for (const [name, inputs, attrs, ours] of [
    [`${prefix}BackpropFilter`, { x: xt, dy: dyt }, filterAttrs, dW],
    [`${prefix}BackpropInput`, { dy: dyt, filter: wt }, inputAttrs, dX],
  ] as const) {
    if (replacedKernel(name, backendName) !== undefined) {
      expect(relativeError(ours.dataSync(), runConfig(name, backendName, inputs, attrs)), `native ${name}`).toBeLessThan(1e-5);
    }
  }
  tf.dispose([xt, wt, dyt, dW, dX]);
}

describe('training kernels on wasm', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('registers once per backend', () => {
    const before = tf.getKernelsForBackend('wasm').length;
    registerTrainingKernels('wasm');
    expect(tf.getKernelsForBackend('wasm').length).toBe(before);
    for (const name of trainingKernelNames('wasm')) expect(tf.getKernel(name, 'wasm')).toBeDefined();
    expect(replacedKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined(); // it was missing
    expect(replacedKernel('Conv2DBackpropInput', 'wasm')).toBeDefined(); // the slow native one
  });

  it.each(CONV_CASES.map((c) => [JSON.stringify(c), c] as const))('Conv2DBackpropFilter/Input %s', (_n, c) => checkConvKernels(c, false, 'wasm'));

  it.each(DEPTHWISE_CASES.map((c) => [JSON.stringify(c), c] as const))('DepthwiseConv2dNativeBackpropFilter/Input %s', (_n, c) =>
    checkConvKernels(c, true, 'wasm'),
  );

  it('depthwise gradients with channel multiplier 2 fall back to the cpu kernels', async () => {
    const c: ConvCase = { x: [1, 5, 5, 2], filter: [3, 3, 2, 2], stride: 1, pad: 'same' };
    const [x, w] = [randomArr(random, c.x), randomArr(random, c.filter)];
    const gradients = () => {
      const [xt, wt] = [tensorOf(x), tensorOf(w)];
      const loss = (a: Tensor, b: Tensor) => tf.sum(tf.square(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')));
      const grads = tf.grads(loss)([xt, wt]);
      const values = grads.map((g) => g.dataSync() as Float32Array);
      tf.dispose([xt, wt, ...grads]);
      return values;
    };
    const onWasm = gradients();
    await selectBackend('cpu');
    const onCpu = gradients();
    await selectBackend('wasm');
    onWasm.forEach((g, i) => expect(relativeError(g, onCpu[i]!)).toBeLessThan(1e-5));
  });

  it('MaxPoolGrad is correct for all-negative windows (the shipped wasm kernel is not)', () => {
    const values = Array.from({ length: 16 }, (_, i) => -1 - ((i * 7) % 16) / 4);
    const grad = tf.tidy(() => tf.grad((x: Tensor) => tf.sum(tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid')))(tf.tensor4d(values, [1, 4, 4, 1])));
    const g = Array.from(grad.dataSync());
    grad.dispose();
    // One 1 per window, at the window's maximum.
    for (const [r, c] of [[0, 0], [0, 2], [2, 0], [2, 2]]) {
      const cells = [0, 1].flatMap((a) => [0, 1].map((b) => (r! + a) * 4 + c! + b));
      const best = cells.reduce((m, i) => (values[i]! > values[m]! ? i : m), cells[0]!);
      cells.forEach((i) => expect(g[i]).toBe(i === best ? 1 : 0));
    }
  });

  it.each([
    { shape: [7, 5], axis: 0, indices: [6, 0, 0, 3, 6] },
    { shape: [3, 4, 70], axis: 1, indices: [3, 1] }, // long runs (copied as views)
    { shape: [2, 3, 4], axis: 2, indices: [[3, 0], [1, 1]] }, // runs of one, 2-D indices
  ])('GatherV2 along axis $axis of $shape equals the shipped kernel', ({ shape, axis, indices }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const x = tf.tensor(Float32Array.from({ length: size }, (_, i) => i * 0.5 - 3), shape);
    const idx = tf.tensor(indices.flat(), [indices.length, ...(Array.isArray(indices[0]) ? [(indices[0] as number[]).length] : [])], 'int32');
    const ours = tf.gather(x, idx, axis);
    const shipped = runConfig('GatherV2', 'wasm', { x, indices: idx }, { axis, batchDims: 0 } as unknown as NamedAttrMap);
    expect(Array.from(ours.dataSync())).toEqual(Array.from(shipped));
    expect(() => tf.gather(x, tf.tensor1d([shape[axis]!], 'int32'), axis)).toThrow(/not in \[0, /);
    tf.dispose([x, idx, ours]);
  });

  it('Slice, SplitV and Unpack read the heap in place and equal the shipped kernels', () => {
    const x = tf.tensor(Float32Array.from({ length: 3 * 4 * 70 }, (_, i) => i * 0.25 - 7), [3, 4, 70]);
    const multi = (name: string, attrs: object) => {
      const config = replacedKernel(name, 'wasm')!;
      const infos = config.kernelFunc({ inputs: name === 'Unpack' ? { value: x } : { x }, attrs: attrs as NamedAttrMap, backend: tf.findBackend('wasm') }) as TensorInfo[];
      return infos.map((info) => {
        const t = tf.engine().makeTensorFromTensorInfo(info);
        const values = Array.from(t.dataSync());
        t.dispose();
        return values;
      });
    };
    const slice = tf.slice(x, [1, 1, 3], [2, 2, 65]);
    expect(Array.from(slice.dataSync())).toEqual(Array.from(runConfig('Slice', 'wasm', { x }, { begin: [1, 1, 3], size: [2, 2, 65] } as unknown as NamedAttrMap)));
    const parts = tf.split(x, [1, 3], 1);
    expect(parts.map((p) => Array.from(p.dataSync()))).toEqual(multi('SplitV', { numOrSizeSplits: [1, 3], axis: 1 }));
    const rows = tf.unstack(x, 2);
    expect(rows.map((p) => Array.from(p.dataSync()))).toEqual(multi('Unpack', { axis: 2 }));
    expect(rows[5]!.shape).toEqual([3, 4]);
    tf.dispose([x, slice, ...parts, ...rows]);
  });

  it('UnsortedSegmentSum (the gradient of gather) exists and is right', () => {
    const grad = tf.tidy(() => tf.grad((x: Tensor) => tf.sum(tf.gather(x, [2, 0, 2])))(tf.tensor1d([1, 2, 3])));
    expect(Array.from(grad.dataSync())).toEqual([1, 0, 2]);
    grad.dispose();
  });
});

describe('training kernels on cpu', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('replaces only the conv filter gradient', () => {
    expect(trainingKernelNames('cpu')).toEqual(['Conv2DBackpropFilter']);
    expect(replacedKernel('Conv2DBackpropFilter', 'cpu')).toBeDefined();
  });

  it.each(CONV_CASES.map((c) => [JSON.stringify(c), c] as const))('Conv2DBackpropFilter %s against the reference and the native kernel', (_n, c) =>
    checkConvKernels(c, false, 'cpu'),
  );
});

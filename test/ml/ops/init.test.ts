import { describe, expect, it } from 'vitest';
import {
  batchNormGammaInit,
  convBiasInit,
  convWeightInit,
  depthwiseTransposeWeightInit,
  initWeight,
  linearBiasInit,
  linearWeightInit,
  torchFans,
} from '../../../src/ml/ops/init.js';
import { Random } from '../../../src/util/random.js';

const mean = (xs: ArrayLike<number>) => Array.from(xs).reduce((s, x) => s + x, 0) / xs.length;
const std = (xs: ArrayLike<number>) => {
  const m = mean(xs);
  return Math.sqrt(mean(Array.from(xs, (x) => (x - m) ** 2)));
};
const maxAbs = (xs: ArrayLike<number>) => Array.from(xs).reduce((m, x) => Math.max(m, Math.abs(x)), 0);

/** PyTorch's [out, in*kh*kw] matrix of a conv weight of ours [kh, kw, in, out]. */
function torchMatrix(w: Float32Array, [kh, kw, ci, co]: readonly number[]): number[][] {
  return Array.from({ length: co! }, (_, o) =>
    Array.from({ length: ci! * kh! * kw! }, (_, col) => {
      const i = Math.floor(col / (kh! * kw!));
      const a = Math.floor(col / kw!) % kh!;
      const b = col % kw!;
      return w[((a * kw! + b) * ci! + i) * co! + o]!;
    }),
  );
}

const gram = (rows: number[][]) => rows.map((r) => rows.map((s) => r.reduce((acc, x, i) => acc + x * s[i]!, 0)));
const transpose = (m: number[][]) => m[0]!.map((_, j) => m.map((row) => row[j]!));

describe('initialisers', () => {
  it('compute PyTorch fans from our layouts', () => {
    expect(torchFans('conv2d', [3, 3, 4, 8])).toEqual({ fanIn: 36, fanOut: 72 });
    expect(torchFans('depthwise-conv-transpose2d', [3, 3, 16, 1])).toEqual({ fanIn: 9, fanOut: 144 });
    expect(torchFans('linear', [40, 2560])).toEqual({ fanIn: 40, fanOut: 2560 });
  });

  it('draw in PyTorch element order and place each element at our [kh, kw, in, out] index', () => {
    const shape = [2, 3, 4, 5];
    const w = initWeight('conv2d', shape, 'normal', new Random(1));
    const stream = new Random(1).fillNormal(new Float64Array(120), 0, 0.02);
    const rows = torchMatrix(w, shape); // row o, column (i, a, b): PyTorch's flatten order
    expect(rows.flat()).toEqual(Array.from(Float32Array.from(stream)));
    const dw = depthwiseTransposeWeightInit([3, 3, 4, 1], new Random(2));
    const dwStream = new Random(2).fillUniform(new Float64Array(36), -1 / 3, 1 / 3);
    // torch [C, 1, k, k] element (c, 0, a, b) is ours [a, b, c, 0].
    expect(dw[(1 * 3 + 2) * 4 + 3]).toBe(Math.fround(dwStream[(3 * 3 + 1) * 3 + 2]!));
    const lin = linearWeightInit([3, 2], new Random(3));
    const linStream = new Random(3).fillUniform(new Float64Array(6), -1 / Math.sqrt(3), 1 / Math.sqrt(3));
    expect(lin[2 * 2 + 1]).toBe(Math.fround(linStream[1 * 3 + 2]!)); // torch [o=1, i=2] = ours [i=2, o=1]
  });

  it('xavier-uniform (gain 1), normal (0.02) and pytorch-default have the right bounds and spreads', () => {
    const shape = [3, 3, 32, 64];
    const { fanIn, fanOut } = torchFans('conv2d', shape);
    const xavier = convWeightInit('xavier-uniform', shape, new Random(4));
    const bound = Math.sqrt(6 / (fanIn + fanOut));
    expect(maxAbs(xavier)).toBeLessThanOrEqual(bound);
    expect(std(xavier)).toBeCloseTo(bound / Math.sqrt(3), 3);
    const normal = convWeightInit('normal', shape, new Random(5));
    expect(std(normal)).toBeCloseTo(0.02, 3);
    expect(Math.abs(mean(normal))).toBeLessThan(0.001);
    const fallback = convWeightInit('pytorch-default', shape, new Random(6));
    expect(maxAbs(fallback)).toBeLessThanOrEqual(1 / Math.sqrt(fanIn));
    expect(maxAbs(fallback)).toBeGreaterThan(0.99 / Math.sqrt(fanIn));
  });

  it('orthogonal: PyTorch-flattened rows orthonormal when out < in*k*k, columns when out > in*k*k', () => {
    const wide = [3, 3, 4, 8]; // [8, 36]
    const rows = torchMatrix(convWeightInit('orthogonal', wide, new Random(7)), wide);
    gram(rows).forEach((r, i) => r.forEach((x, j) => expect(x).toBeCloseTo(i === j ? 1 : 0, 5)));
    const tall = [1, 1, 3, 8]; // [8, 3]
    const columns = transpose(torchMatrix(convWeightInit('orthogonal', tall, new Random(8)), tall));
    gram(columns).forEach((r, i) => r.forEach((x, j) => expect(x).toBeCloseTo(i === j ? 1 : 0, 5)));
    const square = [1, 1, 64, 64];
    const q = torchMatrix(convWeightInit('orthogonal', square, new Random(9)), square);
    gram(q).forEach((r, i) => r.forEach((x, j) => expect(x).toBeCloseTo(i === j ? 1 : 0, 5)));
  });

  it('biases and batch norm follow PyTorch defaults and the reference weights_init', () => {
    const convBias = convBiasInit([3, 3, 16, 32], new Random(10));
    expect(convBias.length).toBe(32);
    expect(maxAbs(convBias)).toBeLessThanOrEqual(1 / Math.sqrt(144));
    const linBias = linearBiasInit([40, 1000], new Random(11));
    expect(linBias.length).toBe(1000);
    expect(maxAbs(linBias)).toBeLessThanOrEqual(1 / Math.sqrt(40));
    expect(maxAbs(linBias)).toBeGreaterThan(0.95 / Math.sqrt(40));
    const gamma = batchNormGammaInit(5000, new Random(12));
    expect(mean(gamma)).toBeCloseTo(1, 2);
    expect(std(gamma)).toBeCloseTo(0.02, 3);
  });

  it('is reproducible from the seed', () => {
    const a = convWeightInit('orthogonal', [3, 3, 4, 8], new Random('seed').fork('w'));
    const b = convWeightInit('orthogonal', [3, 3, 4, 8], new Random('seed').fork('w'));
    expect(Array.from(a)).toEqual(Array.from(b));
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { conv2d, type Conv2dOptions } from '../../../src/ml/ops/conv2d.js';
import { tf, type Tensor, type Tensor1D, type Tensor4D } from '../../../src/ml/tf.js';
import { Random } from '../../../src/util/random.js';
import { randomArr, relativeError, type Arr } from '../helpers/arrays.js';
import { describeBackends, itAgreesWithCpu, ResultsByBackend } from '../helpers/backends.js';
import { referenceGradients, tfjsGradients } from '../helpers/gradcheck.js';
import { conv2dRef } from '../helpers/reference.js';

interface Case {
  readonly name: string;
  readonly x: readonly [number, number, number, number];
  readonly k: number;
  readonly out: number;
  readonly stride: 1 | 2;
  readonly dilation: 1 | 2;
  readonly padding?: number;
  readonly bias: boolean;
}

// Every conv of the search space (normal, down and first-cell edges), plus odd sizes and odd
// paddings that take the general paths.
const CASES: readonly Case[] = [
  { name: 'conv 1x1', x: [2, 6, 6, 3], k: 1, out: 4, stride: 1, dilation: 1, bias: true },
  { name: 'conv 3x3', x: [2, 6, 5, 3], k: 3, out: 4, stride: 1, dilation: 1, bias: true },
  { name: 'conv 5x5', x: [2, 6, 6, 3], k: 5, out: 2, stride: 1, dilation: 1, bias: false },
  { name: 'conv 3x3 stride 2', x: [2, 8, 8, 3], k: 3, out: 4, stride: 2, dilation: 1, bias: true },
  { name: 'conv 5x5 stride 2, odd size', x: [1, 7, 9, 2], k: 5, out: 3, stride: 2, dilation: 1, bias: true },
  { name: 'dil 3x3 (polyphase)', x: [2, 8, 6, 3], k: 3, out: 4, stride: 1, dilation: 2, bias: true },
  { name: 'dil 5x5 (polyphase)', x: [2, 8, 8, 2], k: 5, out: 3, stride: 1, dilation: 2, bias: true },
  { name: 'dil 3x3, odd size (zero-dilated kernel)', x: [2, 7, 5, 2], k: 3, out: 3, stride: 1, dilation: 2, bias: false },
  { name: 'dil 3x3, padding 1 (zero-dilated kernel)', x: [1, 6, 6, 2], k: 3, out: 2, stride: 1, dilation: 2, padding: 1, bias: false },
  { name: 'dil 3x3 stride 2', x: [2, 8, 8, 3], k: 3, out: 4, stride: 2, dilation: 2, bias: true },
  { name: 'dil 5x5 stride 2', x: [2, 8, 8, 2], k: 5, out: 3, stride: 2, dilation: 2, bias: true },
  { name: 'dil 3x3 stride 2, odd size', x: [1, 9, 7, 2], k: 3, out: 2, stride: 2, dilation: 2, bias: false },
  { name: 'dil 3x3 stride 2, padding 1', x: [1, 8, 7, 2], k: 3, out: 2, stride: 2, dilation: 2, padding: 1, bias: false },
  { name: 'dil 5x5 stride 2, padding 3', x: [1, 8, 8, 2], k: 5, out: 2, stride: 2, dilation: 2, padding: 3, bias: false },
];

interface Prepared {
  readonly c: Case;
  readonly inputs: Arr[];
  readonly cotangent: Float64Array;
  readonly expected: Float64Array;
  readonly expectedShape: number[];
  readonly expectedGrads: Float64Array[];
}

const random = new Random('conv2d.test');

function prepare(c: Case): Prepared {
  const r = random.fork(c.name);
  const x = randomArr(r, c.x);
  const w = randomArr(r, [c.k, c.k, c.x[3], c.out], 0.5);
  const inputs = c.bias ? [x, w, randomArr(r, [c.out])] : [x, w];
  const spec = { stride: c.stride, dilation: c.dilation, padding: c.padding ?? (c.dilation * (c.k - 1)) / 2 };
  const ref = (v: readonly Float64Array[]) => conv2dRef(v[0]!, c.x, v[1]!, [c.k, c.k, c.x[3], c.out], spec, v[2]).data;
  const expected = conv2dRef(x.data, c.x, w.data, w.shape, spec, inputs[2]?.data);
  const cotangent = randomArr(r, expected.shape).data;
  return {
    c,
    inputs,
    cotangent,
    expected: expected.data,
    expectedShape: expected.shape,
    expectedGrads: referenceGradients(ref, inputs, cotangent),
  };
}

const prepared = CASES.map(prepare);

function run(p: Prepared) {
  const options = (bias?: Tensor): Conv2dOptions => ({
    stride: p.c.stride,
    dilation: p.c.dilation,
    ...(p.c.padding === undefined ? {} : { padding: p.c.padding }),
    bias: (bias as Tensor1D | undefined) ?? null,
  });
  return tfjsGradients((x, w, b) => conv2d(x as Tensor4D, w as Tensor4D, options(b)), p.inputs, p.cotangent);
}

const outputs = new ResultsByBackend<Awaited<ReturnType<typeof run>>>();

describeBackends('conv2d', (backend) => {
  it.each(prepared.map((p) => [p.c.name, p] as const))('%s: forward and gradients match PyTorch semantics', async (_name, p) => {
    const result = await run(p);
    expect(result.shape).toEqual(p.expectedShape);
    expect(relativeError(result.value, p.expected)).toBeLessThan(1e-5);
    result.grads.forEach((g, i) => expect(relativeError(g, p.expectedGrads[i]!), `gradient ${i}`).toBeLessThan(1e-4));
    outputs.set(p.c.name, backend, result);
  });
});

describe('conv2d across backends', () => {
  afterAll(() => outputs.clear());

  itAgreesWithCpu('agree on every case', (backend) => {
    for (const p of prepared) {
      const cpu = outputs.get(p.c.name, 'cpu');
      const other = outputs.get(p.c.name, backend);
      expect(relativeError(other.value, cpu.value), p.c.name).toBeLessThan(1e-5);
      other.grads.forEach((g, i) => expect(relativeError(g, cpu.grads[i]!), `${p.c.name} gradient ${i}`).toBeLessThan(1e-5));
    }
  });

  it('rejects channel mismatches and kernels without a default padding', () => {
    const x = tf.zeros([1, 4, 4, 2]) as Tensor4D;
    expect(() => conv2d(x, tf.zeros([3, 3, 3, 1]) as Tensor4D)).toThrow(/channels/);
    expect(() => conv2d(x, tf.zeros([2, 2, 2, 1]) as Tensor4D)).toThrow(/padding/);
    tf.dispose(x);
  });
});

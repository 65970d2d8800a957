import { describe, expect, it } from 'vitest';
import { depthwiseConvTranspose2d } from '../../../src/ml/ops/depthwise_conv_transpose.js';
import { tf, type Tensor4D } from '../../../src/ml/tf.js';
import { Random } from '../../../src/util/random.js';
import { dyadicArr, randomArr, relativeError, type Arr } from '../helpers/arrays.js';
import { describeBackends, itAgreesWithCpu, ResultsByBackend } from '../helpers/backends.js';
import { referenceGradients, tfjsGradients, type TfjsResult } from '../helpers/gradcheck.js';
import { depthwiseConvTransposeRef } from '../helpers/reference.js';

interface Case {
  readonly x: readonly [number, number, number, number];
  readonly k: number;
  readonly stride: number;
  readonly padding: number;
  readonly outputPadding: number;
}

// The generator's ConvTranspose candidate (k3 s2 p1 op1) on square and non-square inputs, plus
// other geometries that exercise the padding arithmetic.
const CASES: readonly Case[] = [
  { x: [2, 4, 4, 3], k: 3, stride: 2, padding: 1, outputPadding: 1 },
  { x: [2, 3, 5, 2], k: 3, stride: 2, padding: 1, outputPadding: 1 },
  { x: [1, 3, 3, 2], k: 3, stride: 2, padding: 0, outputPadding: 0 },
  { x: [1, 3, 4, 2], k: 5, stride: 2, padding: 2, outputPadding: 1 },
  { x: [1, 3, 3, 2], k: 3, stride: 1, padding: 1, outputPadding: 0 },
  { x: [1, 4, 4, 2], k: 3, stride: 2, padding: 3, outputPadding: 1 },
];

const label = (c: Case) => `x[${c.x}] k${c.k} s${c.stride} p${c.padding} op${c.outputPadding}`;
const random = new Random('depthwise_conv_transpose.test');

const run = (c: Case, inputs: readonly Arr[], cotangent?: Float64Array) =>
  tfjsGradients(
    (x, w) => depthwiseConvTranspose2d(x as Tensor4D, w as Tensor4D, { stride: c.stride, padding: c.padding, outputPadding: c.outputPadding }),
    inputs,
    cotangent,
  );

const prepared = CASES.map((c) => {
  const r = random.fork(label(c));
  const wShape = [c.k, c.k, c.x[3], 1];
  const ref = (v: readonly Float64Array[]) => depthwiseConvTransposeRef(v[0]!, c.x, v[1]!, c.k, c.stride, c.padding, c.outputPadding);
  const inputs = [randomArr(r, c.x), randomArr(r, wShape)];
  const expected = ref(inputs.map((a) => a.data));
  const cotangent = randomArr(r, expected.shape).data;
  const refData = (v: readonly Float64Array[]) => ref(v).data;
  const exact = [dyadicArr(r, c.x), dyadicArr(r, wShape)];
  return {
    c,
    inputs,
    expected,
    cotangent,
    expectedGrads: referenceGradients(refData, inputs, cotangent),
    exact,
    exactExpected: ref(exact.map((a) => a.data)).data,
  };
});

const results = new ResultsByBackend<TfjsResult>();

describeBackends('depthwiseConvTranspose2d', (backend) => {
  it.each(prepared.map((p) => [label(p.c), p] as const))('%s: bit-exact forward on exactly representable data', async (_l, p) => {
    // Products and sums of multiples of 1/8 below 2^10 are exact in float32 in any order, so
    // any difference is a placement error, not rounding.
    const result = await run(p.c, p.exact);
    expect(Array.from(result.value)).toEqual(Array.from(p.exactExpected));
  });

  it.each(prepared.map((p) => [label(p.c), p] as const))('%s: forward and gradients match ConvTranspose2d', async (l, p) => {
    const result = await run(p.c, p.inputs, p.cotangent);
    expect(result.shape).toEqual(p.expected.shape);
    expect(relativeError(result.value, p.expected.data)).toBeLessThan(1e-6);
    result.grads.forEach((g, i) => expect(relativeError(g, p.expectedGrads[i]!), `gradient ${i}`).toBeLessThan(1e-5));
    results.set(l, backend, result);
  });

  it('doubles the size for the generator configuration and rejects mismatched filters', () => {
    const x = tf.zeros([1, 8, 8, 4]) as Tensor4D;
    expect(depthwiseConvTranspose2d(x, tf.zeros([3, 3, 4, 1]) as Tensor4D).shape).toEqual([1, 16, 16, 4]);
    expect(() => depthwiseConvTranspose2d(x, tf.zeros([3, 3, 5, 1]) as Tensor4D)).toThrow(/filter/);
    x.dispose();
  });
});

describe('depthwiseConvTranspose2d across backends', () => {
  itAgreesWithCpu('agree', (backend) => {
    for (const p of prepared) {
      const cpu = results.get(label(p.c), 'cpu');
      const other = results.get(label(p.c), backend);
      expect(relativeError(other.value, cpu.value), label(p.c)).toBeLessThan(1e-6);
      other.grads.forEach((g, i) => expect(relativeError(g, cpu.grads[i]!), `${label(p.c)} gradient ${i}`).toBeLessThan(1e-5));
    }
  });
});

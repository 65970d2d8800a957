import { describe, expect, it } from 'vitest';
import { resize, type ResizeMode } from '../../../src/ml/ops/resize.js';
import { tf, type Tensor4D } from '../../../src/ml/tf.js';
import { Random } from '../../../src/util/random.js';
import { randomArr, relativeError, type Arr } from '../helpers/arrays.js';
import { describeBackends, itAgreesWithCpu, ResultsByBackend } from '../helpers/backends.js';
import { referenceGradients, tfjsGradients, type TfjsResult } from '../helpers/gradcheck.js';
import { resizeBilinearRef, resizeNearestRef } from '../helpers/reference.js';

interface Case {
  readonly mode: ResizeMode;
  readonly x: readonly [number, number, number, number];
  readonly out: readonly [number, number];
}

// x2 up-sampling edges, cross-scale skips (8 -> 32 is x4), unequal and odd factors.
const CASES: readonly Case[] = [
  { mode: 'nearest', x: [2, 3, 4, 3], out: [6, 8] },
  { mode: 'nearest', x: [2, 2, 2, 2], out: [8, 8] },
  { mode: 'nearest', x: [1, 3, 2, 2], out: [6, 6] },
  { mode: 'bilinear', x: [2, 3, 4, 3], out: [6, 8] },
  { mode: 'bilinear', x: [2, 2, 3, 2], out: [8, 12] },
  { mode: 'bilinear', x: [1, 3, 2, 2], out: [9, 4] },
];

const name = (c: Case) => `${c.mode} ${c.x[1]}x${c.x[2]} -> ${c.out[0]}x${c.out[1]}`;
const random = new Random('resize.test');

const prepared = CASES.map((c) => {
  const r = random.fork(name(c));
  const x: Arr = randomArr(r, c.x);
  const ref = (v: readonly Float64Array[]) =>
    (c.mode === 'nearest' ? resizeNearestRef : resizeBilinearRef)(v[0]!, c.x, c.out[0], c.out[1]).data;
  const expected = ref([x.data]);
  const cotangent = randomArr(r, [c.x[0], c.out[0], c.out[1], c.x[3]]).data;
  return { c, x, cotangent, expected, expectedGrad: referenceGradients(ref, [x], cotangent)[0]! };
});

const results = new ResultsByBackend<TfjsResult>();

describeBackends('resize', (backend) => {
  it.each(prepared.map((p) => [name(p.c), p] as const))('%s: forward and gradient match F.interpolate', async (label, p) => {
    const result = await tfjsGradients(
      (x) => resize(x as Tensor4D, { height: p.c.out[0], width: p.c.out[1], mode: p.c.mode }),
      [p.x],
      p.cotangent,
    );
    expect(result.shape).toEqual([p.c.x[0], p.c.out[0], p.c.out[1], p.c.x[3]]);
    expect(relativeError(result.value, p.expected)).toBeLessThan(1e-6);
    expect(relativeError(result.grads[0]!, p.expectedGrad)).toBeLessThan(1e-5);
    results.set(label, backend, result);
  });

  it('returns the input for factor 1 and rejects non-integer factors', () => {
    const x = tf.zeros([1, 4, 4, 1]) as Tensor4D;
    expect(resize(x, { height: 4, width: 4, mode: 'bilinear' })).toBe(x);
    expect(() => resize(x, { height: 6, width: 8, mode: 'nearest' })).toThrow(/integer/);
    expect(() => resize(x, { height: 2, width: 2, mode: 'nearest' })).toThrow(/integer/);
    x.dispose();
  });
});

describe('resize across backends', () => {
  itAgreesWithCpu('agree', (backend) => {
    for (const p of prepared) {
      const cpu = results.get(name(p.c), 'cpu');
      const other = results.get(name(p.c), backend);
      expect(relativeError(other.value, cpu.value), name(p.c)).toBeLessThan(1e-6);
      expect(relativeError(other.grads[0]!, cpu.grads[0]!), name(p.c)).toBeLessThan(1e-6);
    }
  });
});

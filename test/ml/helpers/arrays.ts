/** Small numeric helpers shared by the tfjs tests (pure, float64). */
import { Random } from '../../../src/util/random.js';

export type Shape = readonly number[];

export interface Arr {
  readonly data: Float64Array;
  readonly shape: Shape;
}

export const size = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

export function randomArr(random: Random, shape: Shape, scale = 1): Arr {
  return { data: random.fillNormal(new Float64Array(size(shape)), 0, scale), shape };
}

/** Values exactly representable in float32 (multiples of 1/8 in [-2, 2]): any summation order is exact. */
export function dyadicArr(random: Random, shape: Shape): Arr {
  return { data: Float64Array.from({ length: size(shape) }, () => (random.int(33) - 16) / 8), shape };
}

export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]!));
  return m;
}

/** max |a - b| / max(max |b|, floor): an L-infinity relative error. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 1e-6): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  return worst / Math.max(maxAbs(expected), floor);
}

/** Row-major index helper for rank-4 arrays. */
export function index4(shape: Shape, a: number, b: number, c: number, d: number): number {
  return ((a * shape[1]! + b) * shape[2]! + c) * shape[3]! + d;
}

/**
 * Deterministic test inputs, mirrored bit for bit by
 * test/fixtures/metrics/make_reference.py (which computes the expected values).
 */
import { readFileSync } from 'node:fs';

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** (U - 0.5)·M·scale + offset with M = I + (uniform - 0.5), row-major n × d. */
export function features(seed: number, n: number, d: number, scale = 1, offset = 0): Float64Array {
  const r = mulberry32(seed);
  const m = Float64Array.from({ length: d * d }, (_, i) => r() - 0.5 + (Math.floor(i / d) === i % d ? 1 : 0));
  const out = new Float64Array(n * d);
  const u = new Float64Array(d);
  for (let row = 0; row < n; row++) {
    for (let k = 0; k < d; k++) u[k] = r() - 0.5;
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += u[k]! * m[k * d + j]!;
      out[row * d + j] = s * scale + offset;
    }
  }
  return out;
}

/** Softmax of uniform logits in [-temperature/2, temperature/2), row-major n × k. */
export function probabilities(seed: number, n: number, k: number, temperature: number): Float64Array {
  const r = mulberry32(seed);
  const out = Float64Array.from({ length: n * k }, () => (r() - 0.5) * temperature);
  for (let row = 0; row < n; row++) {
    const logits = out.subarray(row * k, (row + 1) * k);
    const max = Math.max(...logits);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += logits[c] = Math.exp(logits[c]! - max);
    for (let c = 0; c < k; c++) logits[c]! /= sum;
  }
  return out;
}

export interface FidCase {
  name: string;
  a: { seed: number; n: number; d: number; scale: number; offset: number };
  b: { seed: number; n: number; d: number; scale: number; offset: number };
  fid: number;
  traceSigmaA: number;
  sigmaA_0_1: number;
  muA_0: number;
}

export interface Reference {
  versions: Record<string, string>;
  statistics: { seed: number; n: number; d: number; mu: number[]; sigma: number[][] };
  fidSmall: { mu1: number[]; sigma1: number[][]; mu2: number[]; sigma2: number[][]; fid: number };
  fid: FidCase[];
  inceptionScore: { seed: number; n: number; k: number; temperature: number; splits: number; mean: number; std: number }[];
  kid: {
    name: string;
    a: [number, number, number, number, number];
    b: [number, number, number, number, number];
    subsets: number;
    subsetSize: number;
    seed: number;
    firstSubset: [number[], number[]];
    mean: number;
    std: number;
  }[];
}

export const reference = JSON.parse(
  readFileSync(new URL('../../fixtures/metrics/reference.json', import.meta.url), 'utf8'),
) as Reference;

/** |actual - expected| ≤ tolerance·|expected| (or ≤ tolerance when expected is 0). */
export function relativeError(actual: number, expected: number): number {
  return expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
}

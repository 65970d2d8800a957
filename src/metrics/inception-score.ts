/**
 * Inception Score as AdversarialNAS's utils/inception_score.py computes it from
 * the classifier's softmax outputs p(y|x): for each of `splits` consecutive
 * parts [i·n/splits, (i+1)·n/splits) (integer division), exp of the mean over
 * the part of KL(p(y|x) || p(y)), p(y) being the part's mean; then the mean and
 * the population standard deviation (np.std) over the parts.
 *
 * Differences from the reference, both deliberate: sums run in float64 (the
 * reference works in the classifier's float32), and a probability of exactly 0
 * contributes 0 (the limit of p·log p) where NumPy would produce NaN.
 */

export interface ScoreSummary {
  mean: number;
  std: number;
}

/** `probs`: one row per sample (each row sums to 1), as nested arrays or a flat n×k array with `classes` given. */
export function inceptionScore(probs: readonly ArrayLike<number>[], splits?: number): ScoreSummary;
export function inceptionScore(probs: Float32Array | Float64Array, splits: number | undefined, classes: number): ScoreSummary;
export function inceptionScore(
  probs: readonly ArrayLike<number>[] | Float32Array | Float64Array,
  splits = 10,
  classes?: number,
): ScoreSummary {
  const { n, k, at } = rowsOf(probs, classes);
  if (!Number.isInteger(splits) || splits < 1) throw new RangeError(`splits must be a positive integer, got ${splits}`);
  if (n < splits) throw new RangeError(`${n} samples cannot be cut into ${splits} splits`);
  const scores: number[] = [];
  const marginal = new Float64Array(k);
  for (let s = 0; s < splits; s++) {
    const start = Math.floor((s * n) / splits);
    const end = Math.floor(((s + 1) * n) / splits);
    marginal.fill(0);
    for (let r = start; r < end; r++) {
      for (let c = 0; c < k; c++) marginal[c]! += at(r, c);
    }
    for (let c = 0; c < k; c++) marginal[c]! /= end - start;
    let klSum = 0;
    for (let r = start; r < end; r++) {
      for (let c = 0; c < k; c++) {
        const p = at(r, c);
        if (p > 0) klSum += p * (Math.log(p) - Math.log(marginal[c]!));
      }
    }
    scores.push(Math.exp(klSum / (end - start)));
  }
  const mean = scores.reduce((a, b) => a + b, 0) / splits;
  const variance = scores.reduce((a, b) => a + (b - mean) ** 2, 0) / splits;
  return { mean, std: Math.sqrt(variance) };
}

function rowsOf(
  probs: readonly ArrayLike<number>[] | Float32Array | Float64Array,
  classes: number | undefined,
): { n: number; k: number; at: (r: number, c: number) => number } {
  if (probs instanceof Float32Array || probs instanceof Float64Array) {
    const k = classes ?? 0;
    if (!Number.isInteger(k) || k < 1 || probs.length % k !== 0) {
      throw new RangeError(`a flat probability array needs a class count dividing its length (${probs.length}), got ${classes}`);
    }
    return { n: probs.length / k, k, at: (r, c) => probs[r * k + c]! };
  }
  const k = probs[0]?.length ?? 0;
  const ragged = probs.findIndex((row) => row.length !== k);
  if (ragged >= 0) throw new RangeError(`probability row ${ragged} has ${probs[ragged]?.length} classes, row 0 has ${k}`);
  return { n: probs.length, k, at: (r, c) => probs[r]![c]! };
}

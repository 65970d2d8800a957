/**
 * The Inception Score of `inceptionScore` (src/metrics), computed while the probabilities
 * stream in, without keeping them: 50,000 × 1008 probabilities would be 200 MB. For one split
 * of rows r with marginal m = mean_r p_r,
 *
 *   Σ_r KL(p_r || m) = Σ_r Σ_c p_rc log p_rc − Σ_c (Σ_r p_rc) log m_c,
 *
 * so each split needs only its Σ p log p and its column sums. Splits are the same
 * consecutive parts [⌊s·n/S⌋, ⌊(s+1)·n/S⌋), so the total n must be known up front. Pure.
 */
import type { ScoreSummary } from '../../metrics/index.js';

export class InceptionScoreAccumulator {
  private rows = 0;
  private readonly plogp: Float64Array;
  private readonly columnSums: Float64Array[];
  private readonly bounds: number[];

  constructor(
    readonly total: number,
    readonly splits: number,
    readonly classes: number,
  ) {
    if (!Number.isInteger(splits) || splits < 1) throw new RangeError(`splits must be a positive integer, got ${splits}`);
    if (!Number.isInteger(total) || total < splits) throw new RangeError(`${total} samples cannot be cut into ${splits} splits`);
    this.plogp = new Float64Array(splits);
    this.columnSums = Array.from({ length: splits }, () => new Float64Array(classes));
    this.bounds = Array.from({ length: splits + 1 }, (_, s) => Math.floor((s * total) / splits));
  }

  /** Adds the next `n` rows of probabilities (n × classes, row-major). */
  add(probs: Float32Array | Float64Array, n: number): void {
    const k = this.classes;
    if (probs.length !== n * k) throw new RangeError(`expected ${n}x${k} probabilities, got ${probs.length}`);
    if (this.rows + n > this.total) throw new RangeError(`more than the announced ${this.total} samples`);
    let split = this.splitOf(this.rows);
    for (let r = 0; r < n; r++, this.rows++) {
      while (this.rows >= this.bounds[split + 1]!) split++;
      const sums = this.columnSums[split]!;
      let plogp = 0;
      for (let c = 0; c < k; c++) {
        const p = probs[r * k + c]!;
        sums[c]! += p;
        if (p > 0) plogp += p * Math.log(p);
      }
      this.plogp[split]! += plogp;
    }
  }

  result(): ScoreSummary {
    if (this.rows !== this.total) throw new RangeError(`got ${this.rows} of the announced ${this.total} samples`);
    const scores = this.columnSums.map((sums, s) => {
      const size = this.bounds[s + 1]! - this.bounds[s]!;
      let kl = this.plogp[s]!;
      for (const sum of sums) if (sum > 0) kl -= sum * Math.log(sum / size);
      return Math.exp(kl / size);
    });
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    const variance = scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length;
    return { mean, std: Math.sqrt(variance) };
  }

  private splitOf(row: number): number {
    let s = 0;
    while (row >= this.bounds[s + 1]! && s < this.splits - 1) s++;
    return s;
  }
}

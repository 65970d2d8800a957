/**
 * Scores a generator against real-data statistics: Inception Score, FID and KID from one pass
 * of `count` generated images through a feature extractor, streamed batch by batch (the
 * images are never all held; for KID, at most `kidRows` feature rows are kept).
 */
import { frechetDistance, kernelInceptionDistance, StatisticsAccumulator, type ScoreSummary } from '../../metrics/index.js';
import type { Tensor4D } from '../tf.js';
import { streamFeatures } from './featureStream.js';
import { InceptionScoreAccumulator } from './inceptionScoreStream.js';
import type { RealReference } from './realStats.js';
import type { FeatureExtractor } from './types.js';

export const METRICS = ['is', 'fid', 'kid'] as const;
export type Metric = (typeof METRICS)[number];

export interface Scores {
  is?: ScoreSummary;
  fid?: number;
  kid?: ScoreSummary;
  featureDim: number;
  samples: number;
}

export interface ScoreOptions {
  readonly metrics: readonly Metric[];
  /** Inception Score splits (default 10). */
  readonly splits?: number;
  readonly batch: number;
  /** Seeds the KID subsets. */
  readonly seed: number;
  /** Generated feature rows kept for KID (default 10,000: the first ones). */
  readonly kidRows?: number;
  /** KID subsets (default 100, torch-fidelity's) and their size (default 1000, or fewer rows if that is all there is). */
  readonly kidSubsets?: number;
  readonly kidSubsetSize?: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** Stops between batches (throws Aborted). */
  readonly signal?: AbortSignal;
}

/**
 * `generate(n)` returns a new [n, H, W, C] tensor in [-1, 1] that scoreSamples disposes.
 * `real` is needed for FID and KID (from realStatistics, with the same extractor).
 */
export async function scoreSamples(
  generate: (n: number) => Tensor4D,
  count: number,
  extractor: FeatureExtractor,
  real: RealReference | undefined,
  options: ScoreOptions,
): Promise<Scores> {
  const wants = new Set(options.metrics);
  const splits = options.splits ?? 10;
  if (!Number.isInteger(count) || count < 2) throw new RangeError(`scoring needs at least 2 samples, got ${count}`);
  if ((wants.has('fid') || wants.has('kid')) && !real) throw new RangeError('FID and KID need the real-data statistics');
  if (real && real.featureDim !== extractor.featureDim) {
    throw new RangeError(`the real statistics have ${real.featureDim}-d features, the extractor gives ${extractor.featureDim}-d: they come from different networks`);
  }
  const d = extractor.featureDim;
  const accumulator = wants.has('fid') ? new StatisticsAccumulator(d) : undefined;
  const score = wants.has('is') ? new InceptionScoreAccumulator(count, splits, extractor.classes) : undefined;
  const kidRows = wants.has('kid') ? Math.min(options.kidRows ?? 10_000, count) : 0;
  const kidFeatures = new Float32Array(kidRows * d);
  await streamFeatures(extractor, count, options.batch, (n) => generate(n), (out, done) => {
    accumulator?.add(out.features, out.count);
    score?.add(out.probs, out.count);
    const start = done - out.count;
    if (start < kidRows) kidFeatures.set(out.features.subarray(0, (Math.min(kidRows, done) - start) * d), start * d);
    options.onProgress?.(done, count);
  }, options.signal);
  const scores: Scores = { featureDim: d, samples: count };
  if (score) scores.is = score.result();
  if (accumulator && real) {
    const generated = accumulator.result();
    scores.fid = frechetDistance(real.stats.mu, real.stats.sigma, generated.mu, generated.sigma);
  }
  if (kidRows > 0 && real) {
    const subsetSize = Math.min(options.kidSubsetSize ?? 1000, kidRows, real.kidRows);
    scores.kid = kernelInceptionDistance(real.kid ?? real.kidFeatures, kidFeatures, { dim: d, subsets: options.kidSubsets ?? 100, subsetSize, seed: options.seed });
  }
  return scores;
}

/**
 * What the metrics compare generated images with, for one dataset and one extractor: the
 * features' mean and covariance (FID), a subsample of the features (KID) and the real
 * images' own Inception Score (the ceiling a generator can reach). Computed once and cached
 * under `cacheDir/<key>/`, the key hashing the images actually used (their pixels, not their
 * paths: moving a dataset keeps its cache, changing its preprocessing does not), the
 * extractor's identity and the settings. The directory is written under a temporary name and
 * renamed, so a killed run never leaves a cache entry that looks complete.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatchSampler, type ImageDataset } from '../../data/index.js';
import { KidReference, loadStatistics, saveStatistics, StatisticsAccumulator, type FeatureStatistics, type ScoreSummary } from '../../metrics/index.js';
import { readNpy, writeNpy } from '../../util/npy.js';
import { tf } from '../tf.js';
import { streamFeatures } from './featureStream.js';
import { InceptionScoreAccumulator } from './inceptionScoreStream.js';
import type { FeatureExtractor } from './types.js';

/** The real side of FID and KID, as scoreSamples needs it. */
export interface RealReference {
  readonly featureDim: number;
  readonly stats: FeatureStatistics;
  /** kidRows × featureDim, row-major. */
  readonly kidFeatures: Float32Array;
  readonly kidRows: number;
  /**
   * kidFeatures as KID's reference side: it keeps their own kernel sums, so every generator
   * scored against this reference (the trained and the untrained one) reuses them.
   */
  readonly kid?: KidReference;
}

export interface RealStatistics extends RealReference {
  /** The .npz with mu and sigma (TTUR / pytorch-fid format). */
  readonly statsFile: string;
  /** The real images' Inception Score; absent when there are fewer images than splits. */
  readonly inceptionScore?: ScoreSummary;
  /** Real images used. */
  readonly images: number;
  readonly key: string;
  /** Whether this call read the cache instead of computing. */
  readonly cached: boolean;
}

export interface RealStatisticsOptions {
  /** Use the first `samples` images (dataset order); default all. */
  readonly samples?: number;
  readonly batch: number;
  /** Inception Score splits (default 10). */
  readonly splits?: number;
  /** Feature rows kept for KID (default 10,000: the first ones). */
  readonly kidRows?: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** Stops between batches (throws Aborted). */
  readonly signal?: AbortSignal;
}

const STATS_FILE = 'stats.npz';
const KID_FILE = 'kid-features.npy';
/** Written last: its presence marks a complete entry. */
const INFO_FILE = 'info.json';

interface CacheInfo {
  readonly format: 'dsl-real-stats/1';
  readonly key: string;
  readonly extractor: string;
  readonly dataset: { readonly name: string; readonly split: string; readonly images: number };
  readonly featureDim: number;
  readonly kidRows: number;
  readonly inceptionScore: ScoreSummary | null;
}

export async function realStatistics(
  dataset: ImageDataset,
  extractor: FeatureExtractor,
  cacheDir: string,
  options: RealStatisticsOptions,
): Promise<RealStatistics> {
  const images = Math.min(options.samples ?? dataset.size, dataset.size);
  const splits = options.splits ?? 10;
  const kidRows = Math.min(options.kidRows ?? 10_000, images);
  if (images < 2) throw new RangeError(`real-data statistics need at least 2 images, the ${dataset.name} dataset has ${dataset.size}`);
  const key = cacheKey(dataset, images, extractor, splits, kidRows);
  const dir = join(cacheDir, key.slice(0, 16));
  if (existsSync(join(dir, INFO_FILE))) return readEntry(dir, key);

  const accumulator = new StatisticsAccumulator(extractor.featureDim);
  const score = images >= splits ? new InceptionScoreAccumulator(images, splits, extractor.classes) : undefined;
  const kidFeatures = new Float32Array(kidRows * extractor.featureDim);
  const sampler = new BatchSampler(dataset, options.batch, { shuffle: false });
  const { height, width, channels } = dataset;
  await streamFeatures(
    extractor,
    images,
    options.batch,
    (n) => {
      const b = sampler.next();
      // The sampler's batch can be longer than n only in the last batch of a prefix.
      return tf.tensor4d(b.images.subarray(0, n * height * width * channels), [n, height, width, channels]);
    },
    (out, done) => {
      accumulator.add(out.features, out.count);
      score?.add(out.probs, out.count);
      const start = done - out.count;
      if (start < kidRows) kidFeatures.set(out.features.subarray(0, (Math.min(kidRows, done) - start) * extractor.featureDim), start * extractor.featureDim);
      options.onProgress?.(done, images);
    },
    options.signal,
  );
  const stats = accumulator.result();
  const inceptionScore = score?.result();
  const info: CacheInfo = {
    format: 'dsl-real-stats/1',
    key,
    extractor: extractor.description,
    dataset: { name: dataset.name, split: dataset.split, images },
    featureDim: extractor.featureDim,
    kidRows,
    inceptionScore: inceptionScore ?? null,
  };
  await writeEntry(dir, stats, kidFeatures, info);
  return {
    featureDim: extractor.featureDim,
    stats,
    kidFeatures,
    kidRows,
    kid: new KidReference(kidFeatures, extractor.featureDim),
    statsFile: join(dir, STATS_FILE),
    ...(inceptionScore ? { inceptionScore } : {}),
    images,
    key,
    cached: false,
  };
}

function cacheKey(dataset: ImageDataset, images: number, extractor: FeatureExtractor, splits: number, kidRows: number): string {
  const bytes = dataset.height * dataset.width * dataset.channels;
  return createHash('sha256')
    .update(JSON.stringify({ format: 1, name: dataset.name, split: dataset.split, images, shape: [dataset.height, dataset.width, dataset.channels], extractor: extractor.id, splits, kidRows }))
    .update(dataset.pixels.subarray(0, images * bytes))
    .digest('hex');
}

async function writeEntry(dir: string, stats: FeatureStatistics, kidFeatures: Float32Array, info: CacheInfo): Promise<void> {
  const temporary = `${dir}.tmp-${process.pid}`;
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(temporary, { recursive: true });
  await saveStatistics(join(temporary, STATS_FILE), stats);
  await writeNpy(join(temporary, KID_FILE), { dtype: 'float32', shape: [info.kidRows, info.featureDim], data: kidFeatures });
  writeFileSync(join(temporary, INFO_FILE), `${JSON.stringify(info, null, 2)}\n`);
  try {
    renameSync(temporary, dir);
  } catch (error) {
    // Another process finished the same entry first: theirs is as good as ours.
    rmSync(temporary, { recursive: true, force: true });
    if (!existsSync(join(dir, INFO_FILE))) throw error;
  }
}

async function readEntry(dir: string, key: string): Promise<RealStatistics> {
  const info = JSON.parse(readFileSync(join(dir, INFO_FILE), 'utf8')) as CacheInfo;
  if (info.format !== 'dsl-real-stats/1' || info.key !== key) throw new Error(`${dir} holds other statistics (key ${info.key}); delete it`);
  const stats = await loadStatistics(join(dir, STATS_FILE));
  const kid = await readNpy(join(dir, KID_FILE));
  if (kid.dtype !== 'float32' || kid.shape[0] !== info.kidRows || kid.shape[1] !== info.featureDim) throw new Error(`${join(dir, KID_FILE)} does not match ${INFO_FILE}; delete ${dir}`);
  return {
    featureDim: info.featureDim,
    stats: { ...stats, count: stats.count || info.dataset.images },
    kidFeatures: kid.data,
    kidRows: info.kidRows,
    kid: new KidReference(kid.data, info.featureDim),
    statsFile: join(dir, STATS_FILE),
    ...(info.inceptionScore ? { inceptionScore: info.inceptionScore } : {}),
    images: info.dataset.images,
    key,
    cached: true,
  };
}

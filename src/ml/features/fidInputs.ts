/**
 * The two sides of `dsl fid`: a folder of images (through a feature extractor), a feature
 * matrix in a .npy file ([N, D], float32 or float64), or saved statistics in a .npz
 * (mu and sigma, TTUR / pytorch-fid format). Each becomes feature statistics.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { BatchSampler, loadDataset } from '../../data/index.js';
import { decodeImage } from '../../data/decode.js';
import { listImageFiles } from '../../data/folder.js';
import { loadStatistics, StatisticsAccumulator, type FeatureStatistics } from '../../metrics/index.js';
import { readNpy } from '../../util/npy.js';
import { tf } from '../tf.js';
import { streamFeatures } from './featureStream.js';
import type { FeatureExtractor } from './types.js';

export type FidInputKind = 'folder' | 'features' | 'statistics';

export interface FidInput {
  readonly path: string;
  readonly kind: FidInputKind;
  readonly stats: FeatureStatistics;
  /** Images or feature rows the statistics come from (0 when a .npz does not record it). */
  readonly samples: number;
  readonly featureDim: number;
}

/** A path that cannot be a side of an FID: its message says which and why. */
export class FidInputError extends Error {
  override readonly name = 'FidInputError';
}

/** What kind of input `path` is. @throws FidInputError when it is missing or of no known kind. */
export async function fidInputKind(path: string): Promise<FidInputKind> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new FidInputError(`${resolve(path)}: no such file or directory`);
  if (info.isDirectory()) return 'folder';
  const ext = extname(path).toLowerCase();
  if (ext === '.npy') return 'features';
  if (ext === '.npz') return 'statistics';
  throw new FidInputError(`${resolve(path)}: expected a folder of images, a .npy feature matrix [N, D] or a .npz with mu and sigma`);
}

export interface FidInputOptions {
  /** Needed for folders. */
  readonly extractor?: FeatureExtractor;
  readonly batch: number;
  /** Side the images of a folder are cropped and resized to when the extractor takes any size; default the first image's. */
  readonly size?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export async function fidInputStatistics(path: string, kind: FidInputKind, options: FidInputOptions): Promise<FidInput> {
  switch (kind) {
    case 'statistics': {
      const stats = await loadStatistics(path);
      return { path, kind, stats, samples: stats.count, featureDim: stats.dim };
    }
    case 'features': {
      const array = await readNpy(path);
      if ((array.dtype !== 'float32' && array.dtype !== 'float64') || array.shape.length !== 2) {
        throw new FidInputError(`${resolve(path)}: expected a float32 or float64 feature matrix [N, D], got ${array.dtype} of shape (${array.shape.join(', ')})`);
      }
      const [n, d] = array.shape as [number, number];
      checkSamples(path, n);
      const accumulator = new StatisticsAccumulator(d);
      accumulator.add(array.data as Float32Array | Float64Array, n);
      return { path, kind, stats: accumulator.result(), samples: n, featureDim: d };
    }
    case 'folder':
      return folderStatistics(path, options);
  }
}

async function folderStatistics(root: string, options: FidInputOptions): Promise<FidInput> {
  const { extractor } = options;
  if (!extractor) throw new FidInputError(`${resolve(root)} is a folder of images: its features need an extractor`);
  const files = await listImageFiles(root);
  checkSamples(root, files.length);
  const fixed = extractor.imageShape;
  const size = fixed?.height ?? options.size ?? (await firstImageSide(files[0]!));
  const channels = fixed?.channels ?? 3;
  const dataset = await loadDataset({ dataset: 'folder', root, imageSize: size, channels });
  const sampler = new BatchSampler(dataset, options.batch, { shuffle: false });
  const accumulator = new StatisticsAccumulator(extractor.featureDim);
  await streamFeatures(
    extractor,
    dataset.size,
    options.batch,
    (n) => tf.tensor4d(sampler.next().images, [n, size, size, channels]),
    (out, done) => {
      accumulator.add(out.features, out.count);
      options.onProgress?.(done, dataset.size);
    },
  );
  return { path: root, kind: 'folder', stats: accumulator.result(), samples: dataset.size, featureDim: extractor.featureDim };
}

function checkSamples(path: string, n: number): void {
  if (n < 2) throw new FidInputError(`${resolve(path)}: ${n === 0 ? 'no samples' : 'a single sample'}; a covariance needs at least 2 (FID is only meaningful with thousands)`);
}

async function firstImageSide(path: string): Promise<number> {
  try {
    const image = decodeImage(await readFile(path));
    return Math.min(image.height, image.width);
  } catch (error) {
    throw new FidInputError(`${path}: cannot decode (${(error as Error).message})`);
  }
}

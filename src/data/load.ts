/** One entry point for every dataset: validates the configuration, then dispatches to the reader. */
import { loadCifar10 } from './cifar10.js';
import { DatasetError } from './errors.js';
import { loadFolder } from './folder.js';
import { loadMnist } from './mnist.js';
import { loadStl10 } from './stl10.js';
import { DATASET_NAMES, type DatasetConfig, type DatasetName, type ImageDataset } from './types.js';

const READERS: Record<DatasetName, (cfg: DatasetConfig) => Promise<ImageDataset>> = {
  cifar10: loadCifar10,
  stl10: loadStl10,
  mnist: loadMnist,
  folder: loadFolder,
};

export async function loadDataset(cfg: DatasetConfig): Promise<ImageDataset> {
  const reader = READERS[cfg.dataset];
  if (!reader) throw new RangeError(`unknown dataset '${String(cfg.dataset)}' (known: ${DATASET_NAMES.join(', ')})`);
  if (!Number.isInteger(cfg.imageSize) || cfg.imageSize < 1) {
    throw new DatasetError(cfg.dataset, `imageSize must be a positive integer, got ${cfg.imageSize}`);
  }
  if (cfg.channels !== 1 && cfg.channels !== 3) throw new DatasetError(cfg.dataset, `channels must be 1 or 3, got ${String(cfg.channels)}`);
  if (cfg.limit !== undefined && (!Number.isInteger(cfg.limit) || cfg.limit < 1)) {
    throw new DatasetError(cfg.dataset, `limit must be a positive integer, got ${cfg.limit}`);
  }
  return reader(cfg);
}

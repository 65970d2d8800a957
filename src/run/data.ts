import { loadDataset } from '../data/load.js';
import type { ImageDataset } from '../data/types.js';
import type { ResolvedSpec } from '../spec/types.js';

const cache = new Map<string, Promise<ImageDataset>>();

/**
 * The spec's training images, loaded once per process per data configuration (watch mode and
 * the stages of one run share them). A failed load is not cached, so fixing the data and
 * re-running works without a restart.
 */
export function trainingData(spec: ResolvedSpec): Promise<ImageDataset> {
  const { dataset, root, imageSize, channels, limit, check } = spec.data;
  const key = JSON.stringify({ dataset, root, imageSize, channels, limit, check });
  let loading = cache.get(key);
  if (!loading) {
    loading = loadDataset({ dataset, root, imageSize, channels, check, ...(limit !== undefined ? { limit } : {}) });
    cache.set(key, loading);
    loading.catch(() => cache.delete(key));
  }
  return loading;
}

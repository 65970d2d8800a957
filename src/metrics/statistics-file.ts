/**
 * Statistics files are standard `.npz` archives with float64 `mu` (d) and
 * `sigma` (d×d), plus an int64 scalar `n` (sample count) that other tools
 * ignore. This is the format of TTUR / pytorch-fid precomputed statistics
 * (e.g. `fid_stats_cifar10_train.npz`), so those load here, and ours load there
 * with `np.load(path)['mu']`.
 */
import { NpyFormatError, type NpyArray } from '../util/npy.js';
import { readNpz, writeNpz } from '../util/npz.js';
import type { FeatureStatistics } from './statistics.js';

export async function saveStatistics(path: string, stats: FeatureStatistics): Promise<void> {
  const { dim, mu, sigma, count } = stats;
  await writeNpz(path, [
    ['mu', { dtype: 'float64', shape: [dim], data: mu }],
    ['sigma', { dtype: 'float64', shape: [dim, dim], data: sigma }],
    ['n', { dtype: 'int64', shape: [], data: new BigInt64Array([BigInt(count)]) }],
  ]);
}

/**
 * Loads `mu` and `sigma` from an `.npz` (float32 or float64). `count` is 0 when
 * the file does not record it.
 */
export async function loadStatistics(path: string): Promise<FeatureStatistics> {
  const arrays = await readNpz(path);
  const mu = floatArray(arrays.get('mu'), path, 'mu');
  const sigma = floatArray(arrays.get('sigma'), path, 'sigma');
  const dim = mu.data.length;
  if (mu.shape.length !== 1 || sigma.shape.length !== 2 || sigma.shape[0] !== dim || sigma.shape[1] !== dim) {
    throw new NpyFormatError(path, `expected mu of shape (d,) and sigma of shape (d, d), got (${mu.shape.join(', ')}) and (${sigma.shape.join(', ')})`);
  }
  const n = arrays.get('n');
  const count = n && (n.dtype === 'int64' || n.dtype === 'uint64') && n.data.length === 1 ? Number(n.data[0]) : 0;
  return { dim, count, mu: Float64Array.from(mu.data), sigma: Float64Array.from(sigma.data) };
}

function floatArray(array: NpyArray | undefined, path: string, key: string): Extract<NpyArray, { dtype: 'float32' | 'float64' }> {
  if (!array) throw new NpyFormatError(path, `no '${key}' array in the archive (FID statistics need 'mu' and 'sigma')`);
  if (array.dtype !== 'float32' && array.dtype !== 'float64') {
    throw new NpyFormatError(path, `'${key}' has dtype ${array.dtype}, expected float32 or float64`);
  }
  return array;
}

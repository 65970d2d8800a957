/**
 * Timings of the data readers and metric math on synthetic inputs of real size.
 * Run: npx tsx scripts/bench-data-metrics.ts [data] [metrics]
 * Writes its synthetic dataset files to a temporary directory and removes them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchSampler, loadDataset } from '../src/data/index.js';
import { frechetDistance, inceptionScore, kernelInceptionDistance, statistics, StatisticsAccumulator } from '../src/metrics/index.js';

const parts = process.argv.slice(2);
const wanted = (name: string): boolean => parts.length === 0 || parts.includes(name);

async function time<T>(label: string, run: () => Promise<T> | T): Promise<T> {
  const start = performance.now();
  const result = await run();
  console.log(`${label}: ${((performance.now() - start) / 1000).toFixed(3)} s`);
  return result;
}

function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

async function benchData(dir: string): Promise<void> {
  for (let f = 1; f <= 5; f++) {
    const bytes = randomBytes(10_000 * 3073, f);
    for (let r = 0; r < 10_000; r++) bytes[r * 3073] = r % 10;
    writeFileSync(join(dir, `data_batch_${f}.bin`), bytes);
  }
  const cifar = await time('CIFAR-10 load, 50,000 records (5 x 30.7 MB)', () => loadDataset({ dataset: 'cifar10', root: dir, imageSize: 32, channels: 3 }));
  for (const batchSize of [120, 80, 40]) {
    const sampler = new BatchSampler(cifar, batchSize, { seed: 1 });
    sampler.next(); // builds the epoch's permutation
    const n = 200;
    const start = performance.now();
    for (let i = 0; i < n; i++) sampler.next();
    console.log(`batch of ${batchSize}x32x32x3 float32: ${((performance.now() - start) / n).toFixed(3)} ms`);
  }
  await time('MNIST load, 10,000 digits at 32x32 (padded)', () => loadDataset({ dataset: 'mnist', root: '', imageSize: 32, channels: 1 }));
  await time('MNIST load, 10,000 digits at 28x28 -> 64x64 (resized)', () => loadDataset({ dataset: 'mnist', root: '', imageSize: 64, channels: 1 }));

  writeFileSync(join(dir, 'train_X.bin'), randomBytes(5_000 * 27_648, 7));
  writeFileSync(join(dir, 'unlabeled_X.bin'), randomBytes(5_000 * 27_648, 8));
  const start = performance.now();
  const stl = await loadDataset({ dataset: 'stl10', root: dir, imageSize: 48, channels: 3 });
  const seconds = (performance.now() - start) / 1000;
  console.log(`STL-10 load, ${stl.size} images 96 -> 48: ${seconds.toFixed(3)} s (${((seconds / stl.size) * 105_000).toFixed(1)} s extrapolated to train+unlabeled, 105,000)`);
}

function gaussianFeatures(n: number, d: number, seed: number): Float32Array {
  const bytes = randomBytes(n * d, seed);
  // Sums of a few bytes: roughly normal, non-negative like pooled Inception features.
  return Float32Array.from({ length: n * d }, (_, i) => (bytes[i]! + bytes[(i * 7 + 3) % bytes.length]! + bytes[(i * 13 + 5) % bytes.length]!) / 300);
}

async function benchMetrics(): Promise<void> {
  const d = 2048;
  const n = 2500;
  const a = gaussianFeatures(n, d, 1);
  const b = gaussianFeatures(n, d, 2);
  const sa = await time(`statistics ${n} x ${d}`, () => statistics(a, n, d));
  const sb = statistics(b, n, d);
  const acc = new StatisticsAccumulator(d);
  await time(`statistics ${n} x ${d}, streamed in batches of 100`, () => {
    for (let i = 0; i < n; i += 100) acc.add(a.subarray(i * d, (i + 100) * d), 100);
    return acc.result();
  });
  const fid = await time(`FID at d=${d} (both covariances full rank: Cholesky path)`, () => frechetDistance(sa.mu, sa.sigma, sb.mu, sb.sigma));
  console.log(`  FID = ${fid}`);
  const small = statistics(a.subarray(0, 500 * d), 500, d);
  await time(`FID at d=${d}, first covariance singular (n=500)`, () => frechetDistance(small.mu, small.sigma, sb.mu, sb.sigma));
  const probs = Float32Array.from({ length: 50_000 * 1008 }, (_, i) => ((i * 2654435761) % 1000) + 1);
  for (let r = 0; r < 50_000; r++) {
    const row = probs.subarray(r * 1008, (r + 1) * 1008);
    const sum = row.reduce((x, y) => x + y, 0);
    for (let c = 0; c < 1008; c++) row[c]! /= sum;
  }
  await time('Inception Score, 50,000 x 1008, 10 splits', () => inceptionScore(probs, 10, 1008));
  await time(`KID, 1 subset of 1000 at d=${d}`, () => kernelInceptionDistance(a, b, { dim: d, subsets: 1, subsetSize: 1000 }));
}

const dir = mkdtempSync(join(tmpdir(), 'bench-data-'));
try {
  if (wanted('data')) await benchData(dir);
  if (wanted('metrics')) await benchMetrics();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

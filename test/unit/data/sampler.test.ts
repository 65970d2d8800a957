import { describe, expect, it } from 'vitest';
import { BatchSampler, type Batch } from '../../../src/data/sampler.js';
import type { ImageDataset } from '../../../src/data/types.js';

/** n 1x1 RGB images whose pixels are (i, i, 255 - i), labelled i % 3. */
function dataset(n: number): ImageDataset {
  const pixels = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) pixels.set([i, i, 255 - i], i * 3);
  return { name: 'folder', split: 'train', size: n, height: 1, width: 1, channels: 3, pixels, labels: Uint8Array.from({ length: n }, (_, i) => i % 3), classes: 3, files: [] };
}

const take = (s: BatchSampler, k: number): Batch[] => Array.from({ length: k }, () => s.next());

describe('BatchSampler', () => {
  it('follows DataLoader(shuffle=True, drop_last=False): each epoch a permutation, last batch smaller', () => {
    const sampler = new BatchSampler(dataset(10), 4, { seed: 1 });
    expect(sampler.batchesPerEpoch).toBe(3);
    const batches = take(sampler, 6);
    expect(batches.map((b) => b.count)).toEqual([4, 4, 2, 4, 4, 2]);
    expect(batches.map((b) => b.epoch)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(batches.map((b) => b.newEpoch)).toEqual([true, false, false, true, false, false]);
    expect(batches.map((b) => b.endsEpoch)).toEqual([false, false, true, false, false, true]);
    const epoch = (e: number): number[] => batches.slice(e * 3, e * 3 + 3).flatMap((b) => [...b.indices]);
    expect([...epoch(0)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...epoch(1)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(epoch(0)).not.toEqual(epoch(1));
  });

  it('is deterministic in the seed', () => {
    const a = take(new BatchSampler(dataset(50), 7, { seed: 3 }), 20).map((b) => [...b.indices]);
    const b = take(new BatchSampler(dataset(50), 7, { seed: 3 }), 20).map((b) => [...b.indices]);
    const c = take(new BatchSampler(dataset(50), 7, { seed: 4 }), 20).map((b) => [...b.indices]);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('resumes from a saved state with exactly the batches it would have produced', () => {
    const ds = dataset(23);
    const straight = new BatchSampler(ds, 5, { seed: 9 });
    take(straight, 7); // into the second epoch
    const saved = JSON.parse(JSON.stringify(straight.state())) as ReturnType<BatchSampler['state']>;
    expect(saved).toEqual({ seed: 9, epoch: 1, cursor: 10 });
    const resumed = new BatchSampler(ds, 5, { state: saved });
    expect(take(resumed, 9)).toEqual(take(straight, 9));
  });

  it('produces NHWC float32 in [-1, 1] as ToTensor + Normalize(0.5, 0.5), with the labels of the images', () => {
    const batch = new BatchSampler(dataset(256), 256, { shuffle: false }).next();
    expect([...batch.indices]).toEqual(Array.from({ length: 256 }, (_, i) => i));
    expect(batch.images[0]).toBe(-1);
    expect(batch.images[2]).toBe(1);
    expect(batch.images[128 * 3]).toBe(Math.fround(Math.fround(128 / 255) - 0.5) * 2);
    for (let i = 0; i < 256; i++) expect(batch.images[i * 3]).toBeCloseTo(i / 127.5 - 1, 6);
    expect([...batch.labels!.subarray(0, 5)]).toEqual([0, 1, 2, 0, 1]);
  });

  it('keeps dataset order without shuffling, and checks its arguments', () => {
    const s = new BatchSampler(dataset(5), 2, { shuffle: false });
    expect(take(s, 4).map((b) => [...b.indices])).toEqual([[0, 1], [2, 3], [4], [0, 1]]);
    expect(() => new BatchSampler(dataset(5), 0)).toThrow(/batch size/);
    expect(() => new BatchSampler(dataset(5), 2, { state: { seed: 1, epoch: 0, cursor: 6 } })).toThrow(/invalid sampler state/);
  });
});

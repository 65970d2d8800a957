import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageDataset } from '../../../src/data/index.js';
import { inceptionScore, KidReference, loadStatistics, statistics } from '../../../src/metrics/index.js';
import { realStatistics, type FeatureExtractor } from '../../../src/ml/features/index.js';
import { tf, type Tensor2D, type Tensor4D } from '../../../src/ml/tf.js';
import { Random } from '../../../src/util/random.js';
import { useBackend } from '../helpers/backends.js';
import { imagesOf, mnist } from './helpers.js';

/** A cheap deterministic extractor: features are a fixed random projection of the pixels. */
class ProjectionExtractor implements FeatureExtractor {
  readonly kind = 'classifier';
  readonly description = 'projection';
  readonly comparableToPapers = false;
  readonly featureDim = 6;
  readonly classes = 4;
  private readonly projection: Tensor2D;
  private readonly head: Tensor2D;
  calls = 0;
  constructor(readonly id: string) {
    const random = new Random(id);
    this.projection = tf.tensor2d(random.fillNormal(new Float32Array(784 * 6), 0, 0.05), [784, 6]);
    this.head = tf.tensor2d(random.fillNormal(new Float32Array(6 * 4)), [6, 4]);
  }
  extract(images: Tensor4D) {
    this.calls++;
    return tf.tidy(() => {
      const features = tf.matMul(tf.reshape(images, [images.shape[0], 784]), this.projection) as Tensor2D;
      return { features, logits: tf.matMul(features, this.head) as Tensor2D };
    });
  }
  dispose() {
    tf.dispose([this.projection, this.head]);
  }
}

const cache = mkdtempSync(join(tmpdir(), 'dsl-real-stats-'));
let data: ImageDataset;
beforeAll(async () => {
  await useBackend('cpu');
  data = await mnist(300);
});
afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe('realStatistics', () => {
  it('computes mu, sigma, KID rows and the real IS of the first images, then reads them from the cache', async () => {
    const extractor = new ProjectionExtractor('a');
    const before = tf.memory().numTensors;
    const first = await realStatistics(data, extractor, cache, { samples: 250, batch: 64, kidRows: 100 });
    expect(tf.memory().numTensors).toBe(before);
    expect([first.cached, first.images, first.kidRows, first.featureDim]).toEqual([false, 250, 100, 6]);

    // The same numbers as computing everything at once.
    const x = imagesOf(data, 0, 250);
    const { features, logits } = extractor.extract(x);
    const all = features.dataSync() as Float32Array;
    const expected = statistics(all, 250, 6);
    first.stats.mu.forEach((v, i) => expect(v).toBeCloseTo(expected.mu[i]!, 5));
    first.stats.sigma.forEach((v, i) => expect(v).toBeCloseTo(expected.sigma[i]!, 5));
    // (The sampler's pixel arithmetic is torchvision's float32 one: last-bit differences.)
    expect(first.kidFeatures.length).toBe(100 * 6);
    first.kidFeatures.forEach((v, i) => expect(v).toBeCloseTo(all[i]!, 5));
    const is = inceptionScore(tf.softmax(logits).dataSync() as Float32Array, 10, 4);
    expect(first.inceptionScore!.mean).toBeCloseTo(is.mean, 5);
    tf.dispose([x, features, logits]);
    expect((await loadStatistics(first.statsFile)).count).toBe(250);

    const calls = extractor.calls;
    const second = await realStatistics(data, extractor, cache, { samples: 250, batch: 64, kidRows: 100 });
    expect(extractor.calls).toBe(calls); // nothing extracted: read from the cache
    expect(second.cached).toBe(true);
    expect(second.key).toBe(first.key);
    expect(Array.from(second.stats.mu)).toEqual(Array.from(first.stats.mu));
    expect(Array.from(second.stats.sigma)).toEqual(Array.from(first.stats.sigma));
    expect(Array.from(second.kidFeatures)).toEqual(Array.from(first.kidFeatures));
    // Both ways, KID's reference side over the same rows (it keeps their kernel sums between scorings).
    for (const real of [first, second]) expect([real.kid instanceof KidReference, real.kid?.matrix.rows, real.kid?.matrix.cols]).toEqual([true, 100, 6]);
    expect(second.inceptionScore).toEqual(first.inceptionScore);
    expect(readdirSync(cache).filter((d) => d.includes('.tmp-'))).toEqual([]);
    extractor.dispose();
  });

  it('keys the cache by extractor, images and settings, not by the batch size', async () => {
    const a = new ProjectionExtractor('a');
    const b = new ProjectionExtractor('b');
    const base = await realStatistics(data, a, cache, { samples: 250, batch: 64, kidRows: 100 });
    expect((await realStatistics(data, a, cache, { samples: 250, batch: 100, kidRows: 100 })).cached).toBe(true);
    expect((await realStatistics(data, b, cache, { samples: 250, batch: 64, kidRows: 100 })).key).not.toBe(base.key);
    expect((await realStatistics(data, a, cache, { samples: 200, batch: 64, kidRows: 100 })).key).not.toBe(base.key);
    const edited = { ...data, pixels: Uint8Array.from(data.pixels, (v, i) => (i === 5 ? 255 - v : v)) };
    expect((await realStatistics(edited, a, cache, { samples: 250, batch: 64, kidRows: 100 })).key).not.toBe(base.key);
    expect(existsSync(join(cache, base.key.slice(0, 16), 'info.json'))).toBe(true);
    a.dispose();
    b.dispose();
  });

  it('leaves out the real IS when there are fewer images than splits', async () => {
    const extractor = new ProjectionExtractor('c');
    const few = await realStatistics(data, extractor, cache, { samples: 5, batch: 2 });
    expect(few.inceptionScore).toBeUndefined();
    expect([few.images, few.kidRows]).toEqual([5, 5]);
    extractor.dispose();
  });
});

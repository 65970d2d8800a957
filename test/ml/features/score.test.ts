import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchSampler, type ImageDataset } from '../../../src/data/index.js';
import { realStatistics, scoreSamples, trainClassifier, type ClassifierExtractor, type RealStatistics } from '../../../src/ml/features/index.js';
import { tf, type Tensor4D } from '../../../src/ml/tf.js';
import { Random } from '../../../src/util/random.js';
import { useBackend } from '../helpers/backends.js';
import { mnist, slice } from './helpers.js';

const cache = mkdtempSync(join(tmpdir(), 'dsl-score-'));
let data: ImageDataset;
let extractor: ClassifierExtractor;
let real: RealStatistics;

beforeAll(async () => {
  await useBackend('wasm');
  data = await mnist(3000);
  // A classifier trained briefly on the first 1,000 digits (at batch 32: twice the default's steps); statistics of the next 1,000.
  ({ extractor } = await trainClassifier(slice(data, 0, 1000), { epochs: 1, seed: 11, batch: 32 }));
  real = await realStatistics(slice(data, 1000, 2000), extractor, cache, { batch: 250 });
});

afterAll(() => {
  extractor?.dispose();
  rmSync(cache, { recursive: true, force: true });
});

/** A generator that serves real digits [from, from + count), and records what it was asked. */
function realDigits(from: number, count: number) {
  const sampler = new BatchSampler(slice(data, from, from + count), 250, { shuffle: false });
  const made: Tensor4D[] = [];
  const asked: number[] = [];
  const generate = (n: number) => {
    asked.push(n);
    const t = tf.tensor4d(sampler.next().images.subarray(0, n * 784), [n, 28, 28, 1]);
    made.push(t);
    return t;
  };
  return { generate, made, asked };
}

function noise(seed: string) {
  const random = new Random(seed);
  return (n: number) => tf.tensor4d(random.fillUniform(new Float32Array(n * 784), -1, 1), [n, 28, 28, 1]);
}

const options = { metrics: ['is', 'fid', 'kid'] as const, batch: 250, seed: 1, kidSubsets: 10, kidSubsetSize: 500 };

describe('scoreSamples with the MNIST classifier', () => {
  it('scores unseen real digits far closer to the real statistics than noise', async () => {
    const before = tf.memory().numTensors;
    const digits = realDigits(2000, 1000);
    const realScores = await scoreSamples(digits.generate, 1000, extractor, real, options);
    const noiseScores = await scoreSamples(noise('noise'), 1000, extractor, real, options);
    expect(tf.memory().numTensors).toBe(before);
    expect(digits.made.every((t) => t.isDisposed)).toBe(true);
    expect(digits.asked).toEqual([250, 250, 250, 250]);

    expect(realScores.fid!).toBeGreaterThan(0);
    expect(realScores.fid!).toBeLessThan(noiseScores.fid! / 10);
    expect(realScores.kid!.mean).toBeLessThan(noiseScores.kid!.mean / 10);
    expect(realScores.is!.mean).toBeGreaterThan(1.5 * noiseScores.is!.mean); // about 3 and 1.1 after this short training
    expect([realScores.featureDim, realScores.samples]).toEqual([128, 1000]);
  });

  it('computes only the metrics asked for, in batches that add up to the count', async () => {
    const digits = realDigits(2000, 600);
    const scores = await scoreSamples(digits.generate, 600, extractor, undefined, { metrics: ['is'], batch: 250, seed: 1, splits: 5 });
    expect(Object.keys(scores).sort()).toEqual(['featureDim', 'is', 'samples']);
    expect(digits.asked).toEqual([250, 250, 100]);
  });

  it('refuses what cannot be scored', async () => {
    await expect(scoreSamples(noise('x'), 10, extractor, undefined, { ...options, metrics: ['fid'] })).rejects.toThrow(/need the real-data statistics/);
    await expect(scoreSamples(noise('x'), 10, extractor, { ...real, featureDim: 64 }, options)).rejects.toThrow(/64-d features, the extractor gives 128-d/);
    const wrong = (n: number) => tf.zeros([n + 1, 28, 28, 1]) as Tensor4D;
    const before = tf.memory().numTensors;
    await expect(scoreSamples(wrong, 20, extractor, real, options)).rejects.toThrow(/asked for 20 images, got a batch of 21/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

/**
 * The loop shared by real-data statistics and sample scoring: batches of images through an
 * extractor, each batch's features and softmax probabilities handed to the caller as plain
 * arrays. Only one batch of images and outputs exists at a time, and every tensor made here
 * is disposed here.
 */
import { checkpointForAbort } from '../abort.js';
import { tf, type Tensor4D } from '../tf.js';
import type { FeatureExtractor } from './types.js';

export interface FeatureBatch {
  readonly count: number;
  /** count × featureDim, row-major. */
  readonly features: Float32Array;
  /** count × classes, softmax of the logits. */
  readonly probs: Float32Array;
}

/**
 * Calls `images(n)` for batches of at most `batch` images until `count` are done, and `visit`
 * with their outputs. `images` hands over a tensor this function disposes.
 */
export async function streamFeatures(
  extractor: FeatureExtractor,
  count: number,
  batch: number,
  images: (n: number, done: number) => Tensor4D,
  visit: (outputs: FeatureBatch, done: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`batch must be a positive integer, got ${batch}`);
  for (let done = 0; done < count; ) {
    await checkpointForAbort(signal);
    const n = Math.min(batch, count - done);
    const x = images(n, done);
    let outputs: { features: tf.Tensor; probs: tf.Tensor };
    try {
      if (x.shape[0] !== n) throw new RangeError(`asked for ${n} images, got a batch of ${x.shape[0]}`);
      outputs = tf.tidy(() => {
        const { features, logits } = extractor.extract(x);
        return { features, probs: tf.softmax(logits) };
      });
    } finally {
      x.dispose();
    }
    try {
      const [features, probs] = await Promise.all([outputs.features.data(), outputs.probs.data()]);
      visit({ count: n, features: features as Float32Array, probs: probs as Float32Array }, done + n);
    } finally {
      tf.dispose([outputs.features, outputs.probs]);
    }
    done += n;
  }
}

/**
 * nn.BatchNorm2d (affine, track_running_stats) on NHWC tensors:
 * - training: normalise with the batch mean and the *biased* batch variance over (N, H, W);
 *   running stats <- (1 - momentum) * running + momentum * batch, with the *unbiased* variance
 *   (times n / (n - 1), n = N*H*W) for running_var, as PyTorch does;
 * - eval: normalise with the running stats.
 * y = (x - mean) / sqrt(var + eps) * gamma + beta.
 */
import { tf, type Tensor1D, type Tensor4D } from '../tf.js';
import { BufferSet } from './buffers.js';

export const BATCH_NORM_MOMENTUM = 0.1;
export const BATCH_NORM_EPS = 1e-5;

export interface BatchNormParams {
  readonly gamma: Tensor1D;
  readonly beta: Tensor1D;
}

export interface BatchNormStats {
  readonly mean: Tensor1D;
  readonly variance: Tensor1D;
}

export interface BatchNormOptions {
  readonly training: boolean;
  readonly momentum?: number;
  readonly eps?: number;
}

/** Returns the output and the running stats after this call (unchanged in eval mode). */
export function batchNorm2d(
  x: Tensor4D,
  params: BatchNormParams,
  running: BatchNormStats,
  options: BatchNormOptions,
): { y: Tensor4D; running: BatchNormStats } {
  const eps = options.eps ?? BATCH_NORM_EPS;
  if (!options.training) {
    return { y: tf.batchNorm(x, running.mean, running.variance, params.beta, params.gamma, eps) as Tensor4D, running };
  }
  const momentum = options.momentum ?? BATCH_NORM_MOMENTUM;
  const [n, h, w] = x.shape;
  const count = n * h * w;
  if (count < 2) throw new Error('batchNorm2d: training needs more than one value per channel');
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  // Written out rather than tf.batchNorm: the gradient of that kernel tiles a per-channel factor
  // to the full activation shape, a slow Tile on wasm (~0.2 s for a [120, 32, 32, 16] map); the
  // broadcast product below reduces its gradient with one Sum instead. Same formula.
  const scale = tf.mul(params.gamma, tf.rsqrt(tf.add(variance, eps)));
  const y = tf.add(tf.mul(tf.sub(x, mean), scale), params.beta) as Tensor4D;
  const keep = 1 - momentum;
  const next: BatchNormStats = {
    mean: tf.add(tf.mul(running.mean, keep), tf.mul(mean, momentum)),
    variance: tf.add(tf.mul(running.variance, keep), tf.mul(variance, (momentum * count) / (count - 1))),
  };
  return { y, running: next };
}

/** Running mean (zeros) and variance (ones) of `channels` channels as non-trainable variables. */
export function createBatchNormBuffers(channels: number, name?: string): BufferSet<'mean' | 'variance'> {
  const initial = { mean: tf.zeros([channels]), variance: tf.ones([channels]) };
  const buffers = new BufferSet(initial, name);
  tf.dispose([initial.mean, initial.variance]);
  return buffers;
}

/** batchNorm2d with its buffers: reads the latest running stats and stages the new ones in training mode. */
export function batchNorm2dTracked(
  x: Tensor4D,
  params: BatchNormParams,
  buffers: BufferSet<'mean' | 'variance'>,
  options: BatchNormOptions,
): Tensor4D {
  const running = { mean: buffers.read('mean') as Tensor1D, variance: buffers.read('variance') as Tensor1D };
  const result = batchNorm2d(x, params, running, options);
  if (options.training) buffers.stage({ mean: result.running.mean, variance: result.running.variance });
  return result.y;
}

/**
 * Spectral normalisation exactly as PyTorch 1.x torch.nn.utils.spectral_norm(module,
 * n_power_iterations=1, eps=1e-12, dim=0):
 *
 *   W = weight viewed as [out, -1]
 *   training:  v = normalize(W^T u), u = normalize(W v)   (no gradient; u, v stored back)
 *   sigma = u . (W v);  weight / sigma                     (differentiable in the weight)
 *   eval: no iteration, the stored u and v are used.
 *
 * normalize(x) = x / max(|x|, eps). Our weights are [kh, kw, in, out] (conv) or [in, out]
 * (linear), so W is the transpose of the [kh*kw*in, out] reshape: its columns are PyTorch's
 * columns (in, kh, kw order) permuted to (kh, kw, in) order. sigma and u are unchanged by a
 * column permutation and v is permuted with it, so v here is stored in (kh, kw, in) order.
 */
import type { Random } from '../../util/random.js';
import { tf, type Scalar, type Tensor, type Tensor1D, type Tensor2D } from '../tf.js';
import { BufferSet } from './buffers.js';

export const SPECTRAL_NORM_EPS = 1e-12;

export interface SpectralNormVectors {
  /** [out] */
  readonly u: Tensor1D;
  /** [K] with K = kh*kw*in (conv) or in (linear), in our (kh, kw, in) order. */
  readonly v: Tensor1D;
}

export interface SpectralNormResult extends SpectralNormVectors {
  /** weight / sigma, same shape as the weight. */
  readonly weight: Tensor;
  readonly sigma: Scalar;
}

/** The weight as the [K, out] matrix W^T (a free reshape in our layout). */
function weightMatrixT(w: Tensor): Tensor2D {
  const out = w.shape[w.shape.length - 1]!;
  return tf.reshape(w, [-1, out]) as Tensor2D;
}

function normalize(x: Tensor, eps: number): Tensor {
  return tf.div(x, tf.maximum(tf.norm(x), eps));
}

/**
 * One power iteration, recorded on the gradient tape as a single node with a zero gradient
 * (PyTorch runs it under torch.no_grad()). Returns [u'; v'] packed in one vector because a
 * custom-gradient function has one output.
 */
function powerIteration(wT: Tensor2D, u: Tensor1D, eps: number): Tensor1D {
  const [k, out] = wT.shape;
  const iterate = tf.customGrad((...inputs) => {
    const matrix = inputs[0] as Tensor2D;
    const uIn = inputs[1] as Tensor1D;
    // v = normalize(W^T u) = normalize(wT u); u = normalize(W v) = normalize(v^T wT).
    const v = normalize(tf.matMul(matrix, tf.reshape(uIn, [out, 1])), eps);
    const uNext = normalize(tf.matMul(tf.reshape(v, [1, k]), matrix), eps);
    return {
      value: tf.concat([tf.reshape(uNext, [out]), tf.reshape(v, [k])]),
      gradFunc: () => [tf.zeros([k, out]), tf.zeros([out])],
    };
  });
  return iterate(wT, u) as Tensor1D;
}

/**
 * Normalises `weight` by its spectral norm. In training mode one power iteration runs first and
 * the returned u, v are the new buffer values (the caller stores them after the step); in eval
 * mode the given u, v are returned unchanged.
 */
export function spectralNorm(
  weight: Tensor,
  vectors: SpectralNormVectors,
  options: { readonly training: boolean; readonly eps?: number },
): SpectralNormResult {
  const eps = options.eps ?? SPECTRAL_NORM_EPS;
  const wT = weightMatrixT(weight);
  const [k, out] = wT.shape;
  let { u, v } = vectors;
  if (options.training) {
    const packed = powerIteration(wT, u, eps);
    u = tf.slice(packed, [0], [out]);
    v = tf.slice(packed, [out], [k]);
  }
  // sigma = u . (W v) = (v^T wT) . u
  const sigma = tf.sum(tf.mul(tf.reshape(tf.matMul(tf.reshape(v, [1, k]), wT), [out]), u)) as Scalar;
  return { weight: tf.div(weight, sigma), sigma, u, v };
}

/** Initial u [out] and v [K]: normalize(N(0, 1)) each, from our seeded generator (as PyTorch). */
export function initialSpectralNormVectors(weightShape: readonly number[], random: Random): { u: Float32Array; v: Float32Array } {
  const out = weightShape[weightShape.length - 1]!;
  const k = weightShape.reduce((a, b) => a * b, 1) / out;
  const unit = (n: number) => {
    const values = random.fillNormal(new Float64Array(n));
    const norm = Math.max(Math.sqrt(values.reduce((s, x) => s + x * x, 0)), SPECTRAL_NORM_EPS);
    return Float32Array.from(values, (x) => x / norm);
  };
  const u = unit(out);
  return { u, v: unit(k) };
}

/** u and v of one spectral-normed weight as non-trainable variables. */
export function createSpectralNormBuffers(weightShape: readonly number[], random: Random, name?: string): BufferSet<'u' | 'v'> {
  const { u, v } = initialSpectralNormVectors(weightShape, random);
  const initial = { u: tf.tensor1d(u), v: tf.tensor1d(v) };
  const buffers = new BufferSet(initial, name);
  tf.dispose([initial.u, initial.v]);
  return buffers;
}

/**
 * spectralNorm with its buffers: reads the latest u, v from `buffers`, and in training mode
 * stages the updated ones (commit them after the optimizer step). Returns weight / sigma.
 */
export function spectralNormWeight(weight: Tensor, buffers: BufferSet<'u' | 'v'>, training: boolean): Tensor {
  const result = spectralNorm(weight, { u: buffers.read('u') as Tensor1D, v: buffers.read('v') as Tensor1D }, { training });
  if (training) buffers.stage({ u: result.u, v: result.v });
  return result.weight;
}

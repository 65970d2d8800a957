/**
 * PyTorch's ConvTranspose2d(C, C, k, stride, padding, output_padding, groups=C, bias=False), the
 * "ConvTranspose" up-sampling candidate of the generator (k 3, stride 2, padding 1, output
 * padding 1: exactly x2). tfjs has no depthwise transposed conv, so: insert stride-1 zeros
 * between input pixels, pad, and correlate with the spatially flipped kernel as a depthwise
 * conv. Gradients flow through tfjs's depthwise conv gradients (registered for wasm, which
 * lacks them, in backend/kernels).
 */
import { tf, type Tensor2D, type Tensor4D } from '../tf.js';
import { antiIdentity, multiplyConstant } from './constants.js';
import { insertZeros, padOrCrop, reshape4 } from './spatial.js';

export interface DepthwiseConvTranspose2dOptions {
  readonly stride?: number;
  readonly padding?: number;
  readonly outputPadding?: number;
}

/** Output size of PyTorch's ConvTranspose2d along one axis (dilation 1). */
export function convTransposeOutputSize(size: number, kernel: number, stride: number, padding: number, outputPadding: number): number {
  return (size - 1) * stride - 2 * padding + (kernel - 1) + outputPadding + 1;
}

/**
 * x [n, h, w, C], w [k, k, C, 1] (tfjs depthwise layout; torch weight[c, 0, a, b] = w[a, b, c, 0]).
 */
export function depthwiseConvTranspose2d(x: Tensor4D, w: Tensor4D, options: DepthwiseConvTranspose2dOptions = {}): Tensor4D {
  const stride = options.stride ?? 2;
  const padding = options.padding ?? 1;
  const outputPadding = options.outputPadding ?? 1;
  const [, h, wd, channels] = x.shape;
  const [kh, kw, filterChannels, multiplier] = w.shape;
  if (kh !== kw || filterChannels !== channels || multiplier !== 1) {
    throw new Error(`depthwiseConvTranspose2d: filter [${w.shape}] does not fit ${channels} channels ([k, k, C, 1])`);
  }
  if (outputPadding >= stride) throw new Error('depthwiseConvTranspose2d: output padding must be smaller than the stride');
  const k = kh;
  const outH = convTransposeOutputSize(h, k, stride, padding, outputPadding);
  const outW = convTransposeOutputSize(wd, k, stride, padding, outputPadding);
  // Scatter form: input pixel y lands on outputs stride*y - padding + a. As a correlation over
  // the zero-spread input z (z[stride*y] = x[y]): out[o] = sum_a' z[o + padding - (k-1) + a'] * flipped[a'].
  const spread = insertZeros(x, stride, stride);
  const before = k - 1 - padding;
  const afterH = outH + k - 1 - before - h * stride;
  const afterW = outW + k - 1 - before - wd * stride;
  const flipped = k === 1 ? w : reshape4(multiplyConstant(antiIdentity(k * k), tf.reshape(w, [k * k, channels]) as Tensor2D), [k, k, channels, 1]);
  if (before >= 0 && afterH >= 0 && afterW >= 0) {
    return tf.depthwiseConv2d(spread, flipped, 1, [
      [0, 0],
      [before, afterH],
      [before, afterW],
      [0, 0],
    ]);
  }
  return tf.depthwiseConv2d(padOrCrop(spread, [before, before], [afterH, afterW]), flipped, 1, 'valid');
}

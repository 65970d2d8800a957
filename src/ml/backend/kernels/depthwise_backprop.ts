/**
 * The two gradients of a depthwise convolution with channel multiplier 1, each computed as one
 * forward depthwise convolution (tfjs-backend-wasm 4.22.0 has neither gradient kernel):
 *
 * - input gradient: like a dense conv's, a depthwise correlation of the stride-zero-inserted dy
 *   with the spatially flipped filter;
 * - filter gradient: dW[a,b,c] = sum_{n,y,x} xpad[n, a + sh*y, b + sw*x, c] * dy[n,y,x,c]. Taking
 *   every (n, c) pair as one channel of a batch-1 image turns the sum over (y, x) into a valid
 *   depthwise correlation of xpad [1, Hp, Wp, n*C] with dy as the filter [OH, OW, n*C, 1] at
 *   dilation (sh, sw); the sum over n is a reduction of the [kh*kw, n, C] result.
 */
import { antiIdentity } from '../../ops/constants.js';
import { insertZeros, padOrCrop, reshape4 } from '../../ops/spatial.js';
import { tf, type Tensor4D } from '../../tf.js';
import type { ConvPad, RoundingMode } from './conv_backprop.js';

type Shape4 = [number, number, number, number];

export function depthwiseInputGradient(
  dy: Tensor4D,
  filter: Tensor4D,
  inputShape: Shape4,
  strides: number | [number, number],
  pad: ConvPad,
  rounding: RoundingMode,
): Tensor4D {
  const [, height, width, channels] = inputShape;
  const [kh, kw] = filter.shape;
  assertMultiplierOne(filter.shape);
  const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape, strides, 1, pad, rounding, true);
  const { top, left } = info.padInfo;
  const spread = insertZeros(dy, info.strideHeight, info.strideWidth);
  const flipped =
    kh * kw === 1
      ? filter
      : reshape4(antiIdentity(kh * kw).product(tf.reshape(filter, [kh * kw, channels])), [kh, kw, channels, 1]);
  const before: [number, number] = [kh - 1 - top, kw - 1 - left];
  const after: [number, number] = [
    height + top - info.outHeight * info.strideHeight,
    width + left - info.outWidth * info.strideWidth,
  ];
  return tf.depthwiseConv2d(padOrCrop(spread, before, after), flipped, 1, 'valid');
}

export function depthwiseFilterGradient(
  x: Tensor4D,
  dy: Tensor4D,
  filterShape: Shape4,
  strides: number | [number, number],
  pad: ConvPad,
  rounding: RoundingMode,
): Tensor4D {
  const [kh, kw, channels] = filterShape;
  assertMultiplierOne(filterShape);
  const [n] = x.shape;
  const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad, rounding, true);
  const { top, bottom, left, right } = info.padInfo;
  const padded = top || bottom || left || right ? tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]) : x;
  const [, hp, wp] = padded.shape;
  const image = reshape4(tf.transpose(padded, [1, 2, 0, 3]), [1, hp, wp, n * channels]);
  const kernel = reshape4(tf.transpose(dy, [1, 2, 0, 3]), [info.outHeight, info.outWidth, n * channels, 1]);
  let taps = tf.depthwiseConv2d(image, kernel, 1, 'valid', 'NHWC', [info.strideHeight, info.strideWidth]);
  if (taps.shape[1] !== kh || taps.shape[2] !== kw) taps = tf.slice(taps, [0, 0, 0, 0], [1, kh, kw, n * channels]);
  return reshape4(tf.sum(tf.reshape(taps, [kh * kw, n, channels]), 1), [kh, kw, channels, 1]);
}

function assertMultiplierOne(filterShape: readonly number[]): void {
  if (filterShape[3] !== 1) {
    throw new Error(`depthwise gradient kernels support channel multiplier 1 only, got ${filterShape[3]}`);
  }
}

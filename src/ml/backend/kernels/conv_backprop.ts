/**
 * The two gradients of a 2-D convolution, each computed as one forward convolution, the
 * fastest kernel both backends have (XNNPACK on wasm):
 *
 * - filter gradient: dW[a,b,i,o] = sum_{n,y,x} xpad[n, a + sh*y, b + sw*x, i] * dy[n,y,x,o], which
 *   is a valid convolution of xpad^T [i, Hp, Wp, n] with dy^T [OH, OW, n, o] at dilation (sh, sw).
 *   tfjs-backend-wasm 4.22.0 has no Conv2DBackpropFilter at all; the cpu backend's is 35-46x
 *   slower than this (shared/TFJS.md).
 * - input gradient: the full correlation of the stride-zero-inserted dy with the spatially
 *   flipped, in/out-swapped filter (stride 2: the polyphase form in conv_input_grad_stride2.ts). The wasm backend's own Conv2DBackpropInput is a naive loop
 *   (about 3 GFLOP/s). The flip is the anti-identity's product, a row gather (constants.ts):
 *   tf.reverse runs at about 25 M floats/s on wasm (probes/tfjs/fold_kernels.js).
 *
 * Only rank-4 tensors are used: rank-5/6 pads, slices and transposes run in JavaScript on wasm.
 */
import { antiIdentity } from '../../ops/constants.js';
import { insertZeros, padOrCrop, reshape4 } from '../../ops/spatial.js';
import { tf, type Tensor2D, type Tensor4D } from '../../tf.js';
import { conv2dInputGradientStride2 } from './conv_input_grad_stride2.js';

export type ConvPad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
export type RoundingMode = 'floor' | 'round' | 'ceil' | undefined;
type Shape4 = [number, number, number, number];

export function conv2dFilterGradient(
  x: Tensor4D,
  dy: Tensor4D,
  filterShape: Shape4,
  strides: number | [number, number],
  pad: ConvPad,
  rounding: RoundingMode,
): Tensor4D {
  const [kh, kw, inChannels, outChannels] = filterShape;
  const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad, rounding);
  const { top, bottom, left, right } = info.padInfo;
  if (kh === 1 && kw === 1 && info.strideHeight === 1 && info.strideWidth === 1 && !(top || bottom || left || right)) {
    // A 1x1 conv's weight gradient is the product x^T dy over all pixels. As a conv (a 32x32
    // kernel with a 1x1 output) XNNPACK runs it at ~2 GFLOP/s; as a matMul with the pixels as
    // the inner dimension it runs at full speed.
    const [n, height, width] = x.shape;
    const pixels = n * height * width;
    const xT = tf.transpose(tf.reshape(x, [pixels, inChannels]));
    return tf.reshape(tf.matMul(xT, tf.reshape(dy, [pixels, outChannels]) as Tensor2D), filterShape) as Tensor4D;
  }
  // The padding is the conv's own (implicit, no padded copy of x).
  const xT = tf.transpose(x, [3, 1, 2, 0]);
  const dyT = tf.transpose(dy, [1, 2, 0, 3]);
  const dilation: [number, number] = [info.strideHeight, info.strideWidth];
  const implicit = top || bottom || left || right ? ([[0, 0], [top, bottom], [left, right], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]]) : 'valid';
  let result = tf.conv2d(xT, dyT, 1, implicit, 'NHWC', dilation);
  if (result.shape[1] !== kh || result.shape[2] !== kw) {
    result = tf.slice(result, [0, 0, 0, 0], [inChannels, kh, kw, outChannels]);
  }
  return tf.transpose(result, [1, 2, 0, 3]);
}

export function conv2dInputGradient(
  dy: Tensor4D,
  filter: Tensor4D,
  inputShape: Shape4,
  strides: number | [number, number],
  pad: ConvPad,
  rounding: RoundingMode,
): Tensor4D {
  const [, height, width] = inputShape;
  const [kh, kw, inChannels, outChannels] = filter.shape;
  const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape, strides, 1, pad, rounding);
  const { top, left } = info.padInfo;
  const sh = info.strideHeight;
  const sw = info.strideWidth;
  if (sh === 2 && sw === 2) return conv2dInputGradientStride2(dy, filter, inputShape, top, left);
  const spread = insertZeros(dy, sh, sw);
  // [kh, kw, o, i] with the taps reversed: a matMul of the [kh*kw, o*i] tap matrix.
  const swapped = tf.transpose(filter, [0, 1, 3, 2]);
  const flipped =
    kh * kw === 1
      ? swapped
      : reshape4(
          antiIdentity(kh * kw).product(tf.reshape(swapped, [kh * kw, outChannels * inChannels])),
          [kh, kw, outChannels, inChannels],
        );
  // Row y of dx reads rows y + top - (kh-1) .. y + top of the spread dy: pad (or crop) it so
  // that a valid convolution yields exactly [n, height, width, i].
  const before: [number, number] = [kh - 1 - top, kw - 1 - left];
  const after: [number, number] = [height + top - info.outHeight * sh, width + left - info.outWidth * sw];
  if (Math.min(...before, ...after) >= 0) {
    // The padding is the conv's own (implicit, no padded copy of dy).
    return tf.conv2d(spread, flipped, 1, [[0, 0], [before[0], after[0]], [before[1], after[1]], [0, 0]]);
  }
  return tf.conv2d(padOrCrop(spread, before, after), flipped, 1, 'valid');
}

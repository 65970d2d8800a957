/**
 * Building blocks for dilated convolutions that stay differentiable: tfjs 4.22.0 refuses the
 * gradient of any conv with dilation > 1 ("dilation rates greater than 1 are not yet supported
 * in gradients") and its forward throws on stride 2 with dilation 2 ("Either strides or
 * dilations must be 1"). Everything here is rank 4 (see spatial.ts for why).
 */
import { tf, type Tensor4D } from '../tf.js';
import { constantMatrix, multiplyConstant } from './constants.js';
import { reshape4 } from './spatial.js';

/**
 * The zero-dilated dense kernel [d(kh-1)+1, d(kw-1)+1, in, out] of w [kh, kw, in, out], built as
 * the product of a constant 0/1 placement matrix with the [kh*kw, in*out] tap matrix (a rank-6
 * reshape + pad + slice, the obvious construction, costs about 18 ms per step on wasm in its
 * backward pass; shared/TFJS.md).
 */
export function dilateKernel(w: Tensor4D, dilation: number): Tensor4D {
  if (dilation === 1) return w;
  const [kh, kw, inChannels, outChannels] = w.shape;
  const eh = dilation * (kh - 1) + 1;
  const ew = dilation * (kw - 1) + 1;
  const placement = constantMatrix(`dilate|${kh}x${kw}|${dilation}`, eh * ew, kh * kw, (values) => {
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        const target = a * dilation * ew + b * dilation;
        values[target * kh * kw + a * kw + b] = 1;
      }
    }
  });
  const taps = tf.reshape(w, [kh * kw, inChannels * outChannels]) as tf.Tensor2D;
  return reshape4(multiplyConstant(placement, taps), [eh, ew, inChannels, outChannels]);
}

/**
 * Polyphase split [n, h, w, c] -> [4n, h/2, w/2, c]: batch entry (2*ph + pw)*n + i holds pixels
 * (2y + ph, 2x + pw) of image i. A stride-1 dilation-2 conv is a plain conv on each phase.
 * Needs even h and w. Two reshapes and two rank-4 transposes (a rank-6 transpose is about 40x
 * slower on wasm; probes/tfjs/fold_lib.js).
 */
export function toPhases(x: Tensor4D): Tensor4D {
  const [n, h, w, c] = x.shape;
  const rowsFirst = tf.transpose(tf.reshape(x, [n * (h / 2), 2, w / 2, 2 * c]), [1, 0, 2, 3]);
  const phases = tf.transpose(tf.reshape(rowsFirst, [2, (n * h * w) / 4, 2, c]), [0, 2, 1, 3]);
  return reshape4(phases, [4 * n, h / 2, w / 2, c]);
}

/** Inverse of {@link toPhases}: [4n, h2, w2, c] -> [n, 2*h2, 2*w2, c]. */
export function fromPhases(y: Tensor4D): Tensor4D {
  const [batch4, h2, w2, c] = y.shape;
  const n = batch4 / 4;
  const columns = tf.transpose(tf.reshape(y, [2, 2, n * h2 * w2, c]), [0, 2, 1, 3]);
  const rows = tf.transpose(tf.reshape(columns, [2, n * h2, w2, 2 * c]), [1, 0, 2, 3]);
  return reshape4(rows, [n, 2 * h2, 2 * w2, c]);
}

/**
 * One polyphase component: pixels (2y + phase, 2x + phase) of x, i.e. x[:, phase::2, phase::2]
 * (tf.stridedSlice has no gradient in tfjs 4.22.0). Odd sizes are padded with one zero row or
 * column first, which is what a padded conv reads there anyway.
 */
export function phase(x: Tensor4D, which: 0 | 1): Tensor4D {
  const [n, h, w, c] = x.shape;
  const padded = h % 2 || w % 2 ? tf.pad(x, [[0, 0], [0, h % 2], [0, w % 2], [0, 0]]) : x;
  const h2 = Math.ceil(h / 2);
  const w2 = Math.ceil(w / 2);
  const grouped = tf.reshape(padded, [n * h2, 2, w2, 2 * c]);
  return reshape4(tf.slice(grouped, [0, which, 0, which * c], [n * h2, 1, w2, c]), [n, h2, w2, c]);
}

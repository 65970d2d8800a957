/**
 * Rank-4 spatial rearrangements shared by ops and kernels. They use only rank-4 reshapes, pads
 * and slices: on tfjs-backend-wasm rank-5/6 pads, slices and transposes run in JavaScript
 * (10-87 ms where rank-4 ones take 0.2-1.8 ms; shared/TFJS.md), and tfjs-backend-webgpu 4.22.0
 * miscompiles rank-5/6 pads.
 */
import { tf, type Tensor, type Tensor4D } from '../tf.js';

/** tf.reshape to a rank-4 shape, typed as such. */
export function reshape4(x: Tensor, shape: [number, number, number, number]): Tensor4D {
  return tf.reshape(x, shape) as Tensor4D;
}

/** [n, h, w, c] -> [n, h*sh, w*sw, c] with dy at (y*sh, x*sw) and zeros elsewhere. */
export function insertZeros(dy: Tensor4D, sh: number, sw: number): Tensor4D {
  if (sh === 1 && sw === 1) return dy;
  const [n, h, w, c] = dy.shape;
  let out = dy;
  if (sw > 1) {
    const columns = tf.pad(tf.reshape(out, [n * h, w, 1, c]), [[0, 0], [0, 0], [0, sw - 1], [0, 0]]);
    out = tf.reshape(columns, [n, h, w * sw, c]);
  }
  if (sh > 1) {
    const rows = tf.pad(tf.reshape(out, [n, h, 1, w * sw * c]), [[0, 0], [0, 0], [0, sh - 1], [0, 0]]);
    out = tf.reshape(rows, [n, h * sh, w * sw, c]);
  }
  return out;
}

/** Pads rows/columns (positive amounts) or crops them (negative amounts) on each side. */
export function padOrCrop(x: Tensor4D, before: [number, number], after: [number, number]): Tensor4D {
  const [n, h, w, c] = x.shape;
  let out = x;
  const cropTop = Math.max(0, -before[0]);
  const cropLeft = Math.max(0, -before[1]);
  const cropBottom = Math.max(0, -after[0]);
  const cropRight = Math.max(0, -after[1]);
  if (cropTop || cropLeft || cropBottom || cropRight) {
    out = tf.slice(out, [0, cropTop, cropLeft, 0], [n, h - cropTop - cropBottom, w - cropLeft - cropRight, c]);
  }
  const padTop = Math.max(0, before[0]);
  const padLeft = Math.max(0, before[1]);
  const padBottom = Math.max(0, after[0]);
  const padRight = Math.max(0, after[1]);
  if (padTop || padLeft || padBottom || padRight) {
    out = tf.pad(out, [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]]);
  }
  return out;
}

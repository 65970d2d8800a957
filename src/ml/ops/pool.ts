/**
 * 2x2 stride-2 pooling as F.avg_pool2d(x, 2) and F.max_pool2d(x, 2) (odd sizes: the last row or
 * column is dropped, as PyTorch's floor mode does).
 */
import { tf, type Tensor4D } from '../tf.js';
import { reshape4 } from './spatial.js';

export function avgPool2x2(x: Tensor4D): Tensor4D {
  return tf.avgPool(x, 2, 2, 'valid');
}

/**
 * Max pooling as two rounds of pairwise tf.maximum over rank-3 slices: first the two columns
 * of each window row, then the two rows. tf.maxPool is avoided because tfjs-backend-wasm's
 * MaxPoolGrad is wrong for all-negative windows (its running max starts at FLT_MIN instead of
 * -FLT_MAX). Pairwise maximum also reproduces PyTorch's tie rule: tf.maximum's gradient goes
 * to its first argument on ties, so the gradient goes to the first maximum in row-major window
 * order, as in PyTorch's max_pool2d (a reshape + tf.max would give it to every tied element).
 */
export function maxPool2x2(x: Tensor4D): Tensor4D {
  const [n, h, w, c] = x.shape;
  const h2 = Math.floor(h / 2);
  const w2 = Math.floor(w / 2);
  const even = h % 2 || w % 2 ? tf.slice(x, [0, 0, 0, 0], [n, 2 * h2, 2 * w2, c]) : x;
  // [n*2h2*w2, 2, c]: the two columns of each window row.
  const pairs = tf.reshape(even, [n * 2 * h2 * w2, 2, c]);
  const rowMax = tf.maximum(tf.slice(pairs, [0, 0, 0], [-1, 1, c]), tf.slice(pairs, [0, 1, 0], [-1, 1, c]));
  // [n*h2, 2, w2*c]: the two rows of each window.
  const rowPairs = tf.reshape(rowMax, [n * h2, 2, w2 * c]);
  const max = tf.maximum(tf.slice(rowPairs, [0, 0, 0], [-1, 1, w2 * c]), tf.slice(rowPairs, [0, 1, 0], [-1, 1, w2 * c]));
  return reshape4(max, [n, h2, w2, c]);
}

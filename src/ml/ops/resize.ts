/**
 * Up-sampling by integer factors with PyTorch's F.interpolate semantics, differentiable on
 * every backend. tfjs 4.22.0's own resize gradients are wrong: ResizeNearestNeighborGrad on cpu
 * for batch > 1, ResizeBilinearGrad on cpu and wasm whenever halfPixelCenters is set (it ignores
 * the flag; probes/tfjs/scripts/resize_grad_check.js). So each mode has its own gradient.
 *
 * Measured on wasm, 2 threads, fwd+bwd of [32,16,16,160] -> 32x32 (shared machine, noisy):
 * nearest by concat + reshape with its tfjs gradient 156 ms, with the avgPool gradient below
 * 89 ms, tile 2.4 s, interpolation matMuls 970 ms; bilinear by matMuls (transposes + 2-D
 * products) 460 ms, by per-phase slices 1.1 s, tfjs's forward kernel (+ its wrong gradient) 107 ms.
 */
import { tf, type Tensor, type Tensor2D, type Tensor4D } from '../tf.js';
import { constantTensor } from './constants.js';
import { reshape4 } from './spatial.js';
import { tidyGradient } from './tidyGradient.js';

export type ResizeMode = 'nearest' | 'bilinear';

export interface ResizeOptions {
  readonly height: number;
  readonly width: number;
  readonly mode: ResizeMode;
}

export function resize(x: Tensor4D, options: ResizeOptions): Tensor4D {
  const [, h, w] = x.shape;
  const sh = options.height / h;
  const sw = options.width / w;
  if (!Number.isInteger(sh) || !Number.isInteger(sw) || sh < 1 || sw < 1) {
    throw new Error(`resize: ${h}x${w} -> ${options.height}x${options.width} is not an integer up-scaling`);
  }
  if (sh === 1 && sw === 1) return x;
  return options.mode === 'nearest' ? nearest(x, sh, sw) : bilinear(x, options.height, options.width);
}

/**
 * F.interpolate(mode='nearest') for integer factors: every pixel repeated sh x sw times, built
 * with rank-4 concats (tf.tile's gradient is much slower and stack would make rank-5 tensors).
 * The gradient sums each sh x sw block of dy: an average pool times sh*sw (XNNPACK on wasm).
 */
function nearest(x: Tensor4D, sh: number, sw: number): Tensor4D {
  const repeat = tf.customGrad((...inputs) => {
    const input = inputs[0] as Tensor4D;
    const [n, h, w, c] = input.shape;
    let out: Tensor = input;
    if (sw > 1) {
      const column = tf.reshape(out, [n * h, w, 1, c]);
      out = tf.reshape(tf.concat(new Array<Tensor>(sw).fill(column), 2), [n, h, w * sw, c]);
    }
    if (sh > 1) {
      const row = tf.reshape(out, [n, h, 1, w * sw * c]);
      out = tf.reshape(tf.concat(new Array<Tensor>(sh).fill(row), 2), [n, h * sh, w * sw, c]);
    }
    return {
      value: out,
      gradFunc: tidyGradient((dy: Tensor) => tf.mul(tf.avgPool(dy as Tensor4D, [sh, sw], [sh, sw], 'valid'), sh * sw)),
    };
  });
  return repeat(x) as Tensor4D;
}

/**
 * F.interpolate(mode='bilinear', align_corners=False). Forward: tfjs's resizeBilinear with
 * halfPixelCenters, which is the same formula (source (i + 0.5) / s - 0.5, clamped at the
 * edges). Gradient: the exact adjoint, dx = A_h^T dy A_w with constant interpolation matrices,
 * as two 2-D matMuls with the data on the left (XNNPACK packs the small right operand cheaply).
 */
function bilinear(x: Tensor4D, height: number, width: number): Tensor4D {
  const [, h, w] = x.shape;
  const rows = interpolationMatrix(h, height);
  const cols = interpolationMatrix(w, width);
  const interpolate = tf.customGrad((...inputs) => ({
    value: tf.image.resizeBilinear(inputs[0] as Tensor4D, [height, width], false, true),
    gradFunc: tidyGradient((dy: Tensor) => bilinearAdjoint(dy as Tensor4D, rows, cols)),
  }));
  return interpolate(x) as Tensor4D;
}

function bilinearAdjoint(dy: Tensor4D, rows: Tensor2D, cols: Tensor2D): Tensor4D {
  const [n, oh, ow, c] = dy.shape;
  const [, h] = rows.shape;
  const [, w] = cols.shape;
  // Width: [n, oh, c, ow] x [ow, w].
  const byColumn = tf.matMul(tf.reshape(tf.transpose(dy, [0, 1, 3, 2]), [n * oh * c, ow]), cols);
  // Height: [n, c, w, oh] x [oh, h].
  const byRow = tf.matMul(tf.reshape(tf.transpose(tf.reshape(byColumn, [n, oh, c, w]), [0, 2, 3, 1]), [n * c * w, oh]), rows);
  return tf.transpose(reshape4(byRow, [n, c, w, h]), [0, 3, 2, 1]);
}

/** A [out, in]: row i holds the weights of F.interpolate(bilinear, align_corners=False). */
function interpolationMatrix(inSize: number, outSize: number): Tensor2D {
  return constantTensor(`bilinear|${inSize}|${outSize}`, () => {
    const values = new Float32Array(outSize * inSize);
    const scale = inSize / outSize;
    for (let i = 0; i < outSize; i++) {
      const source = Math.max(0, (i + 0.5) * scale - 0.5);
      const i0 = Math.min(Math.floor(source), inSize - 1);
      const i1 = Math.min(i0 + 1, inSize - 1);
      const lambda = source - i0;
      values[i * inSize + i0]! += 1 - lambda;
      values[i * inSize + i1]! += lambda;
    }
    return tf.tensor2d(values, [outSize, inSize]);
  });
}

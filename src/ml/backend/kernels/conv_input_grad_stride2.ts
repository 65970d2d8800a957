/**
 * Input gradient of a stride-2 convolution as ONE stride-1 convolution at the low resolution.
 *
 * The zero-insertion route (conv_backprop.ts) convolves a dy spread to full resolution, 3/4
 * zeros, with the whole kernel: 4x the forward's multiply-adds (measured 3-5x the forward's
 * time on wasm). Instead, each output phase (r, q) (pixels (2y + r, 2x + q) of dx) only meets the
 * kernel taps of one parity, so
 *
 *   dx[2y + r] = sum_m dy[y + c_r - m] * w[2m + rho_r],   rho_r = (r + top) mod 2,
 *
 * a correlation of dy with a flipped sub-kernel. The four phases' sub-kernels, aligned on a
 * common window, become the 4*in output channels of one conv of dy; a depth-to-space
 * rearrangement (one rank-4 transpose) interleaves them. Taps per pixel: 16 instead of 36 for
 * a 3x3 kernel, 36 instead of 100 for a 5x5. The combined kernel is the
 * product of a constant placement matrix with the filter taps (see ops/dilation.ts for why not rank-6 pads).
 */
import { constantMatrix } from '../../ops/constants.js';
import { padOrCrop, reshape4 } from '../../ops/spatial.js';
import { tf, type Tensor2D, type Tensor4D } from '../../tf.js';

/** Along one axis: the common window of dy rows each phase reads, and which tap each position uses. */
interface AxisPlan {
  /** Offset of the first dy row read by output row y' (relative to y'). */
  readonly start: number;
  /** Window length. */
  readonly window: number;
  /** taps[r][t]: the kernel tap at window position t for phase r, or -1. */
  readonly taps: readonly (readonly number[])[];
}

function axisPlan(k: number, before: number): AxisPlan {
  const phases = [0, 1].map((r) => {
    const rho = (r + before) % 2;
    const count = Math.ceil((k - rho) / 2); // taps a = 2m + rho < k
    const c = (r + before - rho) / 2;
    return { rho, count, base: c - count + 1 }; // first dy row: y' + base
  });
  const start = Math.min(...phases.map((p) => p.base));
  const window = Math.max(...phases.map((p) => p.base - start + p.count));
  const taps = phases.map((p) => {
    const row = new Array<number>(window).fill(-1);
    // Window position base - start + m' holds tap 2(count - 1 - m') + rho (the flipped sub-kernel).
    for (let mm = 0; mm < p.count; mm++) row[p.base - start + mm] = 2 * (p.count - 1 - mm) + p.rho;
    return row;
  });
  return { start, window, taps };
}

export function conv2dInputGradientStride2(
  dy: Tensor4D,
  filter: Tensor4D,
  inputShape: [number, number, number, number],
  top: number,
  left: number,
): Tensor4D {
  const [n, height, width, inChannels] = inputShape;
  const [kh, kw, , outChannels] = filter.shape;
  const [, oh, ow] = dy.shape;
  const rows = axisPlan(kh, top);
  const cols = axisPlan(kw, left);
  const placement = constantMatrix(
    `conv-dx-stride2|${kh}x${kw}|${top % 2},${left % 2}`,
    rows.window * cols.window * 4,
    kh * kw,
    (values) => {
      for (let t = 0; t < rows.window; t++)
        for (let u = 0; u < cols.window; u++)
          for (let r = 0; r < 2; r++)
            for (let q = 0; q < 2; q++) {
              const a = rows.taps[r]![t]!;
              const b = cols.taps[q]![u]!;
              if (a < 0 || b < 0) continue;
              const row = (t * cols.window + u) * 4 + r * 2 + q;
              values[row * kh * kw + a * kw + b] = 1;
            }
    },
  );
  // [kh*kw, o*i] taps -> [(t, u, phase), o*i] -> [t, u, o, (phase, i)].
  const taps = tf.reshape(tf.transpose(filter, [0, 1, 3, 2]), [kh * kw, outChannels * inChannels]) as Tensor2D;
  const placed = tf.reshape(placement.product(taps), [rows.window * cols.window, 4, outChannels, inChannels]);
  const kernel = reshape4(tf.transpose(placed, [0, 2, 1, 3]), [rows.window, cols.window, outChannels, 4 * inChannels]);
  // Phase outputs cover ceil(H/2) x ceil(W/2); row y' reads dy rows y' + start .. y' + start + window - 1.
  const h2 = Math.ceil(height / 2);
  const w2 = Math.ceil(width / 2);
  const before: [number, number] = [-rows.start, -cols.start];
  const after: [number, number] = [h2 + rows.start + rows.window - 1 - oh, w2 + cols.start + cols.window - 1 - ow];
  const phases =
    before[0] >= 0 && before[1] >= 0 && after[0] >= 0 && after[1] >= 0
      ? tf.conv2d(dy, kernel, 1, [[0, 0], [before[0], after[0]], [before[1], after[1]], [0, 0]])
      : tf.conv2d(padOrCrop(dy, before, after), kernel, 1, 'valid');
  // Depth to space: channel (r, q, i) of pixel (y', x') goes to (2y' + r, 2x' + q, i).
  const interleaved = reshape4(
    tf.transpose(tf.reshape(phases, [n * h2, w2, 2, 2 * inChannels]), [0, 2, 1, 3]),
    [n, 2 * h2, 2 * w2, inChannels],
  );
  return 2 * h2 === height && 2 * w2 === width ? interleaved : tf.slice(interleaved, [0, 0, 0, 0], [n, height, width, inChannels]);
}

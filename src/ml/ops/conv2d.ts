/**
 * 2-D convolution with PyTorch semantics (nn.Conv2d / F.conv2d): NHWC input, filter in tfjs
 * layout [kh, kw, in, out], explicit symmetric zero padding, stride 1 or 2, dilation 1 or 2 in
 * every combination, differentiable on every backend.
 *
 * - PyTorch's padding=p is explicit padding [[p, p], [p, p]]; tfjs 'same' pads (0, 1) for a
 *   stride-2 conv on an even size, which shifts the output by one pixel.
 * - Dilation 2, stride 1: a plain conv on each polyphase component (needs even sizes and even p,
 *   true for every 'same' dilated conv of the search space), else a conv with the zero-dilated
 *   kernel.
 * - Dilation 2, stride 2 (tfjs throws on it): the conv only reads even positions of the padded
 *   input, i.e. one polyphase component of x, so it is a plain stride-1 conv on that component.
 */
import { tf, type Tensor1D, type Tensor4D } from '../tf.js';
import { dilateKernel, fromPhases, phase, toPhases } from './dilation.js';
import { padOrCrop } from './spatial.js';

export interface Conv2dOptions {
  readonly stride?: 1 | 2;
  readonly dilation?: 1 | 2;
  /** Symmetric zero padding on both spatial axes; default dilation*(k-1)/2 ('same' for stride 1). */
  readonly padding?: number;
  readonly bias?: Tensor1D | null;
}

/** Output size of PyTorch's Conv2d along one axis. */
export function convOutputSize(size: number, kernel: number, stride: number, dilation: number, padding: number): number {
  return Math.floor((size + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1;
}

export function conv2d(x: Tensor4D, w: Tensor4D, options: Conv2dOptions = {}): Tensor4D {
  const stride = options.stride ?? 1;
  const dilation = options.dilation ?? 1;
  const [kh, kw, inChannels] = w.shape;
  if (x.shape[3] !== inChannels) {
    throw new Error(`conv2d: input has ${x.shape[3]} channels, filter expects ${inChannels}`);
  }
  const padding = options.padding ?? defaultPadding(kh, kw, dilation);
  let y: Tensor4D;
  if (dilation === 1) {
    y = tf.conv2d(x, w, stride, padding === 0 ? 'valid' : symmetric(padding));
  } else if (stride === 1) {
    y = dilatedStride1(x, w, padding);
  } else {
    y = dilatedStride2(x, w, padding);
  }
  return options.bias ? tf.add(y, options.bias) : y;
}

function defaultPadding(kh: number, kw: number, dilation: number): number {
  if (kh !== kw || (dilation * (kh - 1)) % 2 !== 0) {
    throw new Error(`conv2d: no default padding for a ${kh}x${kw} kernel at dilation ${dilation}; pass padding`);
  }
  return (dilation * (kh - 1)) / 2;
}

function symmetric(p: number): [[number, number], [number, number], [number, number], [number, number]] {
  return [
    [0, 0],
    [p, p],
    [p, p],
    [0, 0],
  ];
}

/** Dilation 2, stride 1. */
function dilatedStride1(x: Tensor4D, w: Tensor4D, padding: number): Tensor4D {
  const [, h, wd] = x.shape;
  if (h % 2 === 0 && wd % 2 === 0 && padding % 2 === 0) {
    // Output pixel 2y + r reads input pixels 2(y + a - p/2) + r: phase r convolved with padding p/2.
    const perPhase = tf.conv2d(toPhases(x), w, 1, padding === 0 ? 'valid' : symmetric(padding / 2));
    return fromPhases(perPhase);
  }
  return tf.conv2d(x, dilateKernel(w, 2), 1, padding === 0 ? 'valid' : symmetric(padding));
}

/** Dilation 2, stride 2: out[i] = sum_a x[2(i + a) - p], a plain valid conv on one phase of x. */
function dilatedStride2(x: Tensor4D, w: Tensor4D, padding: number): Tensor4D {
  const [, h, wd] = x.shape;
  const [kh, kw] = w.shape;
  const parity = (padding % 2) as 0 | 1;
  // x[2m - p] = phase_parity[m - (p + parity)/2]: that many leading zero rows/columns.
  const lead = (padding + parity) / 2;
  const component = phase(x, parity);
  const [, h2, w2] = component.shape;
  const outH = convOutputSize(h, kh, 2, 2, padding);
  const outW = convOutputSize(wd, kw, 2, 2, padding);
  const trailH = outH + kh - 1 - lead - h2;
  const trailW = outW + kw - 1 - lead - w2;
  if (trailH >= 0 && trailW >= 0) {
    return tf.conv2d(component, w, 1, [
      [0, 0],
      [lead, trailH],
      [lead, trailW],
      [0, 0],
    ]);
  }
  return tf.conv2d(padOrCrop(component, [lead, lead], [trailH, trailW]), w, 1, 'valid');
}

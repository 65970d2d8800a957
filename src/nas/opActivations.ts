import type { ConvOpDef, OperationDef } from '../spec/types.js';

/**
 * Activation elements per image that one operation's forward pass creates, as src/ml computes
 * it: every tensor that stays alive on a gradient tape until the backward pass (views such as
 * reshapes share their input's memory and count nothing). A gradient step holds all of them at
 * once, so they, times the batch, are what a step's memory grows with. test/ml checks these
 * counts against the bytes the wasm backend really allocates.
 */

const area = (size: number, channels: number): number => size * size * channels;

/** What the count needs of a conv (a candidate's definition, or a folded edge's footprint). */
export interface ConvShape {
  readonly kernel: number;
  readonly dilation?: number;
  readonly stride?: number;
  readonly padding?: number;
  readonly preActivation?: ConvOpDef['preActivation'];
  readonly bias?: boolean;
}

/** A conv on a `size`×`size` input, with its pre-activation and bias (src/ml/ops/conv2d.ts). */
export function convActivations(op: ConvShape, cin: number, cout: number, size: number): number {
  const relu = op.preActivation === 'relu' ? area(size, cin) : 0;
  const stride = op.stride ?? 1;
  const dilation = op.dilation ?? 1;
  // PyTorch's default padding and output size (ops.ts convPadding, convOutputSize).
  const padding = op.padding ?? (dilation * (op.kernel - 1)) / 2;
  const out = Math.floor((size + 2 * padding - dilation * (op.kernel - 1) - 1) / stride) + 1;
  const output = area(out, cout);
  const bias = op.bias === false ? 0 : output;
  return relu + dilatedConv(size, cin, out, output, stride, dilation, op.kernel, padding) + bias;
}

/** The convolution itself (no pre-activation, no bias) and the copies its dilation needs. */
function dilatedConv(size: number, cin: number, out: number, output: number, stride: number, dilation: number, kernel: number, padding: number): number {
  if (dilation === 1) return output;
  if (stride === 1) {
    // The polyphase route: two transposes in, the conv on the phases, two transposes out.
    return size % 2 === 0 && padding % 2 === 0 ? 2 * area(size, cin) + 3 * output : output;
  }
  // Stride 2: one polyphase component of the (odd sizes: padded) input, cropped or padded when its trailing margin is negative.
  const half = Math.ceil(size / 2);
  const padded = size % 2 === 1 ? area(size + 1, cin) : 0;
  const lead = (padding + (padding % 2)) / 2;
  const trail = out + kernel - 1 - lead - half;
  const adjusted = trail >= 0 ? 0 : area(half + trail, cin) + (lead > 0 ? area(half + trail + lead, cin) : 0);
  return padded + area(half, cin) + adjusted + output;
}

/** Output resolution of a depthwise transposed conv (src/ml/ops/depthwise_conv_transpose.ts). */
function transposedSize(op: Extract<OperationDef, { type: 'convTranspose' }>, size: number): number {
  return (size - 1) * (op.stride ?? 2) - 2 * (op.padding ?? 1) + ((op.kernel ?? 3) - 1) + (op.outputPadding ?? 1) + 1;
}

/** Activation elements of one candidate operation mapping cin → cout channels on a `size`×`size` input. */
export function opActivations(op: OperationDef, cin: number, cout: number, size: number): number {
  switch (op.type) {
    case 'zero':
    case 'identity':
      return 0;
    case 'pool': {
      const out = area(Math.floor(size / 2), cin);
      // Max pooling: two slices and a maximum per axis (src/ml/ops/pool.ts), 9 window-sized tensors in all.
      return op.mode === 'avg' ? out : 9 * out + (size % 2 === 1 ? 4 * out : 0);
    }
    case 'conv':
      return convActivations(op, cin, cout, size);
    case 'upsample': {
      const up = size * (op.scale ?? 2);
      return (up === size ? 0 : area(up, cin)) + (op.then ? convActivations(op.then, cin, cout, up) : 0);
    }
    case 'convTranspose': {
      const stride = op.stride ?? 2;
      const out = transposedSize(op, size);
      const relu = op.preActivation === 'relu' ? area(size, cin) : 0;
      // Zeros inserted between pixels: one padded copy per axis.
      const spread = stride > 1 ? size * size * stride * cin + area(size * stride, cin) : 0;
      const bias = op.bias ? area(out, cin) : 0;
      return relu + spread + area(out, cin) + bias + (op.then ? convActivations(op.then, cin, cout, out) : 0);
    }
  }
}

import type { ConvOpDef, OperationDef } from '../spec/types.js';

/**
 * Arithmetic of one candidate operation, independent of any tensor library: how it changes
 * resolution and channels, and what it costs. The tfjs side (src/ml) builds the layers;
 * both sides must agree, which test/ml checks by counting real variables.
 */

/** PyTorch's Conv2d output size. */
export function convOutputSize(size: number, op: Pick<ConvOpDef, 'kernel' | 'dilation' | 'stride' | 'padding'>): number {
  const dilation = op.dilation ?? 1;
  const stride = op.stride ?? 1;
  const padding = convPadding(op);
  return Math.floor((size + 2 * padding - dilation * (op.kernel - 1) - 1) / stride) + 1;
}

/** Default padding keeps the resolution at stride 1 ('same' for odd kernels), as in the paper's ops. */
export function convPadding(op: Pick<ConvOpDef, 'kernel' | 'dilation' | 'padding'>): number {
  return op.padding ?? ((op.dilation ?? 1) * (op.kernel - 1)) / 2;
}

/** Output resolution of an operation on a `size`×`size` input, or undefined if it cannot run there. */
export function opOutputSize(op: OperationDef, size: number): number | undefined {
  switch (op.type) {
    case 'zero':
    case 'identity':
      return size;
    case 'pool':
      return size % 2 === 0 ? size / 2 : undefined;
    case 'conv': {
      if ((op.stride ?? 1) > 1 && size % 2 !== 0) return undefined;
      const out = convOutputSize(size, op);
      return out >= 1 ? out : undefined;
    }
    case 'upsample': {
      const up = size * (op.scale ?? 2);
      return op.then ? opOutputSize(op.then, up) : up;
    }
    case 'convTranspose': {
      const k = op.kernel ?? 3;
      const out = (size - 1) * (op.stride ?? 2) - 2 * (op.padding ?? 1) + (k - 1) + (op.outputPadding ?? 1) + 1;
      return op.then ? opOutputSize(op.then, out) : out;
    }
  }
}

/** Whether the operation can map `inChannels` to a different number of channels. */
export function canChangeChannels(op: OperationDef): boolean {
  switch (op.type) {
    case 'conv':
      return true;
    case 'upsample':
      return op.then !== undefined;
    case 'convTranspose':
      return op.then !== undefined;
    default:
      return false;
  }
}

export const isZeroOp = (op: OperationDef): boolean => op.type === 'zero';

/** Learnable weights of a conv (spectral-norm u/v vectors are buffers, not weights). */
export function convParameters(op: { readonly kernel: number; readonly bias?: boolean }, cin: number, cout: number): number {
  return op.kernel * op.kernel * cin * cout + (op.bias === false ? 0 : cout);
}

/** Learnable weights of an operation mapping cin → cout channels. */
export function opParameters(op: OperationDef, cin: number, cout: number): number {
  switch (op.type) {
    case 'zero':
    case 'identity':
    case 'pool':
      return 0;
    case 'conv':
      return convParameters(op, cin, cout);
    case 'upsample':
      return op.then ? convParameters(op.then, cin, cout) : 0;
    case 'convTranspose': {
      // Depthwise (the schema allows nothing else): one k×k filter per input channel.
      const k = op.kernel ?? 3;
      return k * k * cin + (op.bias ? cin : 0) + (op.then ? convParameters(op.then, cin, cout) : 0);
    }
  }
}

/**
 * Multiply-accumulates per image, counted as the reference code's FLOP counter does
 * (utils/flop_benchmark.py): every Conv2d and Linear including one add per output for the
 * bias, and pooling windows; resampling and transposed convolutions are not counted.
 */
export function opMacs(op: OperationDef, cin: number, cout: number, inSize: number): number {
  switch (op.type) {
    case 'zero':
    case 'identity':
      return 0;
    case 'pool': {
      const out = inSize / 2;
      return out * out * cin * (op.kernel ?? 2) ** 2;
    }
    case 'conv':
      return convMacs(op, cin, cout, convOutputSize(inSize, op));
    case 'upsample': {
      const up = inSize * (op.scale ?? 2);
      return op.then ? convMacs(op.then, cin, cout, convOutputSize(up, op.then)) : 0;
    }
    case 'convTranspose': {
      const out = opOutputSize({ ...op, then: undefined }, inSize)!;
      return op.then ? convMacs(op.then, cin, cout, convOutputSize(out, op.then)) : 0;
    }
  }
}

export function convMacs(op: { readonly kernel: number; readonly bias?: boolean }, cin: number, cout: number, outSize: number): number {
  const positions = outSize * outSize;
  return positions * (op.kernel * op.kernel * cin * cout + (op.bias === false ? 0 : cout));
}

export function linearMacs(inFeatures: number, outFeatures: number, bias: boolean): number {
  return inFeatures * outFeatures + (bias ? outFeatures : 0);
}

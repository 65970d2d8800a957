import type { ConvOpDef, OperationDef } from '../../spec/types.js';
import { convPadding } from '../../nas/ops.js';
import { conv2d } from '../ops/conv2d.js';
import { depthwiseConvTranspose2d } from '../ops/depthwise_conv_transpose.js';
import { avgPool2x2, maxPool2x2 } from '../ops/pool.js';
import { resize } from '../ops/resize.js';
import { spectralNormWeight } from '../ops/spectral_norm.js';
import { tf, type Tensor, type Tensor1D, type Tensor4D, type Variable } from '../tf.js';
import type { ConvWeights, NetBuilder } from './builder.js';
import type { ForwardContext } from './context.js';

export type OpForward = (x: Tensor4D, ctx: ForwardContext) => Tensor4D;

/** A candidate operation with its weights; `zero` ones are never computed. */
export interface Candidate {
  readonly name: string;
  readonly kind: OperationDef['type'];
  readonly forward: OpForward;
  /** A plain convolution candidate's definition and weights (what a folded edge needs). */
  readonly conv?: { readonly op: ConvOpDef; readonly weights: ConvWeights };
}

/**
 * The kernel a conv uses in this pass: spectrally normalised when configured (taken from the
 * pass's precomputed kernels when the network normalises them in groups).
 */
export function convKernel(w: ConvWeights, ctx: ForwardContext): Tensor4D {
  return precomputed(w.weight, ctx) ?? ((w.sn ? spectralNormWeight(w.weight, w.sn, ctx.training) : w.weight) as Tensor4D);
}

/** The pass's precomputed kernel for `weight`, in the weight's shape, if there is one. */
export function precomputed<T extends Tensor>(weight: Variable, ctx: ForwardContext): T | undefined {
  const t = ctx.kernels?.get(weight);
  if (t === undefined) return undefined;
  return (t.shape.length === weight.shape.length && t.shape.every((d, i) => d === weight.shape[i]) ? t : tf.reshape(t, weight.shape)) as T;
}

function buildConv(b: NetBuilder, name: string, op: ConvOpDef, cin: number, cout: number): { weights: ConvWeights; forward: OpForward } {
  const weights = b.conv(name, { kernel: op.kernel, cin, cout, bias: op.bias !== false, ...(op.spectralNorm !== undefined ? { spectralNorm: op.spectralNorm } : {}) });
  const options = { stride: (op.stride ?? 1) as 1 | 2, dilation: (op.dilation ?? 1) as 1 | 2, padding: convPadding(op) };
  const forward: OpForward = (x, ctx) => {
    const input = op.preActivation === 'relu' ? tf.relu(x) : x;
    return conv2d(input, convKernel(weights, ctx), { ...options, bias: (weights.bias as Tensor1D | undefined) ?? null });
  };
  return { weights, forward };
}

const convForward = (b: NetBuilder, name: string, op: ConvOpDef, cin: number, cout: number): OpForward => buildConv(b, name, op, cin, cout).forward;

/**
 * Builds one candidate operation of an edge mapping `cin` to `cout` channels, with PyTorch's
 * semantics for every primitive (see src/ml/ops). Its weights are named under `name`.
 */
export function buildCandidate(b: NetBuilder, name: string, op: OperationDef, cin: number, cout: number): Candidate {
  const make = (forward: OpForward): Candidate => ({ name, kind: op.type, forward });
  switch (op.type) {
    case 'zero':
      return make((x) => tf.zerosLike(x));
    case 'identity':
      return make((x) => x);
    case 'pool':
      return make((x) => (op.mode === 'avg' ? avgPool2x2(x) : maxPool2x2(x)));
    case 'conv': {
      const { weights, forward } = buildConv(b, name, op, cin, cout);
      return { ...make(forward), conv: { op, weights } };
    }
    case 'upsample': {
      const then = op.then ? convForward(b, `${name}.then`, op.then, cin, cout) : undefined;
      const scale = op.scale ?? 2;
      return make((x, ctx) => {
        const up = resize(x, { height: x.shape[1] * scale, width: x.shape[2] * scale, mode: op.mode });
        return then ? then(up, ctx) : up;
      });
    }
    case 'convTranspose': {
      const kernel = op.kernel ?? 3;
      const weight = b.depthwiseTranspose(name, { kernel, channels: cin });
      const bias = op.bias ? b.params.add(`${name}.bias`, 'weight', new Float32Array(cin), [cin]) : undefined;
      const then = op.then ? convForward(b, `${name}.then`, op.then, cin, cout) : undefined;
      const options = { stride: op.stride ?? 2, padding: op.padding ?? 1, outputPadding: op.outputPadding ?? 1 };
      return make((x, ctx) => {
        const input = op.preActivation === 'relu' ? tf.relu(x) : x;
        let y = depthwiseConvTranspose2d(input, weight as unknown as Tensor4D, options);
        if (bias) y = tf.add(y, bias);
        return then ? then(y, ctx) : y;
      });
    }
  }
}

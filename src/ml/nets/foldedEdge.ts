/**
 * A mixed edge computed with folded convolutions (shared/TFJS.md, "The mixed edge as one
 * convolution"). Its conv candidates share their input (relu(x), or x) and stride, so
 *
 *   sum_i w_i (conv_i(r) + b_i) = conv(r, sum_i w_i embed(K_i)) + sum_i w_i b_i.
 *
 * Convs whose footprint fits the widest dilation-1 kernel (1x1, 3x3, 5x5 and the dilated 3x3
 * for the normal set) fold into one dense kernel; wider dilation-2 kernels (the dilated 5x5)
 * fold into one dilation-2 kernel, which conv2d runs on the polyphase split (stride 1) or on one
 * phase component (stride 2). Identity candidates add w·x, other candidates (pools) their
 * weighted output, zero candidates nothing. With spectral norm each kernel is normalised before
 * folding; the fold is linear in the normalised kernels, so the result is exact. The gradient to
 * the mixing weights flows through the folded kernel and bias.
 */
import { conv2d } from '../ops/conv2d.js';
import { fromPhases, toPhases } from '../ops/dilation.js';
import { constantTensor } from '../ops/constants.js';
import { foldFootprints, footprintIndex } from '../../nas/foldShape.js';
import { foldKernels, type FoldLayout, type FoldMember } from '../ops/fold.js';
import { tf, type Tensor, type Tensor1D, type Tensor2D, type Tensor4D } from '../tf.js';
import type { ConvWeights } from './builder.js';
import { convKernel, type Candidate } from './candidate.js';
import type { ForwardContext } from './context.js';

interface FoldedConv {
  readonly weights: ConvWeights;
  readonly member: FoldMember;
}

export interface FoldPlan {
  readonly layout: FoldLayout;
  readonly convs: readonly FoldedConv[];
  readonly stride: 1 | 2;
  readonly relu: boolean;
  readonly inChannels: number;
  readonly outChannels: number;
  /** Weight indices of identity candidates. */
  readonly identities: readonly number[];
  /** Other computed candidates (pools), with their weight index. */
  readonly others: readonly { readonly candidate: Candidate; readonly index: number }[];
}

/**
 * The fold of an edge's candidates (`indices[k]` = weight index of candidates[k]), or undefined
 * when fewer than two convolutions could share a fold.
 */
export function planFold(candidates: readonly Candidate[], indices: readonly number[], weightCount: number, channels: { in: number; out: number }): FoldPlan | undefined {
  const convs = candidates.map((c, k) => ({ c, index: indices[k]! })).filter(({ c }) => c.conv !== undefined);
  const fold = foldFootprints(convs.map(({ c }) => c.conv!.op));
  if (!fold) return undefined;
  const { stride, relu, footprints } = fold;
  const folded: FoldedConv[] = convs.map(({ c, index }) => {
    const op = c.conv!.op;
    const dilation = (op.dilation ?? 1) as 1 | 2;
    return { weights: c.conv!.weights, member: { kernel: op.kernel, dilation, weightIndex: index, footprint: footprintIndex(op, footprints) } };
  });
  const rest = candidates.map((c, k) => ({ candidate: c, index: indices[k]! })).filter(({ candidate }) => candidate.conv === undefined);
  return {
    layout: { members: folded.map((f) => f.member), footprints, weights: weightCount },
    convs: folded,
    stride,
    relu,
    inChannels: channels.in,
    outChannels: channels.out,
    identities: rest.filter(({ candidate }) => candidate.kind === 'identity').map(({ index }) => index),
    others: rest.filter(({ candidate }) => candidate.kind !== 'identity' && candidate.kind !== 'zero'),
  };
}

/** Σ_i w_i b_i over the conv candidates with a bias ([out]), or undefined if none has one. */
function foldedBias(plan: FoldPlan, w: Tensor1D): Tensor1D | undefined {
  if (!plan.convs.some((c) => c.weights.bias)) return undefined;
  const { weights: count } = plan.layout;
  const byIndex = new Map(plan.convs.filter((c) => c.weights.bias).map((c) => [c.member.weightIndex, c.weights.bias!]));
  const zeros = constantTensor(`zeros|${plan.outChannels}`, () => tf.zeros([plan.outChannels]));
  const rows: Tensor[] = Array.from({ length: count }, (_, i) => byIndex.get(i) ?? zeros);
  const matrix = tf.reshape(tf.concat(rows), [count, plan.outChannels]) as Tensor2D;
  // A reduction, not matMul + reshape: tfjs-backend-wasm's FusedConv2D checks the rank its
  // input's data was created with, and a reshaped [1, out] product fails that check.
  return tf.sum(tf.mul(matrix, tf.reshape(w, [count, 1])), 0) as Tensor1D;
}

const scalarAt = (w: Tensor1D, index: number): Tensor => tf.slice(w, [index], [1]);

/** A value computed once per forward pass and input tensor (relu(x), its polyphase split). */
function shared(ctx: ForwardContext, x: Tensor, what: string, make: () => Tensor4D): Tensor4D {
  if (!ctx.memo) return make();
  const key = `${x.id}|${what}`;
  let value = ctx.memo.get(key) as Tensor4D | undefined;
  if (value === undefined) {
    value = make();
    ctx.memo.set(key, value);
  }
  return value;
}

const explicitPadding = (p: number) =>
  p === 0 ? ('valid' as const) : ([[0, 0], [p, p], [p, p], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]]);

/** Whether two edges' folds can share their convolutions (same input handling and kernel layout). */
export function sameFoldShape(a: FoldPlan, b: FoldPlan): boolean {
  return (
    a.stride === b.stride &&
    a.relu === b.relu &&
    a.inChannels === b.inChannels &&
    a.outChannels === b.outChannels &&
    a.layout.footprints.length === b.layout.footprints.length &&
    a.layout.footprints.every((f, i) => f.size === b.layout.footprints[i]!.size && f.dilation === b.layout.footprints[i]!.dilation)
  );
}

/**
 * [n, h, w, e*c] -> e tensors [n, h, w, c]: a rank-3 transpose and a split along the outer
 * axis (a split along the channels would copy c floats at a time in JavaScript on wasm).
 */
function splitChannels(y: Tensor4D, parts: number): Tensor4D[] {
  const [n, h, w, channels] = y.shape;
  const c = channels / parts;
  const grouped = tf.transpose(tf.reshape(y, [n * h * w, parts, c]), [1, 0, 2]);
  return tf.split(grouped, parts, 0).map((t) => tf.reshape(t, [n, h, w, c]) as Tensor4D);
}

/**
 * e kernels [s, s, in, out] -> [s, s, in, e*out]: a concat along the outer axis and a rank-3
 * transpose (a concat along the output channels copies `out` floats at a time in JavaScript on
 * wasm: 0.17 ms instead of 0.05 ms for two [5, 5, 32, 32] kernels).
 */
function sideBySide(kernels: readonly Tensor4D[]): Tensor4D {
  const [s, t, inChannels, outChannels] = kernels[0]!.shape;
  const stacked = tf.concat(kernels.map((k) => tf.reshape(k, [1, s * t * inChannels, outChannels])), 0);
  return tf.reshape(tf.transpose(stacked, [1, 0, 2]), [s, t, inChannels, kernels.length * outChannels]) as Tensor4D;
}

/**
 * The outputs of folded edges that read the same input, as terms to be summed per edge (the
 * cell sums all terms of a node at once). Their folded kernels are concatenated along the output
 * channels, so the group runs one convolution per footprint (dense, polyphase) whatever its size;
 * the bias rides on the dense conv. Then per edge: w·x for an identity candidate, w·op(x) for
 * other candidates. All plans must have the same fold shape (sameFoldShape).
 */
export function foldedGroupTerms(plans: readonly FoldPlan[], x: Tensor4D, ctx: ForwardContext, weights: readonly Tensor1D[]): Tensor4D[][] {
  const first = plans[0]!;
  const parts = plans.length;
  const input = first.relu ? shared(ctx, x, 'relu', () => tf.relu(x)) : x;
  // Kernels as the pass has them (a spectral-norm group's [1, K, out] matrices need no reshape).
  const kernels = plans.map((plan, j) =>
    foldKernels(
      plan.convs.map((c) => ctx.kernels?.get(c.weights.weight) ?? convKernel(c.weights, ctx)),
      weights[j]!,
      plan.layout,
      { in: plan.inChannels, out: plan.outChannels },
    ),
  );
  const biases = plans.map((plan, j) => foldedBias(plan, weights[j]!));
  let bias: Tensor1D | undefined;
  if (biases.some((b) => b !== undefined)) {
    const zeros = constantTensor(`zeros|${first.outChannels}`, () => tf.zeros([first.outChannels]));
    bias = (parts === 1 ? biases[0]! : tf.concat(biases.map((b) => b ?? zeros))) as Tensor1D;
  }
  const outputs: Tensor4D[] = [];
  const [, height, width] = input.shape;
  first.layout.footprints.forEach((f, i) => {
    const kernel = parts === 1 ? kernels[0]![i]! : sideBySide(kernels.map((k) => k[i]!));
    const padding = (f.dilation * (f.size - 1)) / 2;
    const withBias = i === 0 ? bias : undefined;
    if (f.dilation === 1) {
      outputs.push(tf.fused.conv2d({ x: input, filter: kernel, strides: first.stride, pad: explicitPadding(padding), ...(withBias ? { bias: withBias } : {}) }));
    } else if (first.stride === 1 && height % 2 === 0 && width % 2 === 0 && padding % 2 === 0) {
      // conv2d's polyphase route, with the split of the input shared by every edge reading it.
      const phases = shared(ctx, input, 'phases', () => toPhases(input));
      outputs.push(fromPhases(tf.fused.conv2d({ x: phases, filter: kernel, strides: 1, pad: explicitPadding(padding / 2), ...(withBias ? { bias: withBias } : {}) })));
    } else {
      outputs.push(conv2d(input, kernel, { stride: first.stride, dilation: 2, padding, bias: withBias ?? null }));
    }
  });
  const summed = (outputs.length === 1 ? outputs[0]! : tf.addN(outputs)) as Tensor4D;
  const convTerms = parts === 1 ? [summed] : splitChannels(summed, parts);
  return plans.map((plan, j) => {
    const w = weights[j]!;
    const terms = [convTerms[j]!];
    for (const index of plan.identities) terms.push(tf.mul(x, scalarAt(w, index)));
    for (const { candidate, index } of plan.others) terms.push(tf.mul(candidate.forward(x, ctx), scalarAt(w, index)));
    return terms;
  });
}

/** One folded edge's output as terms to be summed. */
export const foldedTerms = (plan: FoldPlan, x: Tensor4D, ctx: ForwardContext, w: Tensor1D): Tensor4D[] => foldedGroupTerms([plan], x, ctx, [w])[0]!;

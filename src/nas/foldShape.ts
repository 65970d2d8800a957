import type { ConvOpDef } from '../spec/types.js';
import type { EdgeModel } from './space.js';

/**
 * Whether and how a super-network edge folds its convolution candidates into one convolution
 * per footprint (the fast path, src/ml/nets/foldedEdge.ts `planFold`), as plain data: what the
 * activation count needs to know about the tensors a folded edge creates.
 */
export interface FoldShape {
  readonly stride: 1 | 2;
  readonly relu: boolean;
  /** Kernel footprints, the dense (dilation 1) one first. */
  readonly footprints: readonly FoldFootprint[];
  /** Candidates added as w·x. */
  readonly identities: number;
  /** Other computed candidates (pools), which run on their own. */
  readonly others: readonly EdgeModel['ops'][number]['def'][];
}

const span = (op: Pick<ConvOpDef, 'kernel' | 'dilation'>): number => (op.dilation ?? 1) * (op.kernel - 1) + 1;

/** A folded convolution's kernel: its size, and the dilation it runs with. */
export interface FoldFootprint {
  readonly size: number;
  readonly dilation: 1 | 2;
}

/**
 * Whether convolution candidates fold into one convolution per footprint, and the footprints:
 * the same stride and pre-activation, centred pads, dilation 1 or 2; one dense footprint (the
 * largest dilation-1 kernel) and one dilated one for the candidates whose span exceeds it. The
 * fast path's planFold and the activation count both follow it.
 */
export function foldFootprints(convs: readonly ConvOpDef[]): { readonly stride: 1 | 2; readonly relu: boolean; readonly footprints: readonly FoldFootprint[] } | undefined {
  if (convs.length < 2) return undefined;
  const stride = (convs[0]!.stride ?? 1) as 1 | 2;
  const relu = convs[0]!.preActivation === 'relu';
  const foldable = convs.every((op) => {
    const dilation = op.dilation ?? 1;
    const centred = (op.padding ?? (dilation * (op.kernel - 1)) / 2) === (dilation * (op.kernel - 1)) / 2;
    return centred && (op.stride ?? 1) === stride && (op.preActivation === 'relu') === relu && (dilation === 1 || dilation === 2);
  });
  if (!foldable) return undefined;
  const dense = Math.max(0, ...convs.filter((op) => (op.dilation ?? 1) === 1).map((op) => op.kernel));
  const wide = Math.max(0, ...convs.filter((op) => span(op) > dense).map((op) => op.kernel));
  const footprints: FoldFootprint[] = [];
  if (dense > 0) footprints.push({ size: dense, dilation: 1 });
  if (wide > 0) footprints.push({ size: wide, dilation: 2 });
  return { stride, relu, footprints };
}

/** The footprint a folded candidate's kernel goes into: the dense one where its span fits. */
export function footprintIndex(op: Pick<ConvOpDef, 'kernel' | 'dilation'>, footprints: readonly FoldFootprint[]): number {
  return footprints[0]?.dilation === 1 && span(op) <= footprints[0].size ? 0 : footprints.length - 1;
}

/** The fold of a super-network edge, or undefined when it computes its candidates one by one (fewer than two foldable convolutions). */
export function foldShape(edge: EdgeModel): FoldShape | undefined {
  const live = edge.ops.map((o) => o.def).filter((def) => def.type !== 'zero');
  const fold = foldFootprints(live.filter((def): def is ConvOpDef => def.type === 'conv'));
  if (!fold) return undefined;
  const { stride, relu, footprints } = fold;
  const rest = live.filter((def) => def.type !== 'conv');
  return { stride, relu, footprints, identities: rest.filter((def) => def.type === 'identity').length, others: rest.filter((def) => def.type !== 'identity') };
}

/** Whether two folded edges leaving one node run as one convolution per footprint (`sameFoldShape`). */
export function sameFold(a: FoldShape, b: FoldShape, ea: EdgeModel, eb: EdgeModel): boolean {
  return (
    a.stride === b.stride &&
    a.relu === b.relu &&
    ea.inChannels === eb.inChannels &&
    ea.outChannels === eb.outChannels &&
    a.footprints.length === b.footprints.length &&
    a.footprints.every((f, i) => f.size === b.footprints[i]!.size && f.dilation === b.footprints[i]!.dilation)
  );
}

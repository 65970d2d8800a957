import type { FastPath } from '../fastPath.js';
import type { BufferSet } from '../ops/buffers.js';
import { groupByShape, type SpectralNormGroup } from '../ops/spectral_norm_group.js';
import type { SpectralNormMember } from '../ops/spectral_norm_group.js';
import type { ParamStore } from '../params.js';
import type { Tensor, Variable } from '../tf.js';
import type { NetBuilder } from './builder.js';
import type { ForwardContext } from './context.js';

/**
 * What every network shares: its named variables and the buffers its forward passes stage
 * (spectral norm u/v, batch-norm statistics), committed after each optimizer step.
 */
export abstract class Network {
  readonly params: ParamStore;
  readonly fastPath: FastPath;
  private readonly bufferSets: readonly BufferSet<string>[];
  private readonly spectralNormMembers: readonly SpectralNormMember[];
  private groups: SpectralNormGroup[] | undefined;

  protected constructor(builder: NetBuilder) {
    this.params = builder.params;
    this.fastPath = builder.fastPath;
    this.bufferSets = builder.buffers;
    this.spectralNormMembers = builder.spectralNormMembers;
  }

  /** Learnable weights, as parameter counts report them. */
  get parameterCount(): number {
    return this.params.size('weight');
  }

  /**
   * The context of one forward pass. On the fast path every spectrally normalised weight is
   * normalised here, in one batched power iteration per weight shape (the layers are built by
   * then: groups are formed on first use). The kernels are kept in the [1, K, out] matrix form
   * the group computes them in (a folded edge consumes them so; convKernel reshapes).
   */
  protected prepare(context: ForwardContext): ForwardContext {
    const ctx = this.fastPath.foldEdges ? { ...context, memo: new Map<string, Tensor>() } : context;
    if (!this.fastPath.groupSpectralNorm || this.spectralNormMembers.length === 0) return ctx;
    this.groups ??= groupByShape(this.spectralNormMembers);
    const kernels = new Map<Variable, Tensor>(ctx.kernels ?? []);
    for (const group of this.groups) {
      const normalised = group.normalise(ctx.training);
      group.members.forEach((m, i) => kernels.set(m.weight, normalised[i]!));
    }
    return { ...ctx, kernels };
  }

  /** Makes the buffer updates of this step's forward passes permanent. */
  commitBuffers(): void {
    for (const b of this.bufferSets) if (b.hasStaged) b.commit();
    for (const g of this.groups ?? []) if (g.hasStaged) g.commit();
  }

  /** Drops staged buffer updates (forward passes whose results are thrown away). */
  discardBuffers(): void {
    for (const b of this.bufferSets) if (b.hasStaged) b.discard();
    for (const g of this.groups ?? []) g.discard();
  }

  /** Releases every variable (the param store owns the buffers' variables too). */
  dispose(): void {
    this.discardBuffers();
    this.params.dispose();
  }
}

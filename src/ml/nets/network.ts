import type { BufferSet } from '../ops/buffers.js';
import type { ParamStore } from '../params.js';
import type { NetBuilder } from './builder.js';

/**
 * What every network shares: its named variables and the buffers its forward passes stage
 * (spectral norm u/v, batch-norm statistics), committed after each optimizer step.
 */
export abstract class Network {
  readonly params: ParamStore;
  private readonly bufferSets: readonly BufferSet<string>[];

  protected constructor(builder: NetBuilder) {
    this.params = builder.params;
    this.bufferSets = builder.buffers;
  }

  /** Learnable weights, as parameter counts report them. */
  get parameterCount(): number {
    return this.params.size('weight');
  }

  /** Makes the buffer updates of this step's forward passes permanent. */
  commitBuffers(): void {
    for (const b of this.bufferSets) if (b.hasStaged) b.commit();
  }

  /** Drops staged buffer updates (forward passes whose results are thrown away). */
  discardBuffers(): void {
    for (const b of this.bufferSets) if (b.hasStaged) b.discard();
  }

  /** Releases every variable (the param store owns the buffers' variables too). */
  dispose(): void {
    this.discardBuffers();
    this.params.dispose();
  }
}

import type { Tensor, Variable } from '../tf.js';

/** How a forward pass runs. */
export interface ForwardContext {
  /** Training mode: spectral norm iterates, batch norm uses batch statistics (both update buffers). */
  readonly training: boolean;
  /**
   * Kernels precomputed for this pass by weight variable (spectrally normalised in groups), in
   * any shape with the weight's memory layout; layers use them (reshaped to the weight's shape)
   * instead of normalising their own weight.
   */
  readonly kernels?: ReadonlyMap<Variable, Tensor>;
  /** Values shared by the layers of one pass (e.g. relu(x) for every edge reading x), by key. */
  readonly memo?: Map<string, Tensor>;
}

export const TRAINING: ForwardContext = { training: true };
export const EVAL: ForwardContext = { training: false };

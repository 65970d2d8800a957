/** How a forward pass runs. */
export interface ForwardContext {
  /** Training mode: spectral norm iterates, batch norm uses batch statistics (both update buffers). */
  readonly training: boolean;
}

export const TRAINING: ForwardContext = { training: true };
export const EVAL: ForwardContext = { training: false };

/**
 * Switches for the fast formulations of the training step. Each is exact: it computes what the
 * straightforward formulation computes, up to float32 rounding (test/ml/nets/fast-path.test.ts
 * compares outputs and gradients). The straightforward path stays available for that comparison
 * and for A/B measurements (src/bench).
 */
export interface FastPath {
  /**
   * Mixed edges whose candidates are convolutions sharing one input compute one folded
   * convolution (plus one on the polyphase split for the wide dilated kernels) instead of one
   * per candidate (src/ml/nets/foldedEdge.ts).
   */
  readonly foldEdges: boolean;
  /**
   * Folded edges leaving one node run as one convolution per footprint, their kernels side by
   * side along the output channels (needs foldEdges).
   */
  readonly groupEdges: boolean;
  /** Spectral norm of all weights of one shape in one batched power iteration per forward. */
  readonly groupSpectralNorm: boolean;
  /** Adam over all parameters of an optimizer in a few large ops on flat buffers. */
  readonly fusedAdam: boolean;
}

export const FAST_PATH: FastPath = Object.freeze({ foldEdges: true, groupEdges: true, groupSpectralNorm: true, fusedAdam: true });
export const STRAIGHT_PATH: FastPath = Object.freeze({ foldEdges: false, groupEdges: false, groupSpectralNorm: false, fusedAdam: false });

export const fastPath = (options: Partial<FastPath> = {}): FastPath => ({ ...FAST_PATH, ...options });

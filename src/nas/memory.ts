import type { BatchDef } from '../spec/types.js';

/**
 * The peak memory of one iteration of the adversarial game (src/ml/train/gan.ts), from what the
 * networks really hold: their weights and the optimizer state that lives across steps, the
 * weight-sized tensors a step creates (gradients, the spectrally normalised and folded kernels of
 * each forward pass), and the activations its gradient tapes keep per image (activations.ts).
 * How much of each a backend's memory really grows by (allocator slack, gradients in flight,
 * its own buffers) is measured, per backend, in memoryCalibration.ts.
 */

/** A network as the estimate sees it. */
export interface NetworkSize {
  /** Learnable weights. */
  readonly parameters: number;
  /** Activation elements a training forward pass keeps for its backward pass, per image. */
  readonly activations: number;
  /** Temporaries of a chunk's size its Adam update holds at once (adamTemporaries). */
  readonly adamTemporaries: number;
}

/**
 * Elements per chunk of a fused Adam step (src/ml/train/adam.ts): the step's temporaries are
 * the size of one chunk, not of the network.
 */
export const ADAM_CHUNK_ELEMENTS = 1 << 22;

/**
 * Temporaries of a chunk's size that one fused Adam update holds at once (adam.ts, `update`
 * and `applyChunk`): gradients and parameters concatenated, the first moment's three terms (none
 * when beta1 is 0: it is the gradient), the second moment's four, the denominator's three, the
 * step's three, the split of the new parameters, and two for an L2 weight decay.
 */
export function adamTemporaries(o: { readonly betas: readonly number[]; readonly weightDecay?: number }): number {
  return 2 + (o.betas[0] === 0 ? 0 : 3) + 4 + 3 + 3 + 1 + (o.weightDecay ? 2 : 0);
}

/** The two players of a stage: with architecture parameters (search) or without (train). */
export interface GameNetworks {
  readonly generator: NetworkSize;
  readonly discriminator: NetworkSize;
  /** Architecture parameters of both networks (search only; 0 in training). */
  readonly architecture: number;
}

/** How one backend's memory follows the counts (fitted to measurements, memoryCalibration.ts). */
export interface MemoryCalibration {
  /**
   * What the process holds once the backend has started, before anything of the stage exists
   * (resident memory); 0 where the limit bounds the wasm heap, whose size the base covers.
   */
  readonly processBytes: number;
  /** The fit's intercept: what the measured memory holds beyond the counted tensors. */
  readonly baseBytes: number;
  /** Bytes the memory grows by per element a step creates (4 for float32, plus the allocator's slack). */
  readonly bytesPerElement: number;
  /** Weight-sized elements a gradient step creates per weight (gradients, the per-pass normalised and folded kernels). */
  readonly transientPerWeight: number;
}

/** Bytes of an element held across steps: float32 tensors made once, as counted. */
export const PERSISTENT_BYTES = 4;

/** Which step of the iteration peaks. */
export type PeakStep = 'generator' | 'discriminator' | 'discriminator architecture' | 'optimizer';

export interface StepMemory {
  /** Estimated peak of the process (or heap) during one iteration. */
  readonly bytes: number;
  /** Elements held across steps: weights, the generator's EMA, the Adam moments. */
  readonly persistentElements: number;
  /** Elements created by the peaking step: its tapes and weight-sized tensors, or an Adam update's. */
  readonly stepElements: number;
  readonly peak: PeakStep;
}

/**
 * Taped activation elements of each step of one iteration, as the game runs it: the D
 * architecture step on the second part of the real batch and as many detached fakes, the D
 * weight step on the first part and as many fakes (re-training too: only the first part), and
 * the generator steps through both networks on the generator batch. A detached generator
 * forward keeps nothing, but all of its activations exist until it returns, on top of the tape
 * of D's real half in the weight step.
 */
export function stepActivations(nets: GameNetworks, batch: BatchDef): { readonly peak: PeakStep; readonly elements: number } {
  const g = nets.generator.activations;
  const d = nets.discriminator.activations;
  const weightPart = Math.floor(batch.discriminator * batch.split);
  const archPart = nets.architecture > 0 ? batch.discriminator - weightPart : 0;
  const steps: { peak: PeakStep; elements: number }[] = [
    { peak: 'generator', elements: batch.generator * (g + d) },
    { peak: 'discriminator', elements: weightPart * Math.max(2 * d, d + g) },
    { peak: 'discriminator architecture', elements: archPart * Math.max(2 * d, g) },
  ];
  return steps.reduce((a, b) => (b.elements > a.elements ? b : a));
}

/** Elements that live across steps: weights of both networks, the generator's EMA, Adam's two moments of everything trained. */
export function persistentElements(nets: GameNetworks): number {
  return 4 * nets.generator.parameters + 3 * nets.discriminator.parameters + 3 * nets.architecture;
}

/**
 * Elements one weight optimizer's update holds besides the persistent ones: the network's
 * gradients and the temporaries of its largest chunk (the gradient steps' activations are
 * released by then). The larger of the two networks'.
 */
export function optimizerElements(nets: GameNetworks): number {
  const of = (n: NetworkSize) => n.parameters + n.adamTemporaries * Math.min(n.parameters, ADAM_CHUNK_ELEMENTS);
  return Math.max(of(nets.generator), of(nets.discriminator));
}

/**
 * Estimated peak memory of one iteration on a backend calibrated by `c`: the persistent
 * tensors, and the larger of what a gradient step creates (its tapes, and the weight-sized
 * tensors of its passes) and what an optimizer update does.
 */
export function stepMemory(nets: GameNetworks, batch: BatchDef, c: MemoryCalibration): StepMemory {
  const persistent = persistentElements(nets);
  const taped = stepActivations(nets, batch);
  const gradientStep = c.transientPerWeight * (nets.generator.parameters + nets.discriminator.parameters) + taped.elements;
  const optimizer = optimizerElements(nets);
  const peak = gradientStep >= optimizer ? { peak: taped.peak, stepElements: gradientStep } : { peak: 'optimizer' as const, stepElements: optimizer };
  return { bytes: c.processBytes + c.baseBytes + PERSISTENT_BYTES * persistent + c.bytesPerElement * peak.stepElements, persistentElements: persistent, ...peak };
}

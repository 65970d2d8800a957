import type { ScheduleDef } from '../../spec/types.js';

/**
 * The clock of an adversarial loop, as the reference counts it: iterations are real batches
 * (discriminator iterations); an epoch is one pass over the data, ceil(N / batch) iterations;
 * with `skipFirstEpoch` training starts in epoch 1 (the reference search loop only derives and
 * evaluates in epoch 0), which shifts the Gumbel temperature schedule accordingly.
 */
export interface LoopClock {
  readonly iterationsPerEpoch: number;
  readonly totalIterations: number;
  /** Epoch of the first trained iteration (1 with skipFirstEpoch). */
  readonly firstEpoch: number;
  /** Number of epochs E of the temperature schedule, epoch 0 included. */
  readonly epochs: number;
  epochOf(iteration: number): number;
}

export function loopClock(schedule: ScheduleDef, datasetSize: number, batch: number): LoopClock {
  const iterationsPerEpoch = Math.ceil(datasetSize / batch);
  const firstEpoch = schedule.skipFirstEpoch ? 1 : 0;
  const totalIterations = schedule.iterations ?? (schedule.epochs! - firstEpoch) * iterationsPerEpoch;
  const epochs = schedule.epochs ?? firstEpoch + Math.ceil(totalIterations / iterationsPerEpoch);
  return {
    iterationsPerEpoch,
    totalIterations,
    firstEpoch,
    epochs,
    epochOf: (iteration) => firstEpoch + Math.floor(iteration / iterationsPerEpoch),
  };
}

/** tau(e) = max(tauMin, tauMax · exp(−e · ln(tauMax/tauMin) / E)), floored at 0.1 as the reference does. */
export function gumbelTau(epoch: number, epochs: number, tauMax: number, tauMin: number): number {
  const decay = Math.log(tauMax / tauMin) / epochs;
  return Math.max(tauMin, Math.min(tauMax, tauMax * Math.exp(-decay * epoch)));
}

/** The reference's LinearLrDecay to 0 over the run, evaluated at an iteration. */
export const linearDecay = (lr: number, iteration: number, total: number): number => lr * Math.max(0, 1 - iteration / total);

/** Snapshot interval in iterations: `every`, or perEpoch snapshots per epoch (0 = never). */
export function snapshotInterval(snapshots: { readonly perEpoch: number; readonly every?: number }, iterationsPerEpoch: number): number {
  if (snapshots.every) return snapshots.every;
  if (snapshots.perEpoch <= 0) return 0;
  return Math.max(1, Math.floor(iterationsPerEpoch / snapshots.perEpoch));
}

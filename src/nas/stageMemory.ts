import type { BatchDef, ResolvedSpec } from '../spec/types.js';
import type { Genotype } from './genotype.js';
import { inspect, type NetworkInspection } from './inspect.js';
import { adamTemporaries, stepMemory, type GameNetworks, type MemoryCalibration, type StepMemory } from './memory.js';
import type { NetworkModel, SpaceModel } from './space.js';

/** The stages whose iterations the estimate covers. */
export type GameStage = 'search' | 'train';

/** Architecture parameters of a super-network: one per edge and candidate. */
const architectureOf = (model: NetworkModel): number => model.cells.reduce((sum, cell) => sum + cell.edges.reduce((s, e) => s + e.ops.length, 0), 0);

/**
 * The networks a stage trains: the super-networks at search widths, or the derived generator
 * (and the derived or AutoGAN discriminator) at training widths. Training needs the genotype;
 * without one (not derived yet) its networks are unknown.
 */
export function stageNetworks(spec: ResolvedSpec, space: SpaceModel, stage: GameStage, genotype?: Genotype): GameNetworks | undefined {
  const networks = stage === 'search' ? inspect(spec, space).search : spec.train.from === undefined ? inspect(spec, space, genotype).train : undefined;
  if (!networks) return undefined;
  const optimizers = spec[stage].optimizers;
  const size = (n: NetworkInspection, kind: 'generator' | 'discriminator') => ({ parameters: n.parameters, activations: n.activations, adamTemporaries: adamTemporaries(optimizers[kind]) });
  return {
    generator: size(networks.generator, 'generator'),
    discriminator: size(networks.discriminator, 'discriminator'),
    architecture: stage === 'search' ? architectureOf(space.generator) + architectureOf(space.discriminator) : 0,
  };
}

/** The batch of a stage's section. */
export const stageBatch = (spec: ResolvedSpec, stage: GameStage): BatchDef => spec[stage].batch;

/**
 * The largest batch that fits in `limitBytes`, keeping the ratio of the generator batch to the
 * real batch: the generator batch counts down from the spec's, the real batch follows, rounded
 * down to a size the split cuts into whole images (and, in the search, leaves images for the
 * architecture step), as the spec's checks require. Undefined when not even the smallest fits.
 */
export function largestFittingBatch(nets: GameNetworks, batch: BatchDef, c: MemoryCalibration, limitBytes: number, stage: GameStage): BatchDef | undefined {
  const valid = (d: number) => Number.isInteger(d * batch.split) && (stage === 'train' || d * batch.split < d);
  for (let generator = batch.generator; generator >= 1; generator--) {
    let discriminator = Math.max(1, Math.min(batch.discriminator, Math.round((generator * batch.discriminator) / batch.generator)));
    while (discriminator > 0 && !valid(discriminator)) discriminator--;
    if (discriminator === 0) continue;
    const candidate = { ...batch, generator, discriminator };
    if (stepMemory(nets, candidate, c).bytes <= limitBytes) return candidate;
  }
  return undefined;
}

/** What one stage's iteration needs on a backend, and whether it fits. */
export interface MemoryVerdict {
  readonly stage: GameStage;
  readonly estimate: StepMemory;
  readonly batch: BatchDef;
  readonly limitBytes: number;
  readonly fits: boolean;
  /** When it does not fit: the largest batch that does (undefined: none). */
  readonly largest?: BatchDef;
}

/** The check before a stage's first step, decided from counts alone (the caller supplies the limit). */
export function memoryVerdict(nets: GameNetworks, stage: GameStage, batch: BatchDef, c: MemoryCalibration, limitBytes: number): MemoryVerdict {
  const estimate = stepMemory(nets, batch, c);
  const fits = estimate.bytes <= limitBytes;
  if (fits) return { stage, estimate, batch, limitBytes, fits };
  const largest = largestFittingBatch(nets, batch, c, limitBytes, stage);
  return { stage, estimate, batch, limitBytes, fits, ...(largest ? { largest } : {}) };
}

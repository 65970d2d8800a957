import type { ResolvedSpec } from '../spec/types.js';
import { autoganDiscriminator } from './autogan.js';
import { autoganCost, networkCost, type NetworkCost } from './count.js';
import type { Genotype } from './genotype.js';
import { buildSpace, type SpaceModel } from './space.js';

export interface Inspection {
  readonly search: { readonly generator: NetworkCost; readonly discriminator: NetworkCost };
  readonly train?: { readonly generator: NetworkCost; readonly discriminator: NetworkCost };
}

/** The space at the re-training widths (the derived networks are built from it). */
export const trainSpace = (spec: ResolvedSpec): SpaceModel =>
  buildSpace(spec, { generator: spec.train.generator.channels, discriminator: spec.train.discriminator.channels });

/**
 * Parameters and multiply-accumulates of the super-networks at search widths and, when a
 * genotype is known, of the networks re-trained from it.
 */
export function inspect(spec: ResolvedSpec, space: SpaceModel, genotype?: Genotype): Inspection {
  const search = { generator: networkCost(space.generator), discriminator: networkCost(space.discriminator) };
  if (!genotype?.generator) return { search };
  const trained = trainSpace(spec);
  const d = spec.train.discriminator;
  const discriminator =
    d.type === 'autogan'
      ? autoganCost(autoganDiscriminator(spec.data.imageSize, spec.data.channels, d.channels))
      : genotype.discriminator
        ? networkCost(trained.discriminator, genotype.discriminator)
        : undefined;
  if (!discriminator) return { search };
  return { search, train: { generator: networkCost(trained.generator, genotype.generator), discriminator } };
}

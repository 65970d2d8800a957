import type { ResolvedSpec } from '../spec/types.js';
import { autoganDiscriminator } from './autogan.js';
import { autoganActivations, networkActivations } from './activations.js';
import { autoganCost, networkCost, type NetworkCost } from './count.js';
import type { Genotype, NetworkGenotype } from './genotype.js';
import { buildSpace, type NetworkModel, type SpaceModel } from './space.js';

/** A network's costs and the activation elements its training forward pass keeps per image (activations.ts). */
export interface NetworkInspection extends NetworkCost {
  readonly activations: number;
}

export interface Inspection {
  readonly search: { readonly generator: NetworkInspection; readonly discriminator: NetworkInspection };
  readonly train?: { readonly generator: NetworkInspection; readonly discriminator: NetworkInspection };
}

/** The space at the re-training widths (the derived networks are built from it). */
export const trainSpace = (spec: ResolvedSpec): SpaceModel =>
  buildSpace(spec, { generator: spec.train.generator.channels, discriminator: spec.train.discriminator.channels });

/**
 * Parameters, multiply-accumulates and activations per image of the super-networks at search
 * widths and, when a genotype is known, of the networks re-trained from it.
 */
export function inspect(spec: ResolvedSpec, space: SpaceModel, genotype?: Genotype): Inspection {
  const of = (model: NetworkModel, g?: NetworkGenotype): NetworkInspection => ({ ...networkCost(model, g), activations: networkActivations(model, g).total });
  const search = { generator: of(space.generator), discriminator: of(space.discriminator) };
  if (!genotype?.generator) return { search };
  const trained = trainSpace(spec);
  const d = spec.train.discriminator;
  const autogan = d.type === 'autogan' ? autoganDiscriminator(spec.data.imageSize, spec.data.channels, d.channels) : undefined;
  const discriminator = autogan
    ? { ...autoganCost(autogan), activations: autoganActivations(autogan).total }
    : genotype.discriminator
      ? of(trained.discriminator, genotype.discriminator)
      : undefined;
  if (!discriminator) return { search };
  return { search, train: { generator: of(trained.generator, genotype.generator), discriminator } };
}

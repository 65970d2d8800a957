import { autoganDiscriminator } from '../nas/autogan.js';
import type { Genotype } from '../nas/genotype.js';
import { trainSpace } from '../nas/inspect.js';
import { Generator } from '../ml/nets/generator.js';
import { derivedGenerator } from '../run/stages/train.js';
import type { ResolvedSpec } from '../spec/types.js';
import { Random } from '../util/random.js';
import { autoganNaming } from './discriminatorNames.js';
import { generatorNaming } from './generatorNames.js';
import { toReferenceLayout } from './layout.js';
import { GENOTYPE_METADATA, type Naming } from './match.js';
import type { TensorToWrite } from './safetensors.js';

/**
 * The spec's derived generator holding `values` (dsl names: weights and batch-norm statistics).
 * Every variable must be given: a generator half initialised would sample plausible nonsense.
 */
export function generatorWithWeights(spec: ResolvedSpec, genotype: Genotype, values: ReadonlyMap<string, Float32Array>): Generator {
  const generator = derivedGenerator(spec, genotype, new Random(0));
  try {
    const missing = generator.params.list().filter((p) => !values.has(p.name) && !p.name.endsWith('.sn_u') && !p.name.endsWith('.sn_v'));
    if (missing.length) throw new Error(`the weights lack ${missing.map((p) => p.name).join(', ')}`);
    const known = new Set(generator.params.list().map((p) => p.name));
    generator.params.write(new Map([...values].filter(([name]) => known.has(name))));
    return generator;
  } catch (error) {
    generator.dispose();
    throw error;
  }
}

export interface ExportOptions {
  readonly naming: Naming;
  /** What the authors' batch norms would count as num_batches_tracked (training iterations). */
  readonly batches: number;
}

/**
 * The generator's tensors as a state dict: in the authors' naming every key their
 * Generator(args, genotype).state_dict() has, in its order of registration as far as the
 * mapping lists it (the tensor registered twice is written under both keys), with int64
 * num_batches_tracked; in dsl's naming, dsl's names and layouts. The metadata records the
 * genotype, so that loading it into another genotype is caught edge by edge.
 */
export function generatorStateDict(spec: ResolvedSpec, genotype: Genotype, values: ReadonlyMap<string, Float32Array>, options: ExportOptions): { tensors: [string, TensorToWrite][]; metadata: Record<string, string> } {
  const model = trainSpace(spec).generator;
  const names = generatorNaming(model, genotype.generator!);
  const tensors: [string, TensorToWrite][] = [];
  for (const entry of names.entries) {
    const data = values.get(entry.dsl);
    if (!data) throw new Error(`the weights have no ${entry.dsl}`);
    if (options.naming === 'dsl') {
      tensors.push([entry.dsl, { dtype: 'F32', shape: entry.dslShape, data }]);
      continue;
    }
    const converted = toReferenceLayout(entry, data);
    for (const key of entry.reference) tensors.push([key, { dtype: 'F32', shape: entry.referenceShape, data: converted }]);
    if (entry.dsl.endsWith('.running_var')) {
      const counter = names.counters.find((c) => c.startsWith(entry.reference[0]!.replace(/running_var$/, '')));
      if (counter) tensors.push([counter, { dtype: 'I64', shape: [], data: BigInt64Array.of(BigInt(options.batches)) }]);
    }
  }
  return { tensors, metadata: { format: 'pt', [GENOTYPE_METADATA]: JSON.stringify(genotype.generator) } };
}

/** AutoGAN's discriminator as a state dict: the authors' Discriminator keys (spectral norm: weight_orig, weight_u, weight_v) or dsl's. */
export function discriminatorStateDict(spec: ResolvedSpec, values: ReadonlyMap<string, Float32Array>, naming: Naming): [string, TensorToWrite][] {
  const d = spec.train.discriminator;
  const entries = autoganNaming(autoganDiscriminator(spec.data.imageSize, spec.data.channels, d.channels), d.spectralNorm);
  return entries.map((entry): [string, TensorToWrite] => {
    const data = values.get(entry.dsl);
    if (!data) throw new Error(`the discriminator's weights have no ${entry.dsl}`);
    return naming === 'dsl' ? [entry.dsl, { dtype: 'F32', shape: entry.dslShape, data }] : [entry.reference[0]!, { dtype: 'F32', shape: entry.referenceShape, data: toReferenceLayout(entry, data) }];
  });
}

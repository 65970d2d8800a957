import { readFileSync } from 'node:fs';
import { compile } from '../compile/graph.js';
import { readCheckpoint } from '../io/checkpoint.js';
import { fileContext } from '../io/hash.js';
import { nodeSpecHost } from '../io/specHost.js';
import type { Genotype } from '../nas/genotype.js';
import { trainSpace } from '../nas/inspect.js';
import type { SpaceModel } from '../nas/space.js';
import { FILES, storedGenotype } from '../run/artifacts.js';
import { openStore } from '../run/store.js';
import { loadGenotypeFile } from '../spec/genotypeFile.js';
import type { ResolvedSpec } from '../spec/types.js';
import { readGeneratorWeights, weightsError, WeightsError } from './weightsFile.js';

/** The generator a spec has trained (or been given): genotype, dsl-named values, where they came from. */
export interface TrainedWeights {
  readonly genotype: Genotype;
  readonly values: ReadonlyMap<string, Float32Array>;
  readonly source: string;
  /** Training iterations behind the weights (0 for given ones). */
  readonly iterations: number;
}

/**
 * The EMA generator of the spec's completed train stage; or, before that stage has run,
 * the weights of `train.from` read into the genotype of `derive.from` (or of a completed
 * derive stage). `where` locates train.from in the spec for messages.
 */
export function trainedWeights(spec: ResolvedSpec, space: SpaceModel, where: string): TrainedWeights {
  const graph = compile(spec, space, fileContext);
  const train = graph.stages.find((s) => s.name === 'train')!;
  const store = openStore(spec.runtime.outDir, spec.name);
  if (store.state('train', train.fingerprint) === 'complete') {
    const dir = store.stageDir('train', train.fingerprint);
    const saved = readCheckpoint(dir, FILES.generator);
    if (saved) {
      const state = saved.state as { genotype: Genotype; iterations?: number };
      return { genotype: state.genotype, values: saved.tensors, source: `${dir}/${FILES.generator}`, iterations: state.iterations ?? 0 };
    }
  }
  const from = spec.train.from;
  if (from === undefined) {
    throw new WeightsError(`the train stage of \`${spec.name}\` has not run with this configuration, so there is no trained generator`, 'run `dsl run <spec> --until train` first, or set train.from to a weights file');
  }
  const genotype = knownGenotype(spec, space);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(from);
  } catch {
    throw new WeightsError(`${where}: train.from names ${from}, which cannot be read`);
  }
  const read = readGeneratorWeights(bytes, from, trainSpace(spec).generator, genotype.generator!);
  if (!read.values) throw weightsError(where, from, read.problems);
  return { genotype, values: read.values, source: from, iterations: 0 };
}

function knownGenotype(spec: ResolvedSpec, space: SpaceModel): Genotype {
  const from = spec.derive.from;
  if (from !== undefined) {
    const loaded = loadGenotypeFile(from, nodeSpecHost, space);
    if (loaded.genotype?.generator) return loaded.genotype;
  }
  const stored = storedGenotype(spec)?.genotype;
  if (stored?.generator) return stored;
  throw new WeightsError(`train.from gives weights, but the genotype they belong to is not known yet`, 'set derive.from to the genotype file, or run `dsl run <spec> --until derive` first');
}

/** The discriminator the spec's completed train stage ended with (its checkpoint keeps the final state). */
export function trainedDiscriminator(spec: ResolvedSpec, space: SpaceModel): { values: ReadonlyMap<string, Float32Array>; source: string } {
  if (spec.train.from !== undefined) throw new WeightsError('train.from gives the generator only: there is no trained discriminator to export', 'export the discriminator of a spec whose train stage trained it');
  if (spec.train.discriminator.type !== 'autogan') throw new WeightsError('only AutoGAN\'s discriminator (train.discriminator.type: autogan) has the authors\' naming', 'use the autogan discriminator, or export the generator');
  const graph = compile(spec, space, fileContext);
  const train = graph.stages.find((s) => s.name === 'train')!;
  const store = openStore(spec.runtime.outDir, spec.name);
  const dir = store.stageDir('train', train.fingerprint);
  const saved = store.state('train', train.fingerprint) === 'complete' ? readCheckpoint(dir) : undefined;
  if (!saved) throw new WeightsError(`the train stage of \`${spec.name}\` has not run with this configuration, so there is no trained discriminator`, 'run `dsl run <spec> --until train` first');
  const prefix = 'discriminator/';
  const values = new Map([...saved.tensors].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
  return { values, source: `${dir}/checkpoint.bin` };
}

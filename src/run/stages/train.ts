import { readFileSync } from 'node:fs';
import { readGeneratorWeights, weightsError } from '../../interop/weightsFile.js';
import { join } from 'node:path';
import { writeCheckpoint } from '../../io/checkpoint.js';
import { autoganDiscriminator } from '../../nas/autogan.js';
import type { Genotype } from '../../nas/genotype.js';
import { trainSpace } from '../../nas/inspect.js';
import { AutoganDiscriminator } from '../../ml/nets/autoganDiscriminator.js';
import { EVAL } from '../../ml/nets/context.js';
import { Discriminator } from '../../ml/nets/discriminator.js';
import { Generator } from '../../ml/nets/generator.js';
import { AdversarialGame } from '../../ml/train/gan.js';
import type { ResolvedSpec } from '../../spec/types.js';
import { Random } from '../../util/random.js';
import { FILES } from '../artifacts.js';
import { trainingData } from '../data.js';
import { StageError } from '../errors.js';
import { gameSettings, loopSchedule, loopSummary, runAdversarialLoop } from './adversarialLoop.js';
import type { StageRunner } from './context.js';
import { renderWithEma } from './render.js';

/** The re-trained generator of a spec: the derived network at the training width. */
export function derivedGenerator(spec: ResolvedSpec, genotype: Genotype, random: Random): Generator {
  if (!genotype.generator) throw new StageError('the genotype has no generator to re-train');
  const space = trainSpace(spec);
  return new Generator({ ...space.generator, init: spec.train.generator.init }, random, genotype.generator);
}

/**
 * Re-training of the derived generator from scratch against the spec's discriminator (AutoGAN's
 * fixed one, or the derived one): the search loop without architecture steps. Artifacts:
 * generator.bin (EMA weights and batch-norm statistics, for evaluation), samples/, and
 * checkpoint.bin with the full final state.
 */
export const runTrain: StageRunner = async (ctx) => {
  if (ctx.spec.train.from !== undefined) return useGivenWeights(ctx, ctx.spec.train.from);
  const { spec } = ctx;
  const t = spec.train;
  const random = new Random(spec.runtime.seed).fork('train');
  const genotype = JSON.parse(readFileSync(join(ctx.inputs.derive!, FILES.genotype), 'utf8')) as Genotype;
  const dataset = await trainingData(spec);
  const generator = derivedGenerator(spec, genotype, random.fork('init/generator'));
  const d = t.discriminator;
  const discriminator =
    d.type === 'autogan'
      ? new AutoganDiscriminator(autoganDiscriminator(spec.data.imageSize, spec.data.channels, d.channels), random.fork('init/discriminator'), { init: d.init, spectralNorm: d.spectralNorm })
      : new Discriminator({ ...trainSpace(spec).discriminator, init: d.init, spectralNorm: d.spectralNorm }, random.fork('init/discriminator'), genotypeOf(genotype));
  const game = new AdversarialGame({ net: generator }, { net: discriminator }, gameSettings(t, generator.model.latentDim));
  try {
    const result = await runAdversarialLoop({
      ctx,
      game,
      stores: { generator: generator.params, discriminator: discriminator.params },
      dataset,
      ...loopSchedule(t),
      random,
      latentDim: generator.model.latentDim,
      render: (z) => renderWithEma(game, z, (input) => generator.forward(input, EVAL)),
    });
    const weights = new Map([...(await game.ema.read()), ...(await generator.params.read('buffer'))]);
    writeCheckpoint(ctx.dir, { state: { genotype, iterations: result.clock.totalIterations }, tensors: weights }, FILES.generator);
    return loopSummary(result, generator, discriminator);
  } finally {
    game.dispose();
    generator.dispose();
    discriminator.dispose();
  }
};

/**
 * `train.from`: the given weights, checked against the derived generator (after a search,
 * this is the first time the genotype is known), become generator.bin as training would
 * have left it, so evaluation and `dsl sample` read them the same way.
 */
async function useGivenWeights(ctx: Parameters<StageRunner>[0], file: string): Promise<Record<string, unknown>> {
  const genotype = JSON.parse(readFileSync(join(ctx.inputs.derive!, FILES.genotype), 'utf8')) as Genotype;
  if (!genotype.generator) throw new StageError('the genotype has no generator to read weights into');
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch {
    throw new StageError(`train.from names ${file}, which cannot be read`);
  }
  const read = readGeneratorWeights(bytes, file, trainSpace(ctx.spec).generator, genotype.generator);
  if (!read.values) throw weightsError('train.from', file, read.problems);
  ctx.emit({ type: 'progress', stage: ctx.stage.name, task: `weights from ${file} (${read.naming} naming)`, done: 1, total: 1 });
  writeCheckpoint(ctx.dir, { state: { genotype, iterations: 0, from: file }, tensors: read.values }, FILES.generator);
  return { from: file, naming: read.naming, tensors: read.values.size };
}

function genotypeOf(genotype: Genotype) {
  if (!genotype.discriminator) throw new StageError('train.discriminator is `derived` but the genotype has no discriminator');
  return genotype.discriminator;
}

/**
 * The networks and games the benchmark times, built from the shipped experiment specs exactly as
 * the search and train stages build them (same constructors, same optimizer settings), with
 * synthetic data: a benchmark needs no dataset on disk.
 */
import { nodeSpecHost } from '../io/specHost.js';
import { AutoganDiscriminator } from '../ml/nets/autoganDiscriminator.js';
import { ArchParams, type Relaxation } from '../ml/nets/archParams.js';
import { Discriminator } from '../ml/nets/discriminator.js';
import { Generator } from '../ml/nets/generator.js';
import { tf, type Tensor4D } from '../ml/tf.js';
import { AdversarialGame } from '../ml/train/gan.js';
import { gameSettings } from '../run/stages/adversarialLoop.js';
import { autoganDiscriminator } from '../nas/autogan.js';
import { autoganCost, networkCost } from '../nas/count.js';
import { trainSpace } from '../nas/inspect.js';
import { buildSpace } from '../nas/space.js';
import { loadGenotypeFile } from '../spec/genotypeFile.js';
import type { ResolvedSpec } from '../spec/types.js';
import { Random } from '../util/random.js';
import { FAST_PATH, type FastPath } from '../ml/fastPath.js';
import { experimentFile } from './experiments.js';

export { experimentFile, resolveExperiment } from './experiments.js';

/** A game ready to step, with what one iteration processes and its MAC counts. */
export interface BenchGame {
  readonly game: AdversarialGame;
  readonly real: Tensor4D;
  /** Images per iteration (n_critic 1): the D batch (split into weight and architecture parts), the G batch. */
  readonly batch: { readonly discriminator: number; readonly split: number; readonly generator: number };
  /** Multiply-accumulates per image of each network's forward pass (src/nas/count.ts). */
  readonly macs: { readonly generator: number; readonly discriminator: number };
  readonly parameters: { readonly generator: number; readonly discriminator: number };
  readonly latent: Random;
  readonly relaxation: () => Relaxation;
  readonly search: boolean;
  dispose(): void;
}

function realBatch(n: number, size: number, channels: number, random: Random): Tensor4D {
  return tf.tensor4d(random.fillUniform(new Float32Array(n * size * size * channels), -1, 1), [n, size, size, channels]);
}

/**
 * One search iteration of `spec`'s super-networks at the given widths and batch (n_critic 1,
 * Gumbel weights at tau_max when the spec relaxes with Gumbel-softmax).
 */
export function searchGame(
  spec: ResolvedSpec,
  o: { widths?: { generator: number; discriminator: number }; batch?: number; generatorBatch?: number; seed?: number; fastPath?: FastPath },
): BenchGame {
  const s = spec.search;
  const space = buildSpace(spec, o.widths ?? {});
  const random = new Random(o.seed ?? 1);
  const fastPath = o.fastPath ?? FAST_PATH;
  const generator = new Generator(space.generator, random.fork('g'), undefined, { fastPath });
  const discriminator = new Discriminator(space.discriminator, random.fork('d'), undefined, { fastPath });
  const alphas = new ArchParams(space.generator, random.fork('alphas'));
  const betas = new ArchParams(space.discriminator, random.fork('betas'));
  const batch = { discriminator: o.batch ?? s.batch.discriminator, split: s.batch.split, generator: o.generatorBatch ?? s.batch.generator };
  const game = new AdversarialGame({ net: generator, arch: alphas }, { net: discriminator, arch: betas }, {
    // The stage's settings, at n_critic 1 (the bench times whole iterations) and the bench's G batch.
    ...gameSettings(s, space.generator.latentDim),
    nCritic: 1,
    generatorBatch: batch.generator,
    fastPath,
  });
  const gumbel = random.fork('gumbel');
  const relaxation = s.relaxation;
  const real = realBatch(batch.discriminator, spec.data.imageSize, spec.data.channels, random.fork('real'));
  return {
    game,
    real,
    batch,
    macs: { generator: networkCost(space.generator).macs, discriminator: networkCost(space.discriminator).macs },
    parameters: { generator: generator.parameterCount, discriminator: discriminator.parameterCount },
    latent: random.fork('latent'),
    relaxation: () => (relaxation.type === 'gumbel' ? { type: 'gumbel', tau: relaxation.tauMax, random: gumbel } : { type: 'softmax' }),
    search: true,
    dispose() {
      real.dispose();
      game.dispose();
      for (const n of [generator, discriminator, alphas, betas]) n.dispose();
    },
  };
}

/**
 * One re-training iteration (n_critic 1) of the derived generator of `genotypeFile` against the
 * spec's AutoGAN discriminator, at the spec's training widths and batches.
 */
export function trainGame(spec: ResolvedSpec, genotypeName: string, o: { seed?: number; fastPath?: FastPath; batch?: number; generatorBatch?: number } = {}): BenchGame {
  const t = spec.train;
  const space = trainSpace(spec);
  const loaded = loadGenotypeFile(experimentFile(genotypeName), nodeSpecHost, space);
  const genotype = loaded.genotype?.generator;
  if (!genotype) throw new Error(`${genotypeName}: no generator genotype (${loaded.problems.map((p) => p.message).join('; ')})`);
  if (t.discriminator.type !== 'autogan') throw new Error('the training benchmark expects an AutoGAN discriminator');
  const random = new Random(o.seed ?? 2);
  const fastPath = o.fastPath ?? FAST_PATH;
  const generator = new Generator({ ...space.generator, init: t.generator.init }, random.fork('g'), genotype, { fastPath });
  const dModel = autoganDiscriminator(spec.data.imageSize, spec.data.channels, t.discriminator.channels);
  const discriminator = new AutoganDiscriminator(dModel, random.fork('d'), { init: t.discriminator.init, spectralNorm: t.discriminator.spectralNorm, fastPath });
  const batch = { discriminator: o.batch ?? t.batch.discriminator, split: t.batch.split, generator: o.generatorBatch ?? t.batch.generator };
  const game = new AdversarialGame({ net: generator }, { net: discriminator }, {
    // The stage's settings, at n_critic 1 (the bench times whole iterations) and the bench's G batch.
    ...gameSettings(t, space.generator.latentDim),
    nCritic: 1,
    generatorBatch: batch.generator,
    fastPath,
  });
  const real = realBatch(batch.discriminator, spec.data.imageSize, spec.data.channels, random.fork('real'));
  return {
    game,
    real,
    batch,
    macs: { generator: networkCost(space.generator, genotype).macs, discriminator: autoganCost(dModel).macs },
    parameters: { generator: generator.parameterCount, discriminator: discriminator.parameterCount },
    latent: random.fork('latent'),
    relaxation: () => ({ type: 'softmax' }),
    search: false,
    dispose() {
      real.dispose();
      game.dispose();
      generator.dispose();
      discriminator.dispose();
    },
  };
}

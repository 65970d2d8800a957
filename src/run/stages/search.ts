import { writeFileAtomic } from '../../io/atomicWrite.js';
import { join } from 'node:path';
import { ArchParams } from '../../ml/nets/archParams.js';
import { EVAL } from '../../ml/nets/context.js';
import { Discriminator } from '../../ml/nets/discriminator.js';
import { Generator } from '../../ml/nets/generator.js';
import { AdversarialGame } from '../../ml/train/gan.js';
import { snapshotInterval } from '../../ml/train/schedule.js';
import { Random } from '../../util/random.js';
import { FILES } from '../artifacts.js';
import { trainingData } from '../data.js';
import { gameSettings, loopSchedule, loopSummary, runAdversarialLoop } from './adversarialLoop.js';
import type { StageRunner } from './context.js';
import { renderWithEma } from './render.js';

/**
 * The adversarial architecture search: both super-networks, their architecture parameters,
 * the AdversarialNAS game over the spec's schedule. Artifacts: alphas.json (final raw
 * architecture parameters), alpha-history.jsonl (snapshots), samples/, and checkpoint.bin,
 * which at the end holds the final super-networks (weights, EMA, optimizer state).
 */
export const runSearch: StageRunner = async (ctx) => {
  const { spec, space } = ctx;
  const s = spec.search;
  const random = new Random(spec.runtime.seed).fork('search');
  const dataset = await trainingData(spec);
  const generator = new Generator(space.generator, random.fork('init/generator'));
  const discriminator = new Discriminator(space.discriminator, random.fork('init/discriminator'));
  const alphas = new ArchParams(space.generator, random.fork('init/alphas'));
  const betas = new ArchParams(space.discriminator, random.fork('init/betas'));
  const game = new AdversarialGame({ net: generator, arch: alphas }, { net: discriminator, arch: betas }, gameSettings(s, space.generator.latentDim));
  try {
    const stores = { generator: generator.params, discriminator: discriminator.params, alphas: alphas.params, betas: betas.params };
    const clock = Math.ceil(dataset.size / s.batch.discriminator);
    const result = await runAdversarialLoop({
      ctx,
      game,
      stores,
      dataset,
      ...loopSchedule(s),
      relaxation: s.relaxation,
      snapshots: {
        every: snapshotInterval(s.snapshots, clock),
        capture: async () => ({ generator: await alphas.read(), discriminator: await betas.read() }),
      },
      random,
      latentDim: space.generator.latentDim,
      render: (z) => renderWithEma(game, z, (input) => generator.forward(input, EVAL, alphas.weights({ type: 'softmax' }))),
    });
    const final = { generator: await alphas.read(), discriminator: await betas.read() };
    writeFileAtomic(join(ctx.dir, FILES.alphas), `${JSON.stringify(final)}\n`);
    return loopSummary(result, generator, discriminator);
  } finally {
    game.dispose();
    for (const n of [generator, discriminator, alphas, betas]) n.dispose();
  }
};

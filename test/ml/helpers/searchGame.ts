import { expect } from 'vitest';
import { ArchParams } from '../../../src/ml/nets/archParams.js';
import { Discriminator } from '../../../src/ml/nets/discriminator.js';
import { Generator } from '../../../src/ml/nets/generator.js';
import { tf } from '../../../src/ml/tf.js';
import { AdversarialGame, type StepLosses } from '../../../src/ml/train/gan.js';
import { Random } from '../../../src/util/random.js';
import { useBackend, type TestBackend } from './backends.js';
import { SMALL } from './supernetPass.js';

const { space } = SMALL;

/** Two search iterations from the same seeds: the losses of each, and the architecture parameters after. */
export async function searchGame(backend: TestBackend) {
  await useBackend(backend);
  const g = new Generator(space.generator, new Random(1));
  const d = new Discriminator(space.discriminator, new Random(2));
  const alphas = new ArchParams(space.generator, new Random(3));
  const betas = new ArchParams(space.discriminator, new Random(4));
  const settings = { latentDim: 12, nCritic: 1, split: 0.5, generatorBatch: 2, ema: 0.999, optimizers: SMALL.spec.search.optimizers };
  const play = new AdversarialGame({ net: g, arch: alphas }, { net: d, arch: betas }, settings);
  const real = tf.tensor4d(new Random(5).fillUniform(new Float32Array(4 * 32 * 32 * 3), -1, 1), [4, 32, 32, 3]);
  const latent = new Random(6);
  const gumbel = new Random(7);
  const losses: StepLosses[] = [];
  const before = tf.memory().numTensors;
  for (let i = 0; i < 2; i++) losses.push(await play.step(real, i, latent, () => ({ type: 'gumbel', tau: 5, random: gumbel })));
  const counts = tf.memory().numTensors - before;
  const arch = [...(await alphas.read()), ...(await betas.read())].flatMap((rows) => rows.flatMap((r) => Array.from(r)));
  const weights = (await g.params.read('weight')) as Map<string, Float32Array>;
  real.dispose();
  play.dispose();
  for (const n of [g, d, alphas, betas]) n.dispose();
  return { losses, arch, weights, counts };
}

export const maxRelative = (a: readonly number[], b: readonly number[]) => {
  expect(a).toHaveLength(b.length);
  const scale = Math.max(1e-6, ...b.map(Math.abs));
  return Math.max(0, ...a.map((x, i) => Math.abs(x - b[i]!))) / scale;
};


import { describe, expect, it } from 'vitest';
import { ArchParams } from '../../../src/ml/nets/archParams.js';
import { TRAINING } from '../../../src/ml/nets/context.js';
import { Discriminator } from '../../../src/ml/nets/discriminator.js';
import { Generator } from '../../../src/ml/nets/generator.js';
import { tf, type Tensor2D } from '../../../src/ml/tf.js';
import { AdversarialGame } from '../../../src/ml/train/gan.js';
import { discriminatorHinge } from '../../../src/ml/train/losses.js';
import { Random } from '../../../src/util/random.js';
import { experiment, resolveValid } from '../../helpers/specs.js';
import { useBackend, type TestBackend } from '../helpers/backends.js';

const small = resolveValid(experiment('cifar10.yaml'), ['searchSpace.generator.channels=4', 'searchSpace.discriminator.channels=4', 'searchSpace.generator.latent.dim=12']);
const { space } = small;

/** One forward and backward pass of both super-networks, everything read back to arrays. */
async function passOn(backend: TestBackend) {
  await useBackend(backend);
  const g = new Generator(space.generator, new Random(11));
  const d = new Discriminator(space.discriminator, new Random(12));
  const alphas = new ArchParams(space.generator, new Random(13));
  const betas = new ArchParams(space.discriminator, new Random(14));
  const z = tf.tensor2d(new Random(15).fillNormal(new Float32Array(4 * 12)), [4, 12]) as Tensor2D;
  const real = tf.tensor4d(new Random(16).fillUniform(new Float32Array(4 * 32 * 32 * 3), -1, 1), [4, 32, 32, 3]);
  const vars = [...betas.params.list('arch'), ...alphas.params.list('arch'), ...d.params.list('weight').slice(0, 6), ...g.params.list('weight').slice(0, 6)];
  const { value, grads } = tf.variableGrads(() => {
    const fake = g.forward(z, TRAINING, alphas.weights({ type: 'softmax' }));
    return discriminatorHinge(d.forward(real, TRAINING, betas.weights({ type: 'softmax' })), d.forward(fake, TRAINING, betas.weights({ type: 'softmax' })));
  }, vars.map((v) => v.variable));
  const image = tf.tidy(() => g.forward(z, TRAINING, alphas.weights({ type: 'softmax' })));
  const out = {
    loss: (await value.data())[0]!,
    image: Array.from(await image.data()),
    grads: await Promise.all(vars.map(async (v) => Array.from(await grads[v.variable.name]!.data()))),
  };
  tf.dispose([value, image, z, real, ...Object.values(grads)]);
  for (const n of [g, d, alphas, betas]) n.dispose();
  return out;
}

const maxRelative = (a: number[], b: number[]) => {
  const scale = Math.max(1e-6, ...b.map(Math.abs));
  return Math.max(...a.map((x, i) => Math.abs(x - b[i]!))) / scale;
};

describe('super-networks at a small width', () => {
  it('run forward and backward on cpu and wasm with the same results', async () => {
    const cpu = await passOn('cpu');
    const wasm = await passOn('wasm');
    expect(cpu.image).toHaveLength(4 * 32 * 32 * 3);
    expect(cpu.image.every((v) => v >= -1 && v <= 1)).toBe(true); // tanh head
    expect(Math.abs(cpu.loss - wasm.loss)).toBeLessThan(1e-4);
    expect(maxRelative(wasm.image, cpu.image)).toBeLessThan(1e-4);
    cpu.grads.forEach((g, i) => {
      expect(g.some((v) => v !== 0), `gradient ${i} is all zero`).toBe(true);
      expect(maxRelative(wasm.grads[i]!, g), `gradient ${i}`).toBeLessThan(1e-3);
    });
  });

  it('a search iteration leaks no tensors and keeps architecture parameters apart from weights', async () => {
    await useBackend('wasm');
    const g = new Generator(space.generator, new Random(1));
    const d = new Discriminator(space.discriminator, new Random(2));
    const alphas = new ArchParams(space.generator, new Random(3));
    const betas = new ArchParams(space.discriminator, new Random(4));
    expect(alphas.params.list('arch').map((p) => p.variable.shape)).toEqual([[2, 3], [5, 7], [2, 3], [5, 7], [2, 3], [5, 7]]);
    expect(g.params.list('arch')).toEqual([]);
    const game = new AdversarialGame({ net: g, arch: alphas }, { net: d, arch: betas }, { latentDim: 12, nCritic: 1, split: 0.5, generatorBatch: 4, ema: 0.999, optimizers: small.spec.search.optimizers });
    const real = tf.tensor4d(new Random(5).fillUniform(new Float32Array(8 * 32 * 32 * 3), -1, 1), [8, 32, 32, 3]);
    const latent = new Random(6);
    const gumbel = new Random(7);
    const before = (await alphas.read())[0]![0]!.slice();
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const losses = await game.step(real, i, latent, () => ({ type: 'gumbel', tau: 5, random: gumbel }));
      expect(Object.keys(losses).sort()).toEqual(['dArchLoss', 'dLoss', 'gArchLoss', 'gLoss']);
      counts.push(tf.memory().numTensors);
    }
    expect(counts[2]).toBe(counts[1]);
    expect((await alphas.read())[0]![0]).not.toEqual(before);
    real.dispose();
    game.dispose();
    for (const n of [g, d, alphas, betas]) n.dispose();
  });
});

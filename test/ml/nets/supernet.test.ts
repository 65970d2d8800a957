import { describe, expect, it } from 'vitest';
import { ArchParams } from '../../../src/ml/nets/archParams.js';
import { Discriminator } from '../../../src/ml/nets/discriminator.js';
import { Generator } from '../../../src/ml/nets/generator.js';
import { tf } from '../../../src/ml/tf.js';
import { AdversarialGame } from '../../../src/ml/train/gan.js';
import { Random } from '../../../src/util/random.js';
import { SMALL, supernetPass } from '../helpers/supernetPass.js';
import { useBackend } from '../helpers/backends.js';

const small = SMALL;
const { space } = small;

const maxRelative = (a: number[], b: number[]) => {
  const scale = Math.max(1e-6, ...b.map(Math.abs));
  return Math.max(...a.map((x, i) => Math.abs(x - b[i]!))) / scale;
};

describe('super-networks at a small width', () => {
  it('run forward and backward on cpu and wasm with the same results', async () => {
    const cpu = await supernetPass('cpu', { batch: 4, weightsPerNet: 6 });
    const wasm = await supernetPass('wasm', { batch: 4, weightsPerNet: 6 });
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

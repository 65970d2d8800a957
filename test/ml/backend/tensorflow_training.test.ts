/**
 * Same networks, same results on native TensorFlow: both super-networks forward and backward,
 * and two iterations of the AdversarialNAS search game (architecture and weight steps, Adam,
 * EMA), on wasm and tensorflow from the same seeds. Where `dsl setup tensorflow` has not run:
 * skipped with the reason in the name, or a failure under CI=true (CI installs it).
 */
import { describe, expect, it } from 'vitest';
import { ArchParams } from '../../../src/ml/nets/archParams.js';
import { Discriminator } from '../../../src/ml/nets/discriminator.js';
import { Generator } from '../../../src/ml/nets/generator.js';
import { tf } from '../../../src/ml/tf.js';
import { AdversarialGame, type StepLosses } from '../../../src/ml/train/gan.js';
import { Random } from '../../../src/util/random.js';
import { SMALL, supernetPass } from '../helpers/supernetPass.js';
import { useBackend, type TestBackend } from '../helpers/backends.js';
import { TENSORFLOW, tensorflowRequiredButMissing } from '../helpers/tensorflow.js';

const small = SMALL;
const { space } = small;

/** Two search iterations from the same seeds: the losses of each, and the architecture parameters after. */
async function game(backend: TestBackend) {
  await useBackend(backend);
  const g = new Generator(space.generator, new Random(1));
  const d = new Discriminator(space.discriminator, new Random(2));
  const alphas = new ArchParams(space.generator, new Random(3));
  const betas = new ArchParams(space.discriminator, new Random(4));
  const settings = { latentDim: 12, nCritic: 1, split: 0.5, generatorBatch: 2, ema: 0.999, optimizers: small.spec.search.optimizers };
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

const maxRelative = (a: readonly number[], b: readonly number[]) => {
  expect(a).toHaveLength(b.length);
  const scale = Math.max(1e-6, ...b.map(Math.abs));
  return Math.max(0, ...a.map((x, i) => Math.abs(x - b[i]!))) / scale;
};

const title = TENSORFLOW.available || tensorflowRequiredButMissing() ? 'super-networks on tensorflow' : `super-networks on tensorflow (skipped: ${TENSORFLOW.reason})`;

describe.skipIf(!TENSORFLOW.available && !tensorflowRequiredButMissing())(title, () => {
  it('is installed (CI runs `dsl setup tensorflow` first)', () => {
    expect(TENSORFLOW.reason).toBe('');
  });

  it('forward and backward match wasm', async () => {
    const wasm = await supernetPass('wasm', { batch: 2 });
    const native = await supernetPass('tensorflow', { batch: 2 });
    expect(Math.abs(native.loss - wasm.loss)).toBeLessThan(1e-4);
    expect(maxRelative(native.image, wasm.image)).toBeLessThan(1e-4);
    expect(wasm.grads.filter((g) => g.some((v) => v !== 0)).length).toBeGreaterThan(wasm.grads.length / 2);
    wasm.grads.forEach((g, i) => expect(maxRelative(native.grads[i]!, g), `gradient ${i}`).toBeLessThan(1e-3));
  }, 120_000);

  it('two AdversarialGame search iterations give the losses, architecture and weights of wasm, and leak nothing', async () => {
    const wasm = await game('wasm');
    const native = await game('tensorflow');
    expect(native.losses.map((l) => Object.keys(l).sort())).toEqual(wasm.losses.map((l) => Object.keys(l).sort()));
    native.losses.forEach((l, i) => {
      for (const [k, v] of Object.entries(l)) {
        const w = wasm.losses[i]![k as keyof StepLosses]!;
        expect(Math.abs(v - w) / Math.max(1, Math.abs(w)), `iteration ${i} ${k}`).toBeLessThan(1e-3);
      }
    });
    expect(maxRelative(native.arch, wasm.arch)).toBeLessThan(1e-3);
    for (const [name, w] of wasm.weights) expect(maxRelative(Array.from(native.weights.get(name)!), Array.from(w)), name).toBeLessThan(1e-3);
    expect(native.counts).toBe(wasm.counts);
  }, 120_000);
});

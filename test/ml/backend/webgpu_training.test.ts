/**
 * Same networks, same results on webgpu: both super-networks forward and backward, and a few
 * iterations of the AdversarialNAS game (search: architecture and weight steps, Adam, EMA), on
 * wasm and webgpu from the same seeds. Skipped, with the reason in the name, without an adapter.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { checkWebgpuDevice, releaseBackend } from '../../../src/ml/backend/index.js';
import { ArchParams } from '../../../src/ml/nets/archParams.js';
import { Discriminator } from '../../../src/ml/nets/discriminator.js';
import { Generator } from '../../../src/ml/nets/generator.js';
import { tf } from '../../../src/ml/tf.js';
import { AdversarialGame, type StepLosses } from '../../../src/ml/train/gan.js';
import { Random } from '../../../src/util/random.js';
import { SMALL, supernetPass } from '../helpers/supernetPass.js';
import { useBackend, WEBGPU, type TestBackend } from '../helpers/backends.js';

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

const title = WEBGPU.available ? 'super-networks on webgpu' : `super-networks on webgpu (skipped: ${WEBGPU.reason})`;

describe.skipIf(!WEBGPU.available)(title, () => {
  afterEach(async () => {
    await useBackend('webgpu');
    await checkWebgpuDevice();
  });
  afterAll(() => releaseBackend());

  it('forward and backward match wasm', async () => {
    const wasm = await supernetPass('wasm', { batch: 2 });
    const webgpu = await supernetPass('webgpu', { batch: 2 });
    expect(Math.abs(webgpu.loss - wasm.loss)).toBeLessThan(1e-4);
    expect(maxRelative(webgpu.image, wasm.image)).toBeLessThan(1e-4);
    expect(wasm.grads.filter((g) => g.some((v) => v !== 0)).length).toBeGreaterThan(wasm.grads.length / 2);
    wasm.grads.forEach((g, i) => expect(maxRelative(webgpu.grads[i]!, g), `gradient ${i}`).toBeLessThan(1e-3));
  }, 300_000);

  it('two AdversarialGame search iterations give the losses, architecture and weights of wasm, and leak nothing', async () => {
    const wasm = await game('wasm');
    const webgpu = await game('webgpu');
    expect(webgpu.losses.map((l) => Object.keys(l).sort())).toEqual(wasm.losses.map((l) => Object.keys(l).sort()));
    webgpu.losses.forEach((l, i) => {
      for (const [k, v] of Object.entries(l)) {
        const w = wasm.losses[i]![k as keyof StepLosses]!;
        expect(Math.abs(v - w) / Math.max(1, Math.abs(w)), `iteration ${i} ${k}`).toBeLessThan(1e-3);
      }
    });
    expect(maxRelative(webgpu.arch, wasm.arch)).toBeLessThan(1e-3);
    for (const [name, w] of wasm.weights) expect(maxRelative(Array.from(webgpu.weights.get(name)!), Array.from(w)), name).toBeLessThan(1e-3);
    expect(webgpu.counts).toBe(wasm.counts);
  }, 300_000);
});

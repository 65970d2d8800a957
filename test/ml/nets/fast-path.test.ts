import { expect, it } from 'vitest';
import { FAST_PATH, STRAIGHT_PATH, type FastPath } from '../../../src/ml/fastPath.js';
import { ArchParams, type Relaxation } from '../../../src/ml/nets/archParams.js';
import { TRAINING } from '../../../src/ml/nets/context.js';
import { Discriminator } from '../../../src/ml/nets/discriminator.js';
import { Generator } from '../../../src/ml/nets/generator.js';
import { disposeConstants } from '../../../src/ml/ops/constants.js';
import { createSpectralNormBuffers, spectralNorm } from '../../../src/ml/ops/spectral_norm.js';
import { SpectralNormGroup } from '../../../src/ml/ops/spectral_norm_group.js';
import type { Param } from '../../../src/ml/params.js';
import { tf, type Scalar, type Tensor, type Tensor1D, type Tensor2D, type Tensor4D } from '../../../src/ml/tf.js';
import { Adam } from '../../../src/ml/train/adam.js';
import { discriminatorHinge } from '../../../src/ml/train/losses.js';
import { Random } from '../../../src/util/random.js';
import { experiment, resolveValid } from '../../helpers/specs.js';
import { maxAbs, relativeError } from '../helpers/arrays.js';
import { describeBackends } from '../helpers/backends.js';

/**
 * The fast path (folded mixed edges, grouped spectral norm, fused Adam) computes what the
 * straightforward path computes, up to float32 rounding: outputs, the gradients of the input,
 * of every candidate kernel and bias and of the architecture parameters, the spectral-norm u/v
 * (and batch-norm) buffer updates, and the optimizer step.
 */
const { space } = resolveValid(experiment('cifar10.yaml'), ['searchSpace.generator.channels=4', 'searchSpace.discriminator.channels=4', 'searchSpace.generator.latent.dim=12']);

type Weighting = 'softmax' | 'gumbel';
const relaxation = (w: Weighting, seed: number): (() => Relaxation) => {
  const random = new Random(seed);
  return () => (w === 'softmax' ? { type: 'softmax' } : { type: 'gumbel', tau: 0.7, random });
};

interface Pass {
  readonly loss: number;
  readonly output: Float32Array;
  /** Gradients by name: 'input', weights, architecture parameters. */
  readonly grads: Map<string, Float32Array>;
  /** Buffers after commit (u, v, batch-norm statistics), by name. */
  readonly buffers: Map<string, Float32Array>;
}

async function read(t: Tensor): Promise<Float32Array> {
  return (await t.data()) as Float32Array;
}

/** A pass's loss, output, gradients (the input's and every parameter's) and committed buffers. */
async function collect(
  loss: Tensor,
  output: Tensor,
  inputGrad: Tensor,
  params: readonly Param[],
  grads: Record<string, Tensor>,
  net: { readonly params: { read(kind: 'buffer'): Promise<Map<string, Float32Array>> } },
): Promise<Pass> {
  const paramGrads = await Promise.all(params.map(async (p) => [p.name, await read(grads[p.variable.name]!)] as const));
  return {
    loss: (await read(loss))[0]!,
    output: await read(output),
    grads: new Map([['input', await read(inputGrad)], ...paramGrads]),
    buffers: await net.params.read('buffer'),
  };
}

/** D on a real and a fake batch (two forwards sharing the staged u/v), hinge loss, all gradients. */
async function discriminatorPass(path: FastPath, weighting: Weighting): Promise<Pass> {
  const d = new Discriminator(space.discriminator, new Random(21), undefined, { fastPath: path });
  const betas = new ArchParams(space.discriminator, new Random(22));
  const weights = relaxation(weighting, 23);
  const real = tf.tensor4d(new Random(24).fillUniform(new Float32Array(3 * 32 * 32 * 3), -1, 1), [3, 32, 32, 3]);
  const fake = tf.tensor4d(new Random(25).fillUniform(new Float32Array(3 * 32 * 32 * 3), -1, 1), [3, 32, 32, 3]);
  const params: Param[] = [...d.params.list('weight'), ...betas.params.list('arch')];
  const input = tf.variable(real, true);
  const f = () => {
    const logits = d.forward(input as unknown as Tensor4D, TRAINING, betas.weights(weights()));
    return { logits, loss: discriminatorHinge(logits, d.forward(fake, TRAINING, betas.weights(weights()))) };
  };
  let logits: Tensor | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const r = f();
    logits = tf.keep(r.logits);
    return r.loss as Scalar;
  }, [input, ...params.map((p) => p.variable)]);
  d.commitBuffers();
  const out = await collect(value, logits!, grads[input.name]!, params, grads, d);
  tf.dispose([value, logits!, real, fake, input, ...Object.values(grads)]);
  d.dispose();
  betas.dispose();
  return out;
}

/** G forward (batch-norm in training mode), loss sum(G(z) * r), all gradients. */
async function generatorPass(path: FastPath, weighting: Weighting): Promise<Pass> {
  const g = new Generator(space.generator, new Random(31), undefined, { fastPath: path });
  const alphas = new ArchParams(space.generator, new Random(32));
  const weights = relaxation(weighting, 33);
  const zValue = tf.tensor2d(new Random(34).fillNormal(new Float32Array(3 * 12)), [3, 12]);
  const z = tf.variable(zValue, true);
  const r = tf.tensor4d(new Random(35).fillNormal(new Float32Array(3 * 32 * 32 * 3)), [3, 32, 32, 3]);
  const params: Param[] = [...g.params.list('weight'), ...alphas.params.list('arch')];
  let image: Tensor | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const y = g.forward(z as unknown as Tensor2D, TRAINING, alphas.weights(weights()));
    image = tf.keep(y);
    return tf.sum(tf.mul(y, r)) as Scalar;
  }, [z, ...params.map((p) => p.variable)]);
  g.commitBuffers();
  const out = await collect(value, image!, grads[z.name]!, params, grads, g);
  tf.dispose([value, image!, z, zValue, r, ...Object.values(grads)]);
  g.dispose();
  alphas.dispose();
  return out;
}

function expectSame(fast: Pass, straight: Pass, tolerance: { output: number; grad: number }) {
  expect(Math.abs(fast.loss - straight.loss)).toBeLessThan(tolerance.output * Math.max(1, Math.abs(straight.loss)));
  expect(relativeError(fast.output, straight.output)).toBeLessThan(tolerance.output);
  expect([...fast.grads.keys()].sort()).toEqual([...straight.grads.keys()].sort());
  // Gradients that cancel exactly (the bias of a conv feeding a batch norm, or one whose real
  // and fake hinge terms balance) are float32 residues on both paths, so an absolute term
  // relative to the network's largest gradient joins the relative one, plus a few float32 ulps of
  // one (the cancelling terms are of the loss's order; the GPU sums them in another order).
  const scale = Math.max(...[...straight.grads.values()].map((g) => maxAbs(g)));
  expect(scale).toBeGreaterThan(0);
  for (const [name, g] of straight.grads) {
    const a = fast.grads.get(name)!;
    let worst = 0;
    for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs(a[i]! - g[i]!));
    const limit = tolerance.grad * maxAbs(g) + 1e-5 * scale + 1e-6;
    expect(worst / limit, `gradient of ${name}: max |fast - straight| = ${worst.toExponential(2)}, max |straight| = ${maxAbs(g).toExponential(2)}`).toBeLessThan(1);
  }
  expect([...fast.buffers.keys()].sort()).toEqual([...straight.buffers.keys()].sort());
  for (const [name, b] of straight.buffers) expect(relativeError(fast.buffers.get(name)!, b), `buffer ${name}`).toBeLessThan(tolerance.output);
}

const TOLERANCE = { output: 2e-5, grad: 2e-4 };

describeBackends('fast path equals the straightforward path', () => {
  it.each(['softmax', 'gumbel'] as const)('discriminator super-network, %s weights: outputs, gradients, u/v updates', async (weighting) => {
    disposeConstants();
    const before = tf.memory().numTensors;
    const straight = await discriminatorPass(STRAIGHT_PATH, weighting);
    const fast = await discriminatorPass(FAST_PATH, weighting);
    expectSame(fast, straight, TOLERANCE);
    disposeConstants(); // cached placement matrices and the like are not leaks
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(['softmax', 'gumbel'] as const)('generator super-network, %s weights: outputs, gradients, batch-norm updates', async (weighting) => {
    disposeConstants();
    const before = tf.memory().numTensors;
    const straight = await generatorPass(STRAIGHT_PATH, weighting);
    const fast = await generatorPass(FAST_PATH, weighting);
    expectSame(fast, straight, TOLERANCE);
    disposeConstants();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('folds every edge whose candidates are convolutions (not the up-sampling edges)', () => {
    type WithCells = { cells: { edges: { fold?: unknown; model: { set: string } }[] }[] };
    const count = (net: unknown) => (net as WithCells).cells.flatMap((c) => c.edges).map((e) => ({ folded: e.fold !== undefined, set: e.model.set }));
    const d = new Discriminator(space.discriminator, new Random(1), undefined, { fastPath: FAST_PATH });
    const g = new Generator(space.generator, new Random(2), undefined, { fastPath: FAST_PATH });
    const straight = new Discriminator(space.discriminator, new Random(1), undefined, { fastPath: STRAIGHT_PATH });
    expect(count(d).every((e) => e.folded)).toBe(true);
    expect(count(d)).toHaveLength(28);
    expect(count(g).filter((e) => e.folded).map((e) => e.set)).toEqual(new Array(15).fill('normal'));
    expect(count(g).filter((e) => !e.folded).map((e) => e.set)).toEqual(new Array(6).fill('up'));
    expect(count(straight).some((e) => e.folded)).toBe(false);
    for (const n of [d, g, straight]) n.dispose();
  });

  it('grouped spectral norm: weights/sigma, u, v and the weight gradients of each member', async () => {
    const random = new Random(41);
    const shape = [3, 3, 5, 6];
    const weights = [0, 1, 2].map(() => tf.variable(tf.tensor(random.fillNormal(new Float32Array(3 * 3 * 5 * 6)), shape), true));
    const buffers = weights.map(() => createSpectralNormBuffers(shape, random));
    const r = tf.tensor(random.fillNormal(new Float32Array(3 * 3 * 5 * 6)), shape);
    // Reference: per weight, two training forwards (the second reads the first's u).
    const reference = await Promise.all(
      weights.map(async (w, i) => {
        const first = spectralNorm(w, { u: buffers[i]!.variables.u as Tensor1D, v: buffers[i]!.variables.v as Tensor1D }, { training: true });
        const { value, grads } = tf.variableGrads(() => {
          const second = spectralNorm(w, { u: first.u, v: first.v }, { training: true });
          return tf.sum(tf.mul(second.weight, r)) as Scalar;
        }, [w]);
        const second = tf.tidy(() => {
          const r = spectralNorm(w, { u: first.u, v: first.v }, { training: true });
          return [r.weight, r.u, r.v];
        });
        const out = { weight: await read(second[0]!), u: await read(second[1]!), v: await read(second[2]!), grad: await read(grads[w.name]!) };
        tf.dispose([value, ...Object.values(grads), first.weight, first.sigma, first.u, first.v, ...second]);
        return out;
      }),
    );
    const group = new SpectralNormGroup(weights.map((w, i) => ({ weight: w, buffers: buffers[i]! })));
    tf.tidy(() => group.normalise(true));
    const { value, grads } = tf.variableGrads(() => tf.addN(group.normalise(true).map((n) => tf.sum(tf.mul(tf.reshape(n, shape), r)))) as Scalar, weights);
    const normalised = tf.tidy(() => group.normalise(false));
    for (const [i, ref] of reference.entries()) {
      expect(relativeError(await read(normalised[i]!), ref.weight), `member ${i} weight`).toBeLessThan(1e-5);
      expect(relativeError(await read(grads[weights[i]!.name]!), ref.grad), `member ${i} gradient`).toBeLessThan(1e-4);
    }
    group.commit();
    for (const [i, ref] of reference.entries()) {
      expect(relativeError(await read(buffers[i]!.variables.u), ref.u), `member ${i} u`).toBeLessThan(1e-5);
      expect(relativeError(await read(buffers[i]!.variables.v), ref.v), `member ${i} v`).toBeLessThan(1e-5);
    }
    tf.dispose([value, r, ...normalised, ...Object.values(grads), ...weights]);
    for (const b of buffers) b.dispose();
  });

  it('fused Adam equals the per-parameter PyTorch formula, also when a parameter has no gradient', async () => {
    const random = new Random(51);
    const make = (name: string, shape: number[]) => ({ name, kind: 'weight' as const, variable: tf.variable(tf.tensor(random.fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1))), shape), true) });
    const shapes = { a: [3, 3, 2, 4], b: [4], c: [7, 5] };
    const params = (['a', 'b', 'c'] as const).map((n) => make(n, shapes[n]));
    const copies = params.map((p) => ({ ...p, variable: tf.variable(tf.clone(p.variable), true) }));
    const config = { lr: 3e-4, betas: [0.5, 0.999], eps: 1e-8, weightDecay: 1e-4 } as const;
    const fused = new Adam(params, config, { fused: true, chunkElements: 40 }); // chunks [a], [b, c]
    const plain = new Adam(copies, config, { fused: false });
    for (let step = 0; step < 4; step++) {
      const grads = Object.fromEntries(params.filter((p) => !(step === 2 && p.name === 'b')).map((p) => [p.name, tf.tensor(random.fillNormal(new Float32Array(p.variable.size)), p.variable.shape)]));
      fused.apply(grads);
      plain.apply(grads);
      tf.dispose(Object.values(grads));
    }
    for (const [i, p] of params.entries()) expect(relativeError(await read(p.variable), await read(copies[i]!.variable)), p.name).toBeLessThan(1e-6);
    const [sf, sp] = [await fused.getState(), await plain.getState()];
    for (const name of ['a', 'b', 'c']) {
      expect(relativeError(sf.m.get(name)!, sp.m.get(name)!), `m ${name}`).toBeLessThan(1e-6);
      expect(relativeError(sf.v.get(name)!, sp.v.get(name)!), `v ${name}`).toBeLessThan(1e-6);
    }
    // State round trip.
    const again = new Adam(params, config, { fused: true, chunkElements: 40 });
    again.setState(sf);
    const restored = await again.getState();
    expect(restored.step).toBe(sf.step);
    for (const name of ['a', 'b', 'c']) expect(restored.m.get(name)).toEqual(sf.m.get(name));
    for (const o of [fused, plain, again]) o.dispose();
    tf.dispose([...params.map((p) => p.variable), ...copies.map((p) => p.variable)]);
  });
});

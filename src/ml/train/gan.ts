import type { AdamDef } from '../../spec/types.js';
import type { Random } from '../../util/random.js';
import type { ArchParams, EdgeWeights, Relaxation } from '../nets/archParams.js';
import { TRAINING, type ForwardContext } from '../nets/context.js';
import type { Network } from '../nets/network.js';
import type { FastPath } from '../fastPath.js';
import { tf, type Scalar, type Tensor, type Tensor2D, type Tensor4D } from '../tf.js';
import { Adam } from './adam.js';
import { Ema } from './ema.js';
import { discriminatorHinge, generatorHinge } from './losses.js';
import { releaseGradientsEarly } from './releaseGradients.js';

/** A network with an optional set of architecture parameters mixed into its forward pass. */
export interface Player<In extends Tensor, Out extends Tensor> {
  readonly net: Network & { forward(x: In, ctx: ForwardContext, weights?: EdgeWeights): Out };
  readonly arch?: ArchParams;
}

export interface GanSettings {
  readonly latentDim: number;
  readonly nCritic: number;
  /** Fraction of each real batch for the D weight step (the rest feeds the D architecture step). */
  readonly split: number;
  readonly generatorBatch: number;
  readonly ema: number;
  readonly optimizers: {
    readonly generator: AdamDef;
    readonly discriminator: AdamDef;
    readonly generatorArch?: AdamDef;
    readonly discriminatorArch?: AdamDef;
  };
  /** Fast-path switches; only fusedAdam concerns the game (the networks carry their own). */
  readonly fastPath?: Partial<FastPath>;
}

/** Losses of one iteration; the generator's only on iterations with a generator step. */
export interface StepLosses {
  readonly dLoss: number;
  readonly dArchLoss?: number;
  readonly gLoss?: number;
  readonly gArchLoss?: number;
}

export interface StepTimes {
  dArch: number;
  dWeights: number;
  gArch: number;
  gWeights: number;
}

/**
 * One iteration of the AdversarialNAS game (../shared/ADVERSARIALNAS.md §6), or of plain
 * re-training when neither network has architecture parameters:
 *   1. D architecture step on the second part of the real batch and detached fakes (Adam on beta);
 *   2. D weight step on the first part and detached fakes (Adam on D's weights);
 *   3. every nCritic iterations: G architecture step, then G weight step (−mean D(G(z))), then EMA.
 * Each forward pass draws its own Gumbel noise and stages its buffer updates (spectral norm,
 * batch norm), which are committed after the step, as PyTorch's in-place updates would be.
 */
export class AdversarialGame {
  readonly optimizers: { generator: Adam; discriminator: Adam; generatorArch?: Adam; discriminatorArch?: Adam };
  readonly ema: Ema;
  /** Current learning rates of the weight optimizers (linear decay changes them). */
  readonly lr: { generator: number; discriminator: number };
  readonly times: StepTimes = { dArch: 0, dWeights: 0, gArch: 0, gWeights: 0 };

  constructor(
    readonly generator: Player<Tensor2D, Tensor4D>,
    readonly discriminator: Player<Tensor4D, Tensor2D>,
    readonly settings: GanSettings,
  ) {
    const o = settings.optimizers;
    const fused = { fused: settings.fastPath?.fusedAdam ?? true };
    this.optimizers = {
      generator: new Adam(generator.net.params.list('weight'), o.generator, fused),
      discriminator: new Adam(discriminator.net.params.list('weight'), o.discriminator, fused),
      ...(generator.arch && o.generatorArch ? { generatorArch: new Adam(generator.arch.params.list('arch'), o.generatorArch, fused) } : {}),
      ...(discriminator.arch && o.discriminatorArch ? { discriminatorArch: new Adam(discriminator.arch.params.list('arch'), o.discriminatorArch, fused) } : {}),
    };
    this.ema = new Ema(generator.net.params.list('weight'), settings.ema);
    this.lr = { generator: o.generator.lr, discriminator: o.discriminator.lr };
  }

  /**
   * Runs one iteration on a real batch (NHWC in [-1, 1]). `latent` draws z ~ N(0, I);
   * `relaxation` gives the mixing-weight relaxation of this iteration (tau of its epoch).
   */
  async step(real: Tensor4D, iteration: number, latent: Random, relaxation: () => Relaxation): Promise<StepLosses> {
    const count = real.shape[0];
    const weightPart = Math.floor(count * this.settings.split);
    const archPart = count - weightPart;
    const z = (n: number) => normal(latent, n, this.settings.latentDim);
    const gWeights = () => this.generator.arch?.weights(relaxation());
    const dWeights = () => this.discriminator.arch?.weights(relaxation());
    const G = (input: Tensor2D) => this.generator.net.forward(input, TRAINING, gWeights());
    const D = (input: Tensor4D) => this.discriminator.net.forward(input, TRAINING, dWeights());
    // Loss tensors, read together once at the end of the step (no synchronous read in between).
    const losses: { dLoss?: Scalar; dArchLoss?: Scalar; gLoss?: Scalar; gArchLoss?: Scalar } = {};
    let t = performance.now();
    const lap = (key: keyof StepTimes) => {
      const now = performance.now();
      this.times[key] += now - t;
      t = now;
    };

    try {
      if (this.discriminator.arch && this.optimizers.discriminatorArch && archPart > 0) {
        const realArch = tf.slice(real, [weightPart, 0, 0, 0], [archPart, -1, -1, -1]);
        const searchZ = z(archPart);
        try {
          losses.dArchLoss = this.update(this.discriminator.arch.params.list('arch'), this.optimizers.discriminatorArch, () => {
            const fake = detached(() => G(searchZ));
            return discriminatorHinge(D(realArch), D(fake));
          });
        } finally {
          tf.dispose([realArch, searchZ]);
        }
      }
      lap('dArch');

      const realWeights = weightPart === count ? real : tf.slice(real, [0, 0, 0, 0], [weightPart, -1, -1, -1]);
      const zD = z(weightPart);
      try {
        losses.dLoss = this.update(this.discriminator.net.params.list('weight'), this.optimizers.discriminator, () => {
          const realLogits = D(realWeights);
          const fake = detached(() => G(zD));
          return discriminatorHinge(realLogits, D(fake));
        }, this.lr.discriminator);
      } finally {
        if (realWeights !== real) realWeights.dispose();
        zD.dispose();
      }
      lap('dWeights');

      const genZ = z(this.settings.generatorBatch);
      try {
        if (iteration % this.settings.nCritic === 0) {
          if (this.generator.arch && this.optimizers.generatorArch) {
            const searchZ = z(this.settings.generatorBatch);
            try {
              losses.gArchLoss = this.update(this.generator.arch.params.list('arch'), this.optimizers.generatorArch, () => generatorHinge(D(G(searchZ))));
            } finally {
              searchZ.dispose();
            }
          }
          lap('gArch');
          losses.gLoss = this.update(this.generator.net.params.list('weight'), this.optimizers.generator, () => generatorHinge(D(G(genZ))), this.lr.generator);
          this.ema.update();
          lap('gWeights');
        }
      } finally {
        genZ.dispose();
      }
      const entries = Object.entries(losses) as [keyof StepLosses, Scalar][];
      const values = await Promise.all(entries.map(async ([, t]) => (await t.data())[0]!));
      return Object.fromEntries(entries.map(([key], i) => [key, values[i]!])) as unknown as StepLosses;
    } finally {
      tf.dispose(Object.values(losses));
    }
  }

  /** Gradient of `loss` for `params`, one Adam step, buffers committed; returns the loss tensor. */
  private update(params: readonly { name: string; variable: tf.Variable }[], optimizer: Adam, loss: () => Scalar, lr?: number): Scalar {
    let result: ReturnType<typeof tf.variableGrads>;
    try {
      result = tf.variableGrads(() => {
        const value = loss();
        releaseGradientsEarly();
        return value;
      }, params.map((p) => p.variable));
    } catch (error) {
      // A failed pass (e.g. the wasm heap is full) must not leave its buffer updates staged.
      this.generator.net.discardBuffers();
      this.discriminator.net.discardBuffers();
      throw error;
    }
    const { value, grads } = result;
    try {
      const byName: Record<string, Tensor> = {};
      for (const p of params) {
        const g = grads[p.variable.name];
        if (g) byName[p.name] = g;
      }
      optimizer.apply(byName, lr);
      this.commitBuffers();
      return value;
    } catch (error) {
      value.dispose();
      throw error;
    } finally {
      tf.dispose(Object.values(grads));
    }
  }

  private commitBuffers(): void {
    this.generator.net.commitBuffers();
    this.discriminator.net.commitBuffers();
  }

  dispose(): void {
    for (const o of Object.values(this.optimizers)) o?.dispose();
    this.ema.dispose();
  }
}

/**
 * f() with nothing recorded on the gradient tape (PyTorch's G(z).detach() in a D step): it runs
 * as the forward of a custom-gradient node without inputs, where tfjs does not record, so the
 * generator's activations are neither cloned for a backward pass nor kept until it ends. Its
 * forward still stages buffer updates (batch norm), as PyTorch's does.
 */
export function detached<T extends Tensor>(f: () => T): T {
  return tf.customGrad(() => ({ value: f(), gradFunc: () => [] }))() as T;
}

/** z ~ N(0, I) of shape [n, dim] from our seeded stream (reproducible and resumable). */
export function normal(random: Random, n: number, dim: number): Tensor2D {
  return tf.tensor2d(random.fillNormal(new Float32Array(n * dim)), [n, dim]);
}

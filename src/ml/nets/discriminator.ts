import type { NetworkGenotype } from '../../nas/genotype.js';
import type { DiscriminatorModel } from '../../nas/space.js';
import type { Random } from '../../util/random.js';
import { linear } from '../ops/linear.js';
import { spectralNormWeight } from '../ops/spectral_norm.js';
import { tf, type Tensor1D, type Tensor2D, type Tensor4D } from '../tf.js';
import type { FastPath } from '../fastPath.js';
import type { EdgeWeights } from './archParams.js';
import { NetBuilder, type LinearWeights } from './builder.js';
import { precomputed } from './candidate.js';
import { Cell } from './cell.js';
import type { ForwardContext } from './context.js';
import { Network } from './network.js';

/** Activation, spatial sum (or mean), linear to one logit: the head of both discriminators. */
export function logitHead(h: Tensor4D, head: LinearWeights, ctx: ForwardContext, activation: 'relu' | 'none', pool: 'sum' | 'mean'): Tensor2D {
  const a = activation === 'relu' ? tf.relu(h) : h;
  const pooled = (pool === 'sum' ? tf.sum(a, [1, 2]) : tf.mean(a, [1, 2])) as Tensor2D;
  const w = (precomputed<Tensor2D>(head.weight, ctx) ?? (head.sn ? spectralNormWeight(head.weight, head.sn, ctx.training) : head.weight)) as Tensor2D;
  return linear(pooled, w, head.bias as Tensor1D | undefined);
}

/**
 * The discriminator of the space: down-sampling cells, then ReLU → spatial sum → linear (one
 * logit, spectrally normalised, no bias). A super-network without a genotype, the derived
 * network with one.
 */
export class Discriminator extends Network {
  private readonly cells: Cell[];
  private readonly head: LinearWeights;

  constructor(
    readonly model: DiscriminatorModel,
    random: Random,
    genotype?: NetworkGenotype,
    options: { readonly fastPath?: FastPath } = {},
  ) {
    const b = new NetBuilder(random, model.init, model.spectralNorm, options.fastPath);
    super(b);
    this.cells = model.cells.map((cell, i) => new Cell(b, `cells.${i}`, cell, genotype?.[i]));
    this.head = b.linear('head.linear', { inFeatures: model.channels, outFeatures: 1, bias: model.head.bias });
  }

  forward(x: Tensor4D, context: ForwardContext, weights?: EdgeWeights): Tensor2D {
    const ctx = this.prepare(context);
    let h = x;
    this.cells.forEach((cell, i) => {
      h = cell.forward(h, ctx, weights?.[i]).output;
    });
    return logitHead(h, this.head, ctx, this.model.head.activation, this.model.head.pool);
  }
}

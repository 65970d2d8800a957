import type { NetworkGenotype } from '../../nas/genotype.js';
import type { GeneratorModel } from '../../nas/space.js';
import type { Random } from '../../util/random.js';
import { batchNorm2dTracked } from '../ops/batch_norm.js';
import { conv2d } from '../ops/conv2d.js';
import { linear } from '../ops/linear.js';
import { resize } from '../ops/resize.js';
import { spectralNormWeight } from '../ops/spectral_norm.js';
import { tf, type Tensor1D, type Tensor2D, type Tensor4D } from '../tf.js';
import type { FastPath } from '../fastPath.js';
import type { EdgeWeights } from './archParams.js';
import { NetBuilder, type BatchNormWeights, type ConvWeights, type LinearWeights } from './builder.js';
import { convKernel, precomputed } from './candidate.js';
import { Cell } from './cell.js';
import type { ForwardContext } from './context.js';
import { Network } from './network.js';

/**
 * The generator of the space: z is split into equal chunks; the first is projected to the
 * bottom feature map, each `injectLatent` cell adds a projection of the next chunk to its
 * input; cells up-sample, receiving resized skips of earlier cells through 1x1 convs; the
 * head is BN → ReLU → conv → tanh. A super-network without a genotype, the derived network
 * with one.
 */
export class Generator extends Network {
  private readonly projections: { cell: number; weights: LinearWeights; size: number }[] = [];
  private readonly cells: Cell[];
  private readonly skipConvs: ConvWeights[][];
  private readonly norm?: BatchNormWeights;
  private readonly toImage: ConvWeights;

  constructor(
    readonly model: GeneratorModel,
    random: Random,
    genotype?: NetworkGenotype,
    options: { readonly fastPath?: FastPath } = {},
  ) {
    const b = new NetBuilder(random, model.init, model.spectralNorm, options.fastPath);
    super(b);
    const latent = (name: string, size: number) => b.linear(name, { inFeatures: model.chunkSize, outFeatures: size * size * model.channels, bias: true, spectralNorm: false });
    this.projections.push({ cell: -1, weights: latent('latent.bottom', model.bottomWidth), size: model.bottomWidth });
    model.cells.forEach((cell, i) => {
      if (cell.injectLatent) this.projections.push({ cell: i, weights: latent(`latent.cells.${i}`, cell.inSize), size: cell.inSize });
    });
    this.cells = model.cells.map((cell, i) => new Cell(b, `cells.${i}`, cell, genotype?.[i]));
    this.skipConvs = model.cells.map((cell, i) => cell.skipsFrom.map((_, k) => b.conv(`cells.${i}.skip${k}`, { kernel: 1, cin: model.channels, cout: model.channels })));
    if (model.head.norm === 'batch') this.norm = b.batchNorm('head.norm', model.channels);
    this.toImage = b.conv('head.conv', { kernel: model.head.kernel, cin: model.channels, cout: model.imageChannels });
  }

  forward(z: Tensor2D, context: ForwardContext, weights?: EdgeWeights): Tensor4D {
    const ctx = this.prepare(context);
    const { model } = this;
    const n = z.shape[0];
    const chunk = (k: number) => tf.slice(z, [0, k * model.chunkSize], [n, model.chunkSize]);
    const project = (k: number) => {
      const p = this.projections[k]!;
      const w = (precomputed<Tensor2D>(p.weights.weight, ctx) ?? (p.weights.sn ? spectralNormWeight(p.weights.weight, p.weights.sn, ctx.training) : p.weights.weight)) as Tensor2D;
      return tf.reshape(linear(chunk(k), w, p.weights.bias as Tensor1D | undefined), [n, p.size, p.size, model.channels]) as Tensor4D;
    };
    let h = project(0);
    let nextChunk = 1;
    const skipOuts: Tensor4D[] = [];
    model.cells.forEach((cell, i) => {
      if (cell.injectLatent) h = tf.add(h, project(nextChunk++));
      const target = cell.skipIn !== undefined ? cell.nodeSizes[cell.skipIn]! : 0;
      const skips = cell.skipsFrom.map((from, k) => {
        const resized = resize(skipOuts[from]!, { height: target, width: target, mode: cell.skipResize });
        const conv = this.skipConvs[i]![k]!;
        return conv2d(resized, convKernel(conv, ctx), { bias: (conv.bias as Tensor1D | undefined) ?? null });
      });
      const out = this.cells[i]!.forward(h, ctx, weights?.[i], skips);
      if (out.skipOut) skipOuts[i] = out.skipOut;
      h = out.output;
    });
    if (this.norm) h = batchNorm2dTracked(h, { gamma: this.norm.gamma as Tensor1D, beta: this.norm.beta as Tensor1D }, this.norm.stats, { training: ctx.training });
    if (model.head.activation === 'relu') h = tf.relu(h);
    const image = conv2d(h, convKernel(this.toImage, ctx), { bias: (this.toImage.bias as Tensor1D | undefined) ?? null });
    return model.head.output === 'tanh' ? tf.tanh(image) : image;
  }
}

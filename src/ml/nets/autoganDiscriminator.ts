import type { AutoganDiscriminatorModel } from '../../nas/autogan.js';
import type { InitKind } from '../../spec/types.js';
import type { Random } from '../../util/random.js';
import { conv2d } from '../ops/conv2d.js';
import { avgPool2x2 } from '../ops/pool.js';
import { tf, type Tensor1D, type Tensor2D, type Tensor4D } from '../tf.js';
import { NetBuilder, type ConvWeights, type LinearWeights } from './builder.js';
import { convKernel } from './candidate.js';
import type { ForwardContext } from './context.js';
import type { FastPath } from '../fastPath.js';
import { logitHead } from './discriminator.js';
import { Network } from './network.js';

interface Block {
  readonly spec: AutoganDiscriminatorModel['blocks'][number];
  readonly conv1: ConvWeights;
  readonly conv2: ConvWeights;
  readonly shortcut?: ConvWeights;
}

/**
 * AutoGAN's fixed residual discriminator (the one AdversarialNAS re-trains against): an
 * optimised block (conv → ReLU → conv → avg-pool, shortcut avg-pool → 1x1 conv), residual
 * blocks (ReLU → conv → ReLU → conv, avg-pool when down-sampling, shortcut 1x1 conv then
 * avg-pool), ReLU, spatial sum, linear without bias; spectral norm throughout.
 */
export class AutoganDiscriminator extends Network {
  private readonly blocks: Block[];
  private readonly head: LinearWeights;

  constructor(
    readonly model: AutoganDiscriminatorModel,
    random: Random,
    options: { readonly init: InitKind; readonly spectralNorm: boolean; readonly fastPath?: FastPath },
  ) {
    const b = new NetBuilder(random, options.init, options.spectralNorm, options.fastPath);
    super(b);
    this.blocks = model.blocks.map((spec) => ({
      spec,
      conv1: b.conv(`${spec.name}.conv1`, { kernel: 3, cin: spec.inChannels, cout: spec.outChannels }),
      conv2: b.conv(`${spec.name}.conv2`, { kernel: 3, cin: spec.outChannels, cout: spec.outChannels }),
      ...(spec.shortcut ? { shortcut: b.conv(`${spec.name}.shortcut`, { kernel: 1, cin: spec.inChannels, cout: spec.outChannels }) } : {}),
    }));
    this.head = b.linear('head.linear', { inFeatures: model.channels, outFeatures: 1, bias: false });
  }

  forward(x: Tensor4D, context: ForwardContext): Tensor2D {
    const ctx = this.prepare(context);
    const conv = (input: Tensor4D, w: ConvWeights) => conv2d(input, convKernel(w, ctx), { bias: (w.bias as Tensor1D | undefined) ?? null });
    let h = x;
    for (const { spec, conv1, conv2, shortcut } of this.blocks) {
      let r = spec.optimized ? h : tf.relu(h);
      r = conv(tf.relu(conv(r, conv1)), conv2);
      if (spec.downsample) r = avgPool2x2(r);
      let s = h;
      if (shortcut) s = spec.optimized ? conv(avgPool2x2(h), shortcut) : spec.downsample ? avgPool2x2(conv(h, shortcut)) : conv(h, shortcut);
      h = tf.add(r, s);
    }
    return logitHead(h, this.head, ctx, 'relu', 'sum');
  }
}

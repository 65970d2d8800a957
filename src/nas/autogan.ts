/**
 * AutoGAN's fixed residual discriminator (the one AdversarialNAS re-trains against), as plain
 * data: an optimised first block (conv3x3 → ReLU → conv3x3 → avg-pool, plus a 1x1 shortcut
 * on the pooled input), then three residual blocks (ReLU → conv3x3 → ReLU → conv3x3), only
 * the first of them down-sampling; ReLU, spatial sum, linear to one logit (no bias).
 */
export interface ResidualBlock {
  readonly name: string;
  /** The first block: no leading activation, shortcut pools before its 1x1 conv. */
  readonly optimized: boolean;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly downsample: boolean;
  /** A learnable 1x1 shortcut (channels change or down-sampling). */
  readonly shortcut: boolean;
  readonly inSize: number;
}

export interface AutoganDiscriminatorModel {
  readonly kind: 'autogan';
  readonly channels: number;
  readonly imageSize: number;
  readonly imageChannels: number;
  readonly blocks: readonly ResidualBlock[];
  readonly outSize: number;
}

export function autoganDiscriminator(imageSize: number, imageChannels: number, channels: number): AutoganDiscriminatorModel {
  const plan: [string, boolean, boolean][] = [
    ['block1', true, true],
    ['block2', false, true],
    ['block3', false, false],
    ['block4', false, false],
  ];
  let size = imageSize;
  const blocks = plan.map(([name, optimized, downsample], i) => {
    const inChannels = i === 0 ? imageChannels : channels;
    const block: ResidualBlock = {
      name,
      optimized,
      inChannels,
      outChannels: channels,
      downsample,
      shortcut: optimized || downsample || inChannels !== channels,
      inSize: size,
    };
    if (downsample) size /= 2;
    return block;
  });
  return { kind: 'autogan', channels, imageSize, imageChannels, blocks, outSize: size };
}

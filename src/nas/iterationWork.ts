/**
 * Useful work of one iteration (n_critic 1), from the pure MAC counts of src/nas/count.ts (the
 * reference's counting: every candidate of a super-network edge at its own kernel size, none of
 * the folding). A backward pass is counted as twice its forward (input and weight gradients),
 * as for the reference's PyTorch step.
 */
import type { ResolvedSpec } from '../spec/types.js';
import { networkCost } from './count.js';
import type { SpaceModel } from './space.js';

export interface ImageCounts {
  /** Images each network processes forward and backward in one iteration. */
  readonly generator: { readonly forward: number; readonly backward: number };
  readonly discriminator: { readonly forward: number; readonly backward: number };
}

/**
 * With a D batch B split into w = floor(B·split) (weight step) and a = B − w (architecture
 * step), and a G batch g:
 *   D arch step:   G fwd a;       D fwd+bwd 2a (real, fake)
 *   D weight step: G fwd w;       D fwd+bwd 2w
 *   G arch step:   G fwd+bwd g;   D fwd+bwd g
 *   G weight step: G fwd+bwd g;   D fwd+bwd g
 * Re-training has no architecture steps.
 */
/** Images per iteration: the D batch (split into weight and architecture parts) and the G batch. */
export interface IterationBatch {
  readonly discriminator: number;
  readonly split: number;
  readonly generator: number;
}

export function imageCounts(batch: IterationBatch, search: boolean): ImageCounts {
  const w = Math.floor(batch.discriminator * batch.split);
  const a = batch.discriminator - w;
  const g = batch.generator;
  if (search) {
    return {
      generator: { forward: a + w + 2 * g, backward: 2 * g },
      discriminator: { forward: 2 * a + 2 * w + 2 * g, backward: 2 * a + 2 * w + 2 * g },
    };
  }
  return {
    generator: { forward: w + g, backward: g },
    discriminator: { forward: 2 * w + g, backward: 2 * w + g },
  };
}

export const FLOP_FORMULA =
  'FLOP = 2 * (MAC_G * (fwd_G + 2 * bwd_G) + MAC_D * (fwd_D + 2 * bwd_D)); MAC = multiply-accumulates per image (src/nas/count.ts), fwd/bwd = images through each network per iteration';

export interface IterationShape {
  readonly batch: IterationBatch;
  /** Multiply-accumulates per image of each network. */
  readonly macs: { readonly generator: number; readonly discriminator: number };
  readonly search: boolean;
}

export function iterationFlops(bench: IterationShape): { flops: number; images: ImageCounts } {
  const images = imageCounts(bench.batch, bench.search);
  const work = (macs: number, n: { forward: number; backward: number }) => macs * (n.forward + 2 * n.backward);
  return { flops: 2 * (work(bench.macs.generator, images.generator) + work(bench.macs.discriminator, images.discriminator)), images };
}

/** The useful FLOP of one iteration of the spec's search stage (its super-networks, widths and batches). */
export function searchIterationFlops(spec: ResolvedSpec, space: SpaceModel): number {
  const b = spec.search.batch;
  return iterationFlops({
    batch: { discriminator: b.discriminator, split: b.split, generator: b.generator },
    macs: { generator: networkCost(space.generator).macs, discriminator: networkCost(space.discriminator).macs },
    search: true,
  }).flops;
}

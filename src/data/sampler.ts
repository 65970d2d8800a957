/**
 * Batches of real images with PyTorch DataLoader semantics (shuffle=True,
 * drop_last=False): every epoch visits every image once in a fresh random
 * order, the last batch of an epoch is smaller when the size does not divide.
 *
 * The order of epoch e depends only on (seed, e), so the whole sampler state is
 * three numbers, {seed, epoch, cursor}: a run resumed from a checkpoint sees
 * exactly the batches it would have seen.
 *
 * Pixels become float32 exactly as torchvision's ToTensor() then
 * Normalize(0.5, 0.5) compute them: (x/255 - 0.5)/0.5 in float32, in [-1, 1].
 */
import { Random } from '../util/random.js';
import type { ImageDataset } from './types.js';

export interface SamplerState {
  seed: number;
  epoch: number;
  /** Position in the epoch's order of the next image. */
  cursor: number;
}

export interface Batch {
  /** count × H × W × C, NHWC, in [-1, 1]. */
  images: Float32Array;
  labels?: Uint8Array;
  /** Dataset indices of the images. */
  indices: Uint32Array;
  count: number;
  epoch: number;
  /** The first batch of its epoch. */
  newEpoch: boolean;
  /** The last batch of its epoch. */
  endsEpoch: boolean;
}

export interface SamplerOptions {
  seed?: number;
  /** false: dataset order every epoch (evaluation). */
  shuffle?: boolean;
  /** Resume from a saved `state()`. */
  state?: SamplerState;
}

/** torchvision's float32 arithmetic, tabulated once. */
const TO_UNIT = Float32Array.from({ length: 256 }, (_, x) => (Math.fround(Math.fround(x / 255) - 0.5) / 0.5));

export class BatchSampler {
  private readonly seed: number;
  private readonly shuffle: boolean;
  private epoch: number;
  private cursor: number;
  private order: Uint32Array | null = null;
  private orderEpoch = -1;

  constructor(
    readonly dataset: ImageDataset,
    readonly batchSize: number,
    { seed = 0, shuffle = true, state }: SamplerOptions = {},
  ) {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
    if (dataset.size < 1) throw new RangeError(`dataset ${dataset.name} is empty`);
    const s = state ?? { seed, epoch: 0, cursor: 0 };
    if (!Number.isInteger(s.seed) || !Number.isInteger(s.epoch) || s.epoch < 0 || !Number.isInteger(s.cursor) || s.cursor < 0 || s.cursor > dataset.size) {
      throw new RangeError(`invalid sampler state ${JSON.stringify(s)} for a dataset of ${dataset.size} images`);
    }
    this.seed = s.seed >>> 0;
    this.epoch = s.epoch;
    this.cursor = s.cursor;
    this.shuffle = shuffle;
  }

  get batchesPerEpoch(): number {
    return Math.ceil(this.dataset.size / this.batchSize);
  }

  /** Plain JSON; pass it back as `options.state` to resume. */
  state(): SamplerState {
    return { seed: this.seed, epoch: this.epoch, cursor: this.cursor };
  }

  next(): Batch {
    const { dataset } = this;
    if (this.cursor >= dataset.size) {
      this.epoch++;
      this.cursor = 0;
    }
    const order = this.epochOrder();
    const start = this.cursor;
    const count = Math.min(this.batchSize, dataset.size - start);
    const indices = order.slice(start, start + count);
    const imageSize = dataset.height * dataset.width * dataset.channels;
    const images = new Float32Array(count * imageSize);
    for (let b = 0; b < count; b++) {
      const from = indices[b]! * imageSize;
      const to = b * imageSize;
      for (let i = 0; i < imageSize; i++) images[to + i] = TO_UNIT[dataset.pixels[from + i]!]!;
    }
    const labels = dataset.labels ? Uint8Array.from(indices, (i) => dataset.labels![i]!) : undefined;
    this.cursor = start + count;
    return {
      images,
      ...(labels ? { labels } : {}),
      indices,
      count,
      epoch: this.epoch,
      newEpoch: start === 0,
      endsEpoch: this.cursor === dataset.size,
    };
  }

  private epochOrder(): Uint32Array {
    if (this.order && this.orderEpoch === this.epoch) return this.order;
    const n = this.dataset.size;
    const order = Uint32Array.from({ length: n }, (_, i) => i);
    if (this.shuffle) new Random(this.seed).fork(`epoch ${this.epoch}`).shuffle(order);
    this.order = order;
    this.orderEpoch = this.epoch;
    return order;
  }
}

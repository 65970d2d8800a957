import { loadDataset, type ImageDataset } from '../../../src/data/index.js';
import { tf, type Tensor4D } from '../../../src/ml/tf.js';

/** The first `limit` MNIST digits at 28x28 (class-interleaved, so every prefix is balanced). */
export const mnist = (limit: number): Promise<ImageDataset> => loadDataset({ dataset: 'mnist', root: '', imageSize: 28, channels: 1, limit });

/** Images [from, to) of a dataset as a view (no copy). */
export function slice(dataset: ImageDataset, from: number, to: number): ImageDataset {
  const bytes = dataset.height * dataset.width * dataset.channels;
  return {
    ...dataset,
    size: to - from,
    pixels: dataset.pixels.subarray(from * bytes, to * bytes),
    ...(dataset.labels ? { labels: dataset.labels.subarray(from, to) } : {}),
  };
}

/** Images [from, from + n) as a float tensor in [-1, 1]. */
export function imagesOf(dataset: ImageDataset, from: number, n: number): Tensor4D {
  const { height: h, width: w, channels: c } = dataset;
  const bytes = h * w * c;
  const values = Float32Array.from(dataset.pixels.subarray(from * bytes, (from + n) * bytes), (v) => v / 127.5 - 1);
  return tf.tensor4d(values, [n, h, w, c]);
}

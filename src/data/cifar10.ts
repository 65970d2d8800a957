/**
 * CIFAR-10, binary distribution: each record is 1 label byte then 3072 pixel
 * bytes, channel-major (the 32x32 R plane, then G, then B, rows top to bottom).
 * `train` is data_batch_1..5.bin (50,000 images), `test` is test_batch.bin.
 */
import { join } from 'node:path';
import { CIFAR10_RECORD_BYTES, CIFAR10_SOURCE, CIFAR10_TEST_FILES, CIFAR10_TRAIN_FILES } from './catalog.js';
import { DatasetError } from './errors.js';
import { locateFiles, readWhole, recordCount } from './files.js';
import { prepareImage } from './image.js';
import type { DatasetConfig, ImageDataset } from './types.js';

const SIDE = 32;
const PLANE = SIDE * SIDE;
const OFFICIAL_FILE_BYTES = 10_000 * CIFAR10_RECORD_BYTES;

export async function loadCifar10(cfg: DatasetConfig): Promise<ImageDataset> {
  const split = cfg.split ?? 'train';
  if (split !== 'train' && split !== 'test') {
    throw new DatasetError('cifar10', `has no '${split}' split (use 'train' or 'test')`);
  }
  const names = split === 'train' ? CIFAR10_TRAIN_FILES : CIFAR10_TEST_FILES;
  const dir = await locateFiles('cifar10', cfg.root, names, CIFAR10_SOURCE);
  const paths = names.map((n) => join(dir, n));
  const counts = await Promise.all(paths.map((p) => recordCount('cifar10', p, CIFAR10_RECORD_BYTES, OFFICIAL_FILE_BYTES, cfg.check)));
  const total = counts.reduce((a, b) => a + b, 0);
  const size = Math.min(total, cfg.limit ?? total);

  const { imageSize: side, channels } = cfg;
  const pixels = new Uint8Array(size * side * side * channels);
  const labels = new Uint8Array(size);
  const rgb = new Uint8Array(PLANE * 3);
  const filesRead: string[] = [];
  let index = 0;
  for (const path of paths) {
    if (index === size) break;
    const bytes = await readWhole('cifar10', path);
    filesRead.push(path);
    const records = Math.min(bytes.length / CIFAR10_RECORD_BYTES, size - index);
    for (let r = 0; r < records; r++, index++) {
      const base = r * CIFAR10_RECORD_BYTES;
      const label = bytes[base]!;
      if (label > 9) {
        throw new DatasetError('cifar10', `${path} record ${r} has label ${label} (labels are 0-9): the file is corrupt or not a CIFAR-10 batch`, path);
      }
      labels[index] = label;
      // Channel-major planes to interleaved RGB.
      for (let p = 0; p < PLANE; p++) {
        rgb[p * 3] = bytes[base + 1 + p]!;
        rgb[p * 3 + 1] = bytes[base + 1 + PLANE + p]!;
        rgb[p * 3 + 2] = bytes[base + 1 + 2 * PLANE + p]!;
      }
      const image = prepareImage({ pixels: rgb, height: SIDE, width: SIDE, channels: 3 }, side, channels);
      pixels.set(image.pixels, index * side * side * channels);
    }
  }
  return { name: 'cifar10', split, size, height: side, width: side, channels, pixels, labels, classes: 10, files: filesRead };
}

/**
 * STL-10, binary distribution: uint8 images of 3x96x96, channel-major and,
 * within a channel, column-major (MATLAB order): pixel (row r, column c) of
 * channel k is at k·9216 + c·96 + r. Label files hold one byte 1..10 per image
 * (served here as 0..9, as torchvision does).
 *
 * The paper trains on `train+unlabeled` (5,000 + 100,000 images, in that order,
 * as torchvision's STL10) resized to 48x48; that split is the default. Images
 * are streamed from disk and resized one at a time, so the 2.7 GB unlabeled
 * file never sits in memory; that takes about a minute for all 105,000 images
 * (measured 0.5 ms per image), worth caching as .npy if it is loaded often.
 */
import { join } from 'node:path';
import { STL10_FILES, STL10_IMAGE_BYTES, STL10_SIDE, STL10_SOURCE } from './catalog.js';
import { DatasetError } from './errors.js';
import { forEachRecordChunk, locateFiles, readWhole, recordCount } from './files.js';
import { prepareImage } from './image.js';
import type { DatasetConfig, DatasetSplit, ImageDataset } from './types.js';

const PLANE = STL10_SIDE * STL10_SIDE;
/** Images per read: 512 × 27,648 bytes ≈ 14 MB. */
const CHUNK_IMAGES = 512;

interface Part {
  images: string;
  labels?: string;
}

const PARTS: Record<DatasetSplit, Part[]> = {
  train: [{ images: 'train_X.bin', labels: 'train_y.bin' }],
  test: [{ images: 'test_X.bin', labels: 'test_y.bin' }],
  unlabeled: [{ images: 'unlabeled_X.bin' }],
  'train+unlabeled': [{ images: 'train_X.bin' }, { images: 'unlabeled_X.bin' }],
};

const officialBytes = (name: string): number | undefined => STL10_FILES.find((f) => f.name === name)?.bytes;

export async function loadStl10(cfg: DatasetConfig): Promise<ImageDataset> {
  const split = cfg.split ?? 'train+unlabeled';
  const parts = PARTS[split];
  const names = parts.flatMap((p) => (p.labels ? [p.images, p.labels] : [p.images]));
  const dir = await locateFiles('stl10', cfg.root, names, STL10_SOURCE);
  const counts = await Promise.all(parts.map((p) => recordCount('stl10', join(dir, p.images), STL10_IMAGE_BYTES, officialBytes(p.images), cfg.check)));
  const total = counts.reduce((a, b) => a + b, 0);
  const size = Math.min(total, cfg.limit ?? total);
  const labelled = parts.every((p) => p.labels !== undefined);

  const { imageSize: side, channels } = cfg;
  const imageBytes = side * side * channels;
  const pixels = new Uint8Array(size * imageBytes);
  const labels = labelled ? new Uint8Array(size) : undefined;
  const rgb = new Uint8Array(PLANE * 3);
  const files: string[] = [];
  let index = 0;
  for (const [i, part] of parts.entries()) {
    const count = Math.min(counts[i]!, size - index);
    if (count === 0) break;
    const imagesPath = join(dir, part.images);
    files.push(imagesPath);
    if (labels && part.labels) {
      files.push(join(dir, part.labels));
      await readLabels(join(dir, part.labels), counts[i]!, labels.subarray(index, index + count));
    }
    await forEachRecordChunk('stl10', imagesPath, STL10_IMAGE_BYTES, count, CHUNK_IMAGES, (chunk, _first, records) => {
      for (let r = 0; r < records; r++, index++) {
        columnMajorToHwc(chunk.subarray(r * STL10_IMAGE_BYTES, (r + 1) * STL10_IMAGE_BYTES), rgb);
        const image = prepareImage({ pixels: rgb, height: STL10_SIDE, width: STL10_SIDE, channels: 3 }, side, channels);
        pixels.set(image.pixels, index * imageBytes);
      }
    });
  }
  return { name: 'stl10', split, size, height: side, width: side, channels, pixels, ...(labels ? { labels, classes: 10 } : {}), files };
}

/** k·9216 + c·96 + r (channel, column, row) to interleaved (r·96 + c)·3 + k. */
export function columnMajorToHwc(src: Uint8Array, out: Uint8Array): void {
  for (let k = 0; k < 3; k++) {
    for (let c = 0; c < STL10_SIDE; c++) {
      const from = k * PLANE + c * STL10_SIDE;
      for (let r = 0; r < STL10_SIDE; r++) out[(r * STL10_SIDE + c) * 3 + k] = src[from + r]!;
    }
  }
}

/** Reads labels 1..10 into `out` as 0..9, checking the count matches the images file. */
async function readLabels(path: string, imageCount: number, out: Uint8Array): Promise<void> {
  const bytes = await readWhole('stl10', path);
  if (bytes.length !== imageCount) {
    throw new DatasetError('stl10', `${path} has ${bytes.length} labels but its images file has ${imageCount} images`, path);
  }
  for (let i = 0; i < out.length; i++) {
    const label = bytes[i]!;
    if (label < 1 || label > 10) {
      throw new DatasetError('stl10', `${path} byte ${i} is ${label}; STL-10 labels are 1-10: the file is corrupt`, path);
    }
    out[i] = label - 1;
  }
}

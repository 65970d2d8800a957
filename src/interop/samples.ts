import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { encodePng } from '../io/png.js';
import { EVAL } from '../ml/nets/context.js';
import type { Generator } from '../ml/nets/generator.js';
import { tf, type Tensor2D, type Tensor4D } from '../ml/tf.js';
import { encodeNpz } from '../util/npz.js';
import { Random } from '../util/random.js';

export type SampleFormat = 'npy' | 'npz' | 'png';

export interface SampleOptions {
  /** Images to write (the rows of `latents` when given). */
  readonly n: number;
  /** Seed of the standard-normal latents when none are given. */
  readonly seed: number;
  /** [n, latentDim] row-major. */
  readonly latents?: Float32Array;
  /** Images per forward pass: what bounds memory. */
  readonly batch: number;
  readonly onBatch?: (done: number, total: number) => void;
}

/** `.npy` and `.npz` are array files; anything else is a folder of PNGs. */
export function sampleFormat(out: string): SampleFormat {
  const lower = out.toLowerCase();
  return lower.endsWith('.npy') ? 'npy' : lower.endsWith('.npz') ? 'npz' : 'png';
}

/** A NumPy 1.0 header for a float32 C-order array (the data is streamed after it). */
function npyHeader(shape: readonly number[]): Uint8Array {
  let text = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  text = text.padEnd(64 * Math.ceil((10 + text.length + 1) / 64) - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(10 + text.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, text.length, true);
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  return out;
}

/**
 * Pixels as the authors' evaluation code makes them (x·127.5 + 127.5, clamped to [0, 255],
 * truncated to uint8), from one NCHW image to HWC.
 */
function toPixels(nchw: Float32Array, offset: number, channels: number, height: number, width: number): Uint8Array {
  const plane = height * width;
  const pixels = new Uint8Array(plane * channels);
  for (let c = 0; c < channels; c++) {
    for (let p = 0; p < plane; p++) pixels[p * channels + c] = Math.trunc(Math.min(255, Math.max(0, nchw[offset + c * plane + p]! * 127.5 + 127.5)));
  }
  return pixels;
}

/**
 * Runs the generator in evaluation mode over the latents, batch by batch, and writes its raw
 * output (float32 NCHW in [-1, 1], as the authors' Generator returns it) to `out`: streamed
 * into a .npy, gathered into a .npz (member `images`), or one PNG per image in a folder.
 */
export async function writeSamples(generator: Generator, out: string, options: SampleOptions): Promise<{ format: SampleFormat; shape: number[] }> {
  const { n, batch } = options;
  const dim = generator.model.latentDim;
  const size = generator.model.imageSize;
  const channels = generator.model.imageChannels;
  const perImage = channels * size * size;
  const shape = [n, channels, size, size];
  const format = sampleFormat(out);
  const random = new Random(options.seed).fork('sample');
  const gathered = format === 'npz' ? new Float32Array(n * perImage) : undefined;
  let fd: number | undefined;
  if (format !== 'png') mkdirSync(dirname(out), { recursive: true });
  if (format === 'npy') {
    fd = openSync(out, 'w');
    writeSync(fd, npyHeader(shape));
  } else if (format === 'png') {
    mkdirSync(out, { recursive: true });
  }
  const digits = String(Math.max(0, n - 1)).length;
  try {
    for (let start = 0; start < n; start += batch) {
      const b = Math.min(batch, n - start);
      const z = options.latents ? options.latents.subarray(start * dim, (start + b) * dim) : random.fillNormal(new Float32Array(b * dim));
      const nchw = tf.tidy(() => tf.transpose(generator.forward(tf.tensor2d(z, [b, dim]) as Tensor2D, EVAL) as Tensor4D, [0, 3, 1, 2]));
      const data = (await nchw.data()) as Float32Array;
      nchw.dispose();
      if (fd !== undefined) writeSync(fd, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      else if (gathered) gathered.set(data, start * perImage);
      else {
        for (let i = 0; i < b; i++) {
          const png = encodePng({ pixels: toPixels(data, i * perImage, channels, size, size), height: size, width: size, channels: channels as 1 | 3 });
          writeFileSync(join(out, `${String(start + i).padStart(digits, '0')}.png`), png);
        }
      }
      options.onBatch?.(start + b, n);
    }
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (gathered) writeFileSync(out, encodeNpz([['images', { dtype: 'float32', shape, data: gathered }]]));
  return { format, shape };
}

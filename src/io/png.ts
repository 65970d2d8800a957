/**
 * PNG files of images and image grids (pngjs). Grids follow torchvision's make_grid +
 * save_image(normalize=True, value_range=(-1, 1)), which the reference code uses for its
 * sample sheets: a 2-pixel black border around and between the images, pixels clamped to
 * [-1, 1] and mapped to bytes by floor((x + 1) / 2 · 255 + 0.5).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PNG } from 'pngjs';

/** 8-bit pixels, row-major, channels interleaved. */
export interface RawImage {
  readonly pixels: Uint8Array;
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3 | 4;
}

export interface GridOptions {
  /** Images to show (the first ones); default all. */
  readonly count?: number;
  /** Images per row; default ⌈√count⌉ (a square grid, as the reference's nrow). */
  readonly columns?: number;
  /** Side of square images, when `images` is a flat array (else use height and width). */
  readonly size?: number;
  readonly height?: number;
  readonly width?: number;
  /** Channels of a flat array: 1 (grey) or 3 (RGB); default 3. */
  readonly channels?: 1 | 3;
  /** Border in pixels (default 2, torchvision's). */
  readonly padding?: number;
}

const COLOR_TYPE = { 1: 0, 3: 2, 4: 6 } as const; // PNG colour types: grey, RGB, RGBA

export function encodePng(image: RawImage): Buffer {
  const { height, width, channels, pixels } = image;
  if (pixels.length !== height * width * channels) throw new RangeError(`expected ${height}x${width}x${channels} pixels, got ${pixels.length}`);
  const colorType = COLOR_TYPE[channels];
  const png = new PNG({ width, height, colorType, inputColorType: colorType, inputHasAlpha: channels === 4 });
  png.data = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  return PNG.sync.write(png, { colorType, inputColorType: colorType, inputHasAlpha: channels === 4 });
}

/** Decodes any PNG to 8-bit pixels with the requested channels: RGBA by default, 3 drops alpha, 1 keeps red (grey files have R = G = B). */
export function decodePng(bytes: Uint8Array, channels: 1 | 3 | 4 = 4): RawImage {
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const rgba = png.data;
  const n = png.width * png.height;
  const pixels = new Uint8Array(n * channels);
  for (let i = 0; i < n; i++) for (let c = 0; c < channels; c++) pixels[i * channels + c] = rgba[i * 4 + c]!;
  return { pixels, height: png.height, width: png.width, channels };
}

/** Composes NHWC images in [-1, 1] into one grid image. */
export function imageGrid(images: Float32Array, options: GridOptions & { height: number; width: number; channels: 1 | 3 }): RawImage {
  const { height: h, width: w, channels: c } = options;
  const available = Math.floor(images.length / (h * w * c));
  if (available * h * w * c !== images.length) throw new RangeError(`${images.length} values are not whole ${h}x${w}x${c} images`);
  const count = Math.min(options.count ?? available, available);
  if (count < 1) throw new RangeError('an image grid needs at least one image');
  const columns = Math.min(options.columns ?? Math.ceil(Math.sqrt(count)), count);
  const rows = Math.ceil(count / columns);
  const pad = options.padding ?? 2;
  const gridH = rows * (h + pad) + pad;
  const gridW = columns * (w + pad) + pad;
  const pixels = new Uint8Array(gridH * gridW * c);
  for (let k = 0; k < count; k++) {
    const top = pad + Math.floor(k / columns) * (h + pad);
    const left = pad + (k % columns) * (w + pad);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let ch = 0; ch < c; ch++) {
          const v = Math.min(Math.max(images[((k * h + y) * w + x) * c + ch]!, -1), 1);
          pixels[((top + y) * gridW + left + x) * c + ch] = Math.min(255, Math.floor(((v + 1) / 2) * 255 + 0.5));
        }
      }
    }
  }
  return { pixels, height: gridH, width: gridW, channels: c };
}

/** Writes a grid of images (NHWC in [-1, 1]) as a PNG; the file appears complete or not at all. */
/**
 * Writes a grid of images given as a flat NHWC array (read tensors with `await t.data()`
 * first: a synchronous read is impossible on WebGPU in Node).
 */
export function writeImageGrid(file: string, images: Float32Array, options: GridOptions = {}): void {
  const height = options.height ?? options.size;
  const width = options.width ?? options.size;
  if (height === undefined || width === undefined) throw new RangeError('writeImageGrid: give `size` (or height and width)');
  writeAtomic(file, encodePng(imageGrid(images, { ...options, height, width, channels: options.channels ?? 3 })));
}

function writeAtomic(file: string, bytes: Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.tmp-${process.pid}`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, file);
}

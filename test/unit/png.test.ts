import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodePng, encodePng, imageGrid, writeImageGrid } from '../../src/io/png.js';

const dir = mkdtempSync(join(tmpdir(), 'dsl-png-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('encodePng / decodePng', () => {
  it.each([1, 3, 4] as const)('round-trips %i-channel pixels exactly', (channels) => {
    const pixels = Uint8Array.from({ length: 5 * 7 * channels }, (_, i) => (i * 37) % 256);
    const decoded = decodePng(encodePng({ pixels, height: 5, width: 7, channels }), channels);
    expect(decoded).toEqual({ pixels, height: 5, width: 7, channels });
  });

  it('rejects pixels that do not match the shape', () => {
    expect(() => encodePng({ pixels: new Uint8Array(10), height: 2, width: 2, channels: 3 })).toThrow(/expected 2x2x3 pixels/);
  });
});

describe('imageGrid', () => {
  it('lays images out row by row with a 2-pixel black border, mapping [-1, 1] as torchvision save_image', () => {
    // Three 1x2 grey images: values -1 (→0), 0 (→128), 1 (→255), beyond ±1 clamped.
    const images = Float32Array.from([-1, 0, 1, 2, -3, 0.5]);
    const grid = imageGrid(images, { height: 1, width: 2, channels: 1, columns: 2 });
    // 2 columns, 2 rows: width 2*(2+2)+2 = 10, height 2*(1+2)+2 = 8.
    expect([grid.height, grid.width, grid.channels]).toEqual([8, 10, 1]);
    const at = (y: number, x: number) => grid.pixels[y * grid.width + x];
    expect([at(2, 2), at(2, 3)]).toEqual([0, 128]);
    expect([at(2, 6), at(2, 7)]).toEqual([255, 255]);
    expect([at(5, 2), at(5, 3)]).toEqual([0, 191]); // floor(0.75 * 255 + 0.5)
    // Border and the empty fourth cell stay black.
    const lit = [...grid.pixels.keys()].filter((i) => grid.pixels[i]! > 0).map((i) => [Math.floor(i / grid.width), i % grid.width]);
    expect(lit).toEqual([[2, 3], [2, 6], [2, 7], [5, 3]]);
  });

  it('defaults to a square grid of all images and honours count', () => {
    const images = new Float32Array(10 * 4 * 4 * 3);
    expect(imageGrid(images, { height: 4, width: 4, channels: 3 })).toMatchObject({ height: 3 * 6 + 2, width: 4 * 6 + 2 }); // 4 columns, 3 rows
    expect(imageGrid(images, { height: 4, width: 4, channels: 3, count: 4 })).toMatchObject({ height: 2 * 6 + 2, width: 2 * 6 + 2 });
  });
});

describe('writeImageGrid', () => {
  it('writes a PNG from a flat array, creating the folder and leaving no temporary file', () => {
    const file = join(dir, 'samples', 'grid.png');
    writeImageGrid(file, new Float32Array(4 * 3 * 3 * 3).fill(1), { count: 4, size: 3, channels: 3 });
    const png = decodePng(readFileSync(file), 3);
    expect([png.height, png.width]).toEqual([12, 12]);
    expect(png.pixels[(2 * 12 + 2) * 3]).toBe(255);
    expect(readdirSync(join(dir, 'samples'))).toEqual(['grid.png']);
  });

  it('replaces an existing file', () => {
    const file = join(dir, 'replaced.png');
    writeImageGrid(file, new Float32Array(2 * 2 * 2), { size: 2, channels: 1 });
    writeImageGrid(file, new Float32Array(2 * 2 * 2).fill(-1), { size: 2, channels: 1 });
    const png = decodePng(readFileSync(file), 1);
    expect([png.height, png.width]).toEqual([6, 10]);
    expect(png.pixels.every((v) => v === 0)).toBe(true);
    expect(existsSync(`${file}.tmp-${process.pid}`)).toBe(false);
  });

  it('needs the image size for a flat array', () => {
    expect(() => writeImageGrid(join(dir, 'x.png'), new Float32Array(12))).toThrow(/give `size`/);
  });
});

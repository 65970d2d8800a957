import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { centerCropSquare, padToSquare, prepareImage, toChannels } from '../../../src/data/image.js';
import { resizeBilinear } from '../../../src/data/resize.js';
import { noise } from './helpers.js';

interface Reference {
  pillow: string;
  resize: { seed: number; width: number; height: number; channels: number; outWidth: number; outHeight: number; expected: string }[];
  grey: { seed: number; width: number; height: number; expected: string };
  cropResize: { seed: number; width: number; height: number; side: number; expected: string };
}
const reference = JSON.parse(readFileSync(new URL('../../fixtures/data/resize_reference.json', import.meta.url), 'utf8')) as Reference;
const bytes = (b64: string): number[] => [...Buffer.from(b64, 'base64')];

describe('resizeBilinear equals Pillow Image.resize(BILINEAR) byte for byte', () => {
  it.each(reference.resize)('$width x $height x $channels -> $outWidth x $outHeight', (c) => {
    const src = noise(c.seed, c.width * c.height * c.channels);
    expect([...resizeBilinear(src, c.height, c.width, c.channels, c.outHeight, c.outWidth)]).toEqual(bytes(c.expected));
  });
});

describe('the 2x reduction', () => {
  it('is the [1,3,3,1]/8 filter with renormalised edge taps, horizontal pass rounded before the vertical one', () => {
    const row = [10, 20, 40, 80, 160, 200];
    const out = [...resizeBilinear(Uint8Array.from(row), 1, 6, 1, 1, 3)];
    const round = (v: number): number => Math.floor(v + 0.5);
    expect(out).toEqual([
      round((3 * 10 + 3 * 20 + 1 * 40) / 7), // left edge: taps [3, 3, 1]/7
      round((20 + 3 * 40 + 3 * 80 + 160) / 8),
      round((80 + 3 * 160 + 3 * 200) / 7), // right edge: [1, 3, 3]/7
    ]);
  });

  it('returns the input unchanged when the size is unchanged', () => {
    const src = noise(1, 12);
    expect(resizeBilinear(src, 2, 2, 3, 2, 2)).toBe(src);
  });
});

describe('channel conversion and cropping', () => {
  it("grey is Pillow's convert('L')", () => {
    const { seed, width, height, expected } = reference.grey;
    const rgb = { pixels: noise(seed, width * height * 3), height, width, channels: 3 };
    expect([...toChannels(rgb, 1).pixels]).toEqual(bytes(expected));
  });

  it('grey to RGB repeats the value and RGBA to RGB drops alpha', () => {
    expect([...toChannels({ pixels: Uint8Array.from([7, 9]), height: 1, width: 2, channels: 1 }, 3).pixels]).toEqual([7, 7, 7, 9, 9, 9]);
    expect([...toChannels({ pixels: Uint8Array.from([1, 2, 3, 0, 4, 5, 6, 255]), height: 1, width: 2, channels: 4 }, 3).pixels]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('centre-crops with torchvision offsets, then resizes as Pillow', () => {
    const { seed, width, height, side, expected } = reference.cropResize;
    const img = { pixels: noise(seed, width * height * 3), height, width, channels: 3 };
    expect([...prepareImage(img, side, 3).pixels]).toEqual(bytes(expected));
    // 5 spare columns split 2 | 3 (Python rounds 2.5 to 2).
    const strip = { pixels: Uint8Array.from([0, 1, 2, 3, 4, 5]), height: 1, width: 6, channels: 1 };
    expect([...centerCropSquare(strip).pixels]).toEqual([2]);
  });

  it('pads with a centred zero border', () => {
    const img = padToSquare({ pixels: Uint8Array.from([1, 2, 3, 4]), height: 2, width: 2, channels: 1 }, 4);
    expect([...img.pixels]).toEqual([0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0]);
  });
});

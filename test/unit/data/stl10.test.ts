import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/data/load.js';
import { resizeBilinear } from '../../../src/data/resize.js';
import { concat, expectDatasetError, stlImage, tempDir, writeFile } from './helpers.js';

/** Different along rows and columns, so a missed transpose cannot pass. */
const pattern = (i: number) => (k: number, r: number, c: number): number => (i * 11 + k * 70 + r * 1 + c * 2) % 256;

function hwc(i: number): Uint8Array {
  const out = new Uint8Array(96 * 96 * 3);
  for (let r = 0; r < 96; r++) for (let c = 0; c < 96; c++) for (let k = 0; k < 3; k++) out[(r * 96 + c) * 3 + k] = pattern(i)(k, r, c);
  return out;
}

/** Two labelled training images, one test image and three unlabeled ones. */
function writeStl(dir: string): void {
  writeFile(dir, 'train_X.bin', concat(stlImage(pattern(0)), stlImage(pattern(1))));
  writeFile(dir, 'train_y.bin', Uint8Array.from([1, 10]));
  writeFile(dir, 'test_X.bin', stlImage(pattern(2)));
  writeFile(dir, 'test_y.bin', Uint8Array.from([5]));
  writeFile(dir, 'unlabeled_X.bin', concat(stlImage(pattern(3)), stlImage(pattern(4)), stlImage(pattern(5))));
}

describe('STL-10 binary reader', () => {
  const root = tempDir('stl');
  writeStl(join(root, 'stl10_binary'));

  it('undoes the column-major (MATLAB) layout and maps labels 1..10 to 0..9', async () => {
    const ds = await loadDataset({ dataset: 'stl10', root, imageSize: 96, channels: 3, split: 'train' });
    expect(ds).toMatchObject({ size: 2, height: 96, width: 96, channels: 3, classes: 10 });
    expect([...ds.labels!]).toEqual([0, 9]);
    // Row 0, column 1 must hold the value written at c·96 + r = 96, not at index 1.
    expect(ds.pixels[(0 * 96 + 1) * 3]).toBe(pattern(0)(0, 0, 1));
    expect(ds.pixels[(1 * 96 + 0) * 3]).toBe(pattern(0)(0, 1, 0));
    expect([...ds.pixels.subarray(96 * 96 * 3)]).toEqual([...hwc(1)]);
  });

  it("defaults to the paper's train+unlabeled, in torchvision's order, without labels", async () => {
    const ds = await loadDataset({ dataset: 'stl10', root, imageSize: 96, channels: 3 });
    expect(ds.split).toBe('train+unlabeled');
    expect(ds.size).toBe(5);
    expect(ds.labels).toBeUndefined();
    const image = (i: number): number[] => [...ds.pixels.subarray(i * 27648, (i + 1) * 27648)];
    expect([0, 1, 2, 3, 4].map(image)).toEqual([0, 1, 3, 4, 5].map((i) => [...hwc(i)]));
  });

  it('resizes 96 -> 48 as torchvision Resize(48) on a PIL image, and honours limit across files', async () => {
    const ds = await loadDataset({ dataset: 'stl10', root, imageSize: 48, channels: 3, limit: 3 });
    expect(ds.size).toBe(3);
    expect([...ds.pixels.subarray(2 * 6912)]).toEqual([...resizeBilinear(hwc(3), 96, 96, 3, 48, 48)]);
    const test = await loadDataset({ dataset: 'stl10', root, imageSize: 48, channels: 1, split: 'test' });
    expect([...test.labels!]).toEqual([4]);
    expect(test.pixels).toHaveLength(48 * 48);
  });
});

describe('STL-10 problems', () => {
  it('names what is missing and how to get it', async () => {
    const root = tempDir('stl-missing');
    writeFile(join(root, 'stl10_binary'), 'train_X.bin', stlImage(() => 0));
    await expectDatasetError(
      () => loadDataset({ dataset: 'stl10', root, imageSize: 48, channels: 3 }),
      `missing unlabeled_X.bin in ${join(root, 'stl10_binary')}`,
      'https://ai.stanford.edu/~acoates/stl10/stl10_binary.tar.gz',
      '91f7769df0f17e558f3565bffb0c7dfb',
    );
  });

  it('rejects truncated images, label counts that do not match and impossible labels', async () => {
    const root = tempDir('stl-corrupt');
    writeStl(root);
    writeFile(root, 'unlabeled_X.bin', stlImage(() => 0).subarray(0, 27000));
    await expectDatasetError(
      () => loadDataset({ dataset: 'stl10', root, imageSize: 48, channels: 3 }),
      'unlabeled_X.bin is 27000 bytes, not a whole number of 27648-byte records (the official file is 2764800000 bytes)',
    );
    writeFile(root, 'train_y.bin', Uint8Array.from([1]));
    await expectDatasetError(() => loadDataset({ dataset: 'stl10', root, imageSize: 48, channels: 3, split: 'train' }), 'train_y.bin has 1 labels but its images file has 2 images');
    writeFile(root, 'train_y.bin', Uint8Array.from([0, 3]));
    await expectDatasetError(() => loadDataset({ dataset: 'stl10', root, imageSize: 48, channels: 3, split: 'train' }), 'byte 0 is 0; STL-10 labels are 1-10');
  });
});

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/data/load.js';
import { resizeBilinear } from '../../../src/data/resize.js';
import { cifarRecord, concat, expectDatasetError, tempDir, writeFile } from './helpers.js';

/** Pixel (y, x) of channel k in record i: distinct per channel, row and column. */
const pattern = (i: number) => (k: number, y: number, x: number): number => (i * 7 + k * 80 + y * 5 + x * 3) % 256;

/** A CIFAR-10 folder with records 0..2 spread over the five training files, and one test record. */
function writeCifar(dir: string): void {
  const records = [0, 1, 2].map((i) => cifarRecord(i + 3, pattern(i)));
  writeFile(dir, 'data_batch_1.bin', concat(records[0]!, records[1]!));
  writeFile(dir, 'data_batch_2.bin', records[2]!);
  for (const n of [3, 4, 5]) writeFile(dir, `data_batch_${n}.bin`, cifarRecord(9, () => 255));
  writeFile(dir, 'test_batch.bin', cifarRecord(1, pattern(9)));
}

describe('CIFAR-10 binary reader', () => {
  const root = tempDir('cifar');
  const batches = join(root, 'cifar-10-batches-bin');
  writeCifar(batches);

  it('reads records as NHWC with labels, from the parent of cifar-10-batches-bin/', async () => {
    const ds = await loadDataset({ dataset: 'cifar10', root, imageSize: 32, channels: 3 });
    expect(ds).toMatchObject({ name: 'cifar10', split: 'train', size: 6, height: 32, width: 32, channels: 3, classes: 10 });
    expect([...ds.labels!]).toEqual([3, 4, 5, 9, 9, 9]);
    for (const i of [0, 1, 2]) {
      for (const [y, x, k] of [[0, 0, 0], [0, 1, 0], [1, 0, 0], [31, 30, 2], [5, 17, 1]] as const) {
        expect(ds.pixels[((i * 32 + y) * 32 + x) * 3 + k]).toBe(pattern(i)(k, y, x));
      }
    }
    expect(ds.files.map((f) => f.slice(batches.length + 1))).toEqual(['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin']);
  });

  it('also takes the folder itself as root, the test split, and a limit (reading no further than needed)', async () => {
    const test = await loadDataset({ dataset: 'cifar10', root: batches, imageSize: 32, channels: 3, split: 'test' });
    expect(test.size).toBe(1);
    expect(test.pixels[3 * 33 + 1]).toBe(pattern(9)(1, 1, 1));
    const first = await loadDataset({ dataset: 'cifar10', root: batches, imageSize: 32, channels: 3, limit: 2 });
    expect(first.size).toBe(2);
    expect(first.files).toHaveLength(1);
  });

  it('resizes with the Pillow filter and converts to grey', async () => {
    const ds = await loadDataset({ dataset: 'cifar10', root, imageSize: 16, channels: 1, limit: 1 });
    const rgb = new Uint8Array(32 * 32 * 3);
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) for (let k = 0; k < 3; k++) rgb[(y * 32 + x) * 3 + k] = pattern(0)(k, y, x);
    const grey = Uint8Array.from({ length: 1024 }, (_, p) => (rgb[p * 3]! * 19595 + rgb[p * 3 + 1]! * 38470 + rgb[p * 3 + 2]! * 7471 + 0x8000) >> 16);
    expect([...ds.pixels]).toEqual([...resizeBilinear(grey, 32, 32, 1, 16, 16)]);
  });
});

describe('CIFAR-10 problems are DatasetErrors that say what to do', () => {
  it('names the missing files, the directories looked in, the URL and the MD5', async () => {
    const empty = tempDir('cifar-empty');
    await expectDatasetError(
      () => loadDataset({ dataset: 'cifar10', root: empty, imageSize: 32, channels: 3, split: 'test' }),
      `test_batch.bin not found in ${empty} or ${join(empty, 'cifar-10-batches-bin')}.`,
      `extract it into ${empty}`,
    );
    const root = tempDir('cifar-missing');
    writeFile(root, 'data_batch_1.bin', cifarRecord(0, () => 0));
    const error = await expectDatasetError(
      () => loadDataset({ dataset: 'cifar10', root, imageSize: 32, channels: 3 }),
      `cifar10: missing data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, data_batch_5.bin in ${root} (expected data_batch_1.bin,`,
      'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
      'c32a1d4ab5d03f1284b67883e8d87530',
    );
    expect(error.dataset).toBe('cifar10');
  });

  it('reports a truncated file with its size and the official size', async () => {
    const root = tempDir('cifar-truncated');
    writeCifar(root);
    writeFile(root, 'data_batch_2.bin', cifarRecord(0, () => 0).subarray(0, 3000));
    const error = await expectDatasetError(
      () => loadDataset({ dataset: 'cifar10', root, imageSize: 32, channels: 3 }),
      'data_batch_2.bin is 3000 bytes, not a whole number of 3073-byte records',
      'the official file is 30730000 bytes',
    );
    expect(error.file).toBe(join(root, 'data_batch_2.bin'));
  });

  it('rejects empty files and impossible labels', async () => {
    const root = tempDir('cifar-corrupt');
    writeCifar(root);
    writeFile(root, 'test_batch.bin', new Uint8Array(0));
    await expectDatasetError(() => loadDataset({ dataset: 'cifar10', root, imageSize: 32, channels: 3, split: 'test' }), 'test_batch.bin is 0 bytes');
    writeFile(root, 'test_batch.bin', cifarRecord(200, () => 0));
    await expectDatasetError(() => loadDataset({ dataset: 'cifar10', root, imageSize: 32, channels: 3, split: 'test' }), 'record 0 has label 200');
    await expectDatasetError(() => loadDataset({ dataset: 'cifar10', root, imageSize: 32, channels: 3, split: 'unlabeled' }), "no 'unlabeled' split");
  });

  it('validates the configuration', async () => {
    await expectDatasetError(() => loadDataset({ dataset: 'cifar10', root: '.', imageSize: 0, channels: 3 }), 'imageSize');
    await expectDatasetError(() => loadDataset({ dataset: 'cifar10', root: '.', imageSize: 32, channels: 3, limit: 0 }), 'limit');
  });
});

import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeDataset } from '../../../src/data/describe.js';
import { verifyArchive } from '../../../src/data/verify.js';
import { cifarRecord, expectDatasetError, tempDir, writeFile } from './helpers.js';

describe('describeDataset', () => {
  it('lists every CIFAR-10 file with its actual and official size, and how to get them', async () => {
    const root = tempDir('describe-cifar');
    const dir = join(root, 'cifar-10-batches-bin');
    writeFile(dir, 'data_batch_1.bin', cifarRecord(0, () => 0));
    const d = await describeDataset('cifar10', root);
    expect(d.directory).toBe(dir);
    expect(d.complete).toBe(false);
    expect(d.files).toHaveLength(6);
    expect(d.files[0]).toEqual({ name: 'data_batch_1.bin', path: join(dir, 'data_batch_1.bin'), expectedBytes: 30_730_000, bytes: 3073, ok: false });
    expect(d.files[1]).toMatchObject({ name: 'data_batch_2.bin', bytes: null, ok: false });
    expect(d.hint).toContain('data_batch_1.bin has an unexpected size');
    expect(d.hint).toContain('c32a1d4ab5d03f1284b67883e8d87530');
  });

  it('describes a missing STL-10, the mnist package and a folder', async () => {
    const root = tempDir('describe-other');
    const stl = await describeDataset('stl10', root);
    expect(stl.complete).toBe(false);
    expect(stl.files.map((f) => f.name)).toEqual(['train_X.bin', 'train_y.bin', 'test_X.bin', 'test_y.bin', 'unlabeled_X.bin']);
    expect(stl.hint).toContain('https://ai.stanford.edu/~acoates/stl10/stl10_binary.tar.gz');
    const mnist = await describeDataset('mnist', root);
    expect(mnist.complete).toBe(true);
    expect(mnist.files).toHaveLength(10);
    expect(await describeDataset('folder', root)).toMatchObject({ complete: false, imageCount: 0 });
  });
});

describe('verifyArchive', () => {
  it('compares the MD5, case-insensitively', async () => {
    const path = writeFile(tempDir('verify'), 'archive.tar.gz', new TextEncoder().encode('hello'));
    const md5 = createHash('md5').update('hello').digest('hex');
    expect(await verifyArchive(path, md5.toUpperCase())).toEqual({ path, bytes: 5, expected: md5, actual: md5, ok: true });
    expect((await verifyArchive(path, 'c32a1d4ab5d03f1284b67883e8d87530')).ok).toBe(false);
    const missing = join(path, '..', 'nope.tar.gz');
    expect((await expectDatasetError(() => verifyArchive(missing, md5), `cannot read archive ${missing}`, 'ENOENT')).dataset).toBeUndefined();
    expect((await expectDatasetError(() => verifyArchive(missing, '91F7769DF0F17E558F3565BFFB0C7DFB'), 'stl10: cannot read archive')).dataset).toBe('stl10');
  });
});

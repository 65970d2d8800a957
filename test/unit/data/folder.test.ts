import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG, type ColorType } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { listImageFiles } from '../../../src/data/folder.js';
import { loadDataset } from '../../../src/data/load.js';
import { resizeBilinear } from '../../../src/data/resize.js';
import { expectDatasetError, noise, tempDir, writeFile } from './helpers.js';

function png(width: number, height: number, rgba: Uint8Array, colorType: ColorType = 6): Uint8Array {
  const image = new PNG({ width, height, colorType, inputHasAlpha: true });
  image.data.set(rgba);
  return PNG.sync.write(image, { colorType });
}

describe('image folder reader', () => {
  const root = tempDir('folder');
  const rgba = noise(1, 8 * 8 * 4);
  writeFile(join(root, 'b'), 'two.PNG', png(8, 8, rgba));
  writeFile(root, 'a.png', png(4, 4, new Uint8Array(4 * 4 * 4).fill(255)));
  writeFile(join(root, 'b'), 'one.jpeg', jpeg.encode({ data: Buffer.alloc(8 * 6 * 4, 128), width: 8, height: 6 }, 95).data);
  writeFile(root, 'notes.txt', new TextEncoder().encode('not an image'));

  it('lists PNG/JPEG files recursively, sorted by relative path', async () => {
    expect((await listImageFiles(root)).map((p) => p.slice(root.length + 1))).toEqual(['a.png', 'b/one.jpeg', 'b/two.PNG']);
  });

  it('decodes, drops alpha, centre-crops and resizes', async () => {
    const ds = await loadDataset({ dataset: 'folder', root, imageSize: 4, channels: 3 });
    expect(ds).toMatchObject({ name: 'folder', size: 3, height: 4, width: 4, channels: 3 });
    expect(ds.labels).toBeUndefined();
    expect([...ds.pixels.subarray(0, 48)]).toEqual(new Array(48).fill(255));
    // A flat grey JPEG stays (almost exactly) flat grey after crop and resize.
    for (const v of ds.pixels.subarray(48, 96)) expect(Math.abs(v - 128)).toBeLessThanOrEqual(1);
    const rgb = Uint8Array.from({ length: 64 * 3 }, (_, i) => rgba[Math.floor(i / 3) * 4 + (i % 3)]!);
    expect([...ds.pixels.subarray(96)]).toEqual([...resizeBilinear(rgb, 8, 8, 3, 4, 4)]);
  });

  it('converts to grey and honours limit', async () => {
    const ds = await loadDataset({ dataset: 'folder', root, imageSize: 2, channels: 1, limit: 1 });
    expect([...ds.pixels]).toEqual([255, 255, 255, 255]);
    expect(ds.files).toEqual([join(root, 'a.png')]);
  });

  it('names an undecodable file, and an empty or missing folder', async () => {
    const bad = tempDir('folder-bad');
    writeFile(bad, 'ok.png', png(2, 2, new Uint8Array(16)));
    writeFile(bad, 'broken.png', png(2, 2, new Uint8Array(16)).subarray(0, 40));
    await expectDatasetError(() => loadDataset({ dataset: 'folder', root: bad, imageSize: 2, channels: 3 }), `cannot decode ${join(bad, 'broken.png')} (40 bytes)`);
    writeFile(bad, 'broken.png', new TextEncoder().encode('hello'));
    await expectDatasetError(() => loadDataset({ dataset: 'folder', root: bad, imageSize: 2, channels: 3 }), 'neither a PNG nor a JPEG');
    const empty = tempDir('folder-empty');
    await expectDatasetError(() => loadDataset({ dataset: 'folder', root: empty, imageSize: 2, channels: 3 }), `no .png, .jpg or .jpeg files under ${empty}`);
    await expectDatasetError(() => loadDataset({ dataset: 'folder', root: join(empty, 'nope'), imageSize: 2, channels: 3 }), 'cannot list', 'ENOENT');
  });
});

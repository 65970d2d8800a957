/**
 * A folder of images: every .png/.jpg/.jpeg below `root` (recursively, any
 * case), sorted by relative path (code-point order, so the same on every
 * machine), decoded, converted to the configured channels (Pillow's rules:
 * alpha dropped, RGB→grey by luma), centre-cropped to a square when not square
 * (torchvision CenterCrop offsets) and resized with Pillow's antialiased
 * bilinear filter. Cropping first keeps the aspect ratio: a 64x48 photo gives
 * its central 48x48 square, resized. There are no labels.
 */
import { readdir } from 'node:fs/promises';
import { extname, join, relative, resolve } from 'node:path';
import { decodeImage, IMAGE_EXTENSIONS } from './decode.js';
import { DatasetError } from './errors.js';
import { readWhole } from './files.js';
import { prepareImage } from './image.js';
import type { DatasetConfig, ImageDataset } from './types.js';

/** Image files under `root`, sorted by their path relative to it. */
export async function listImageFiles(root: string): Promise<string[]> {
  const dir = resolve(root);
  const found: string[] = [];
  const walk = async (at: string): Promise<void> => {
    const entries = await readdir(at, { withFileTypes: true });
    for (const entry of entries) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && (IMAGE_EXTENSIONS as readonly string[]).includes(extname(entry.name).toLowerCase())) found.push(path);
    }
  };
  try {
    await walk(dir);
  } catch (error) {
    throw new DatasetError('folder', `cannot list ${dir} (${(error as NodeJS.ErrnoException).code ?? String(error)}); set data.root to a directory of PNG/JPEG images`);
  }
  const key = (p: string): string => relative(dir, p).split('\\').join('/');
  return found.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export async function loadFolder(cfg: DatasetConfig): Promise<ImageDataset> {
  const all = await listImageFiles(cfg.root);
  if (all.length === 0) {
    throw new DatasetError('folder', `no .png, .jpg or .jpeg files under ${resolve(cfg.root)}; set data.root to a directory of images`);
  }
  const files = all.slice(0, cfg.limit ?? all.length);
  const { imageSize: side, channels } = cfg;
  const imageBytes = side * side * channels;
  const pixels = new Uint8Array(files.length * imageBytes);
  for (const [i, path] of files.entries()) {
    const bytes = await readWhole('folder', path);
    let image;
    try {
      image = decodeImage(bytes);
    } catch (error) {
      throw new DatasetError('folder', `cannot decode ${path} (${bytes.length} bytes): ${(error as Error).message}`, path);
    }
    pixels.set(prepareImage(image, side, channels).pixels, i * imageBytes);
  }
  return { name: 'folder', split: cfg.split ?? 'train', size: files.length, height: side, width: side, channels, pixels, files };
}

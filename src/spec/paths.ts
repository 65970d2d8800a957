import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import type { SpecHost } from './host.js';
import { getIn, type PlainObject } from './merge.js';
import { BUILTIN_PREFIX } from './assets.js';
import type { SourceText } from './source.js';

/** Keys that hold file paths. Each is relative to the file that set it (like `extends`). */
const PATH_KEYS: readonly (readonly string[])[] = [
  ['data', 'root'],
  ['derive', 'from'],
  ['train', 'from'],
  ['evaluate', 'features', 'path'],
  ['report', 'template'],
];

/**
 * Makes every path in the spec absolute: relative to the spec file that wrote it, to the
 * working directory for `--set` values, and to the project root for defaults.
 */
export function absolutizePaths(value: PlainObject, sources: readonly SourceText[], rootFile: string, host: SpecHost, cwd: string): void {
  const project = projectRoot(rootFile, host);
  for (const path of PATH_KEYS) {
    const current = getIn(value, path);
    if (typeof current !== 'string' || isAbsolute(current) || current.startsWith(BUILTIN_PREFIX)) continue;
    const origin = sources.find((s) => s.has(path));
    const base = origin === undefined ? project : origin.file.startsWith('--set') ? cwd : dirname(origin.file);
    setIn(value, path, resolve(base, current));
  }
  const runtime = value.runtime as PlainObject;
  const outDir = runtime.outDir as string;
  if (!isAbsolute(outDir)) {
    const origin = sources.find((s) => s.has(['runtime', 'outDir']));
    runtime.outDir = resolve(origin?.file.startsWith('--set') ? cwd : project, outDir);
  }
}

/** The nearest folder above the spec holding package.json or .git; else the spec's folder. */
export function projectRoot(specFile: string, host: SpecHost): string {
  let dir = dirname(resolve(specFile));
  for (;;) {
    if (host.exists(join(dir, 'package.json')) || host.exists(join(dir, '.git'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return dirname(resolve(specFile));
    dir = parent;
  }
}

export const specName = (file: string): string => basename(file, extname(file));

function setIn(target: PlainObject, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) node = node[key] as PlainObject;
  node[path[path.length - 1]!] = value;
}

import { existsSync, mkdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { describeFsError } from '../io/fsErrors.js';
import { RunDirError } from './errors.js';

/** Kernel file systems: nothing of a run belongs there, and a recursive mkdir in /proc/self never ends. */
const VIRTUAL = ['/proc', '/sys', '/dev'];
const PROBE = '.dsl-probe';

/**
 * Creates the experiment's run directory (`runtime.outDir/<experiment>`) or explains in one
 * line why it cannot: a path through a file, a kernel file system, a read-only or full disk.
 * Folders are made one at a time from the deepest one that exists, after that one is checked,
 * and a probe file proves the directory is writable before any stage starts.
 */
export function prepareRunDir(outDir: string, root: string): void {
  let existing = resolve(root);
  const missing: string[] = [];
  while (!existsSync(existing) && dirname(existing) !== existing) {
    missing.unshift(basename(existing));
    existing = dirname(existing);
  }
  const real = realpathSync(existing);
  if (VIRTUAL.some((v) => real === v || real.startsWith(`${v}${sep}`))) {
    throw new RunDirError(outDir, `${real} is on a kernel file system (${real.split(sep)[1]}), not a disk`);
  }
  if (!statSync(real).isDirectory()) throw new RunDirError(outDir, `${real} is a file, not a directory (ENOTDIR)`);
  let dir = real;
  try {
    for (const name of missing) {
      dir = join(dir, name);
      mkdirSync(dir);
    }
    const probe = join(dir, PROBE);
    writeFileAtomic(probe, 'x');
    rmSync(probe, { force: true });
  } catch (error) {
    const cause = describeFsError(error);
    if (cause) throw new RunDirError(outDir, `${dir}: ${cause.replace(/^cannot \w+ \S+: /, '')}`);
    throw error;
  }
}

import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { isInside } from '../spec/semantics/placement.js';
import { StageError } from './errors.js';

/** The run directory's record of the files dsl put there outside its stage directories. */
const RECORD = '.dsl-written.json';

/**
 * `target` with its existing part resolved through symlinks, checked to lie inside `root`
 * (also resolved): a path that is lexically inside but goes through a link out of the run is
 * refused before anything is written.
 */
export function resolveInside(root: string, target: string, setting: string): string {
  const realRoot = realpathSync(root);
  // The file itself is replaced by a rename, which does not follow a link; its folders would.
  let dir = dirname(resolve(target));
  const rest = [basename(target)];
  while (!existsSync(dir) && dirname(dir) !== dir) {
    rest.unshift(basename(dir));
    dir = dirname(dir);
  }
  const real = join(realpathSync(dir), ...rest);
  if (!isInside(realRoot, real)) {
    throw new StageError(`${setting} resolves to ${real}, outside the run directory ${realRoot}`, 'remove the symbolic link, or choose a path inside the run directory');
  }
  return real;
}

/** Paths (relative to the run directory) that dsl wrote there itself. */
export function ownedFiles(runDir: string): Set<string> | undefined {
  try {
    return new Set(JSON.parse(readFileSync(join(runDir, RECORD), 'utf8')) as string[]);
  } catch {
    return undefined;
  }
}

/**
 * Refuses to replace `paths` (files, or folders taken as their files) unless dsl wrote every
 * file in them: the report's clean-up would otherwise delete a user's notes. A run directory
 * without a record (written by an older dsl) owns its default report and assets folder.
 */
export function assertOwned(runDir: string, paths: readonly string[], setting: string, legacy: readonly string[]): void {
  const owned = ownedFiles(runDir);
  for (const path of paths) {
    for (const file of filesUnder(path)) {
      const rel = relative(runDir, file);
      const ours = owned ? owned.has(rel) : legacy.some((l) => rel === l || rel.startsWith(`${l}/`));
      if (!ours) {
        throw new StageError(`${setting} would replace ${file}, which dsl did not write`, `move that file away, or choose another ${setting}`);
      }
    }
  }
}

/** Records the files now at `paths` as dsl's (replacing the record of `replaced`). */
export function recordOwned(runDir: string, paths: readonly string[], replaced: readonly string[]): void {
  const gone = replaced.map((p) => relative(runDir, p));
  const kept = [...(ownedFiles(runDir) ?? [])].filter((f) => !gone.some((g) => f === g || f.startsWith(`${g}/`)));
  const now = paths.flatMap(filesUnder).map((f) => relative(runDir, f));
  const tmp = join(runDir, `${RECORD}.${process.pid}.tmp`);
  writeFileSync(tmp, `${JSON.stringify([...new Set([...kept, ...now])].sort(), null, 1)}\n`);
  renameSync(tmp, join(runDir, RECORD));
}

function filesUnder(path: string): string[] {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return [];
  }
  if (!stat.isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => filesUnder(join(path, name)));
}

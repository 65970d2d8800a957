import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { CompileContext } from '../compile/graph.js';
import { builtinTemplatesDir } from '../spec/assets.js';
import { dataIdentity } from '../data/identity.js';

/**
 * sha256 of a file's bytes, or of a directory's files (relative paths and contents, in sorted
 * order, so that editing a template partial changes the hash of its folder); a fixed marker
 * when the path cannot be read (validation reports why).
 */
export function fileHash(path: string): string {
  try {
    const hash = createHash('sha256');
    if (statSync(path).isDirectory()) {
      for (const file of listFiles(path)) hash.update(relative(path, file)).update('\0').update(readFileSync(file));
    } else {
      hash.update(readFileSync(path));
    }
    return hash.digest('hex');
  } catch {
    return 'unreadable';
  }
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => (entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)]));
}

/**
 * What a report template's rendering depends on: the template, the other `.njk` files beside
 * it and in its `partials/` folder (what it can include), and the built-in templates (whose
 * partials every template may use). Not its whole folder: templates often sit next to specs
 * and run directories.
 */
export function templateHash(template: string, builtinDir: string): string {
  const njk = (dir: string) => {
    try {
      return readdirSync(dir).filter((f) => f.endsWith('.njk')).sort().map((f) => join(dir, f));
    } catch {
      return [];
    }
  };
  const dir = dirname(template);
  const files = [...new Set([template, ...njk(dir), ...njk(join(dir, 'partials')), ...njk(builtinDir), ...njk(join(builtinDir, 'partials'))])];
  const hash = createHash('sha256');
  for (const file of files) hash.update(file).update('\0').update(fileHash(file));
  return hash.digest('hex');
}

/** How compile() reads files on this machine: contents of genotypes and report templates. */
export const fileContext: CompileContext = {
  contentHash: fileHash,
  templateHash: (template) => templateHash(template, builtinTemplatesDir),
  dataIdentity,
};

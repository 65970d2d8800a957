import type { Stats } from 'node:fs';
import { basename, dirname, sep } from 'node:path';
import { BUILTIN_PREFIX, builtinTemplatesDir, templateFile } from '../spec/assets.js';
import type { ResolvedSpec } from '../spec/types.js';

const builtinDir = builtinTemplatesDir.replace(/[\\/]$/, '');
const inside = (path: string, dir: string): boolean => path === dir || path.startsWith(`${dir}${sep}`);

/**
 * What watch mode watches for a spec: the spec, every file it extends, the genotype it reads
 * and the report template (all in the resolution's `files`), plus the folders templates are
 * looked up in, since a partial is found there only at render time. Never the run directory:
 * those are watch mode's own outputs.
 */
export class WatchTargets {
  private files = new Set<string>();
  private folders = new Set<string>([builtinDir]);
  private template: string | undefined;
  private outDir: string | undefined;

  /** Updates the targets from a resolution; returns the paths to start and stop watching. */
  update(files: readonly string[], spec: ResolvedSpec | undefined): { add: string[]; remove: string[] } {
    const before = this.paths();
    this.files = new Set([...files, ...(spec ? [] : this.files)]);
    // The spec's folder too: an editor that saves by writing a new file and renaming it over
    // the old one (or a user who deletes and recreates it) ends a watch on the file itself.
    const specFolder = files[0] === undefined ? [] : [dirname(files[0])];
    if (spec) {
      this.template = templateFile(spec.report.template);
      this.outDir = spec.runtime.outDir;
      this.folders = new Set([builtinDir, ...specFolder, ...(spec.report.template.startsWith(BUILTIN_PREFIX) ? [] : [dirname(this.template)])]);
    } else {
      for (const folder of specFolder) this.folders.add(folder);
    }
    const after = this.paths();
    return { add: after.filter((p) => !before.includes(p)), remove: before.filter((p) => !after.includes(p)) };
  }

  paths(): string[] {
    return [...new Set([...this.files, ...this.folders])];
  }

  /** A template edit re-renders the report and computes nothing. */
  isTemplate(path: string): boolean {
    return path === this.template || path.endsWith('.njk') || inside(path, builtinDir);
  }

  /**
   * chokidar's `ignored`: the run directory; inside template folders, anything that is not a
   * template or a `partials` folder (a template may sit next to the spec, or at the root of
   * a project with node_modules).
   */
  readonly ignored = (path: string, stats?: Stats): boolean => {
    if (this.outDir && inside(path, this.outDir)) return true;
    if (this.files.has(path) || this.folders.has(path) || this.isTemplate(path)) return false;
    if (!stats) return false;
    if (stats.isDirectory()) return basename(path) !== 'partials';
    return true;
  };
}

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { nodeSpecHost } from '../../src/io/specHost.js';
import { memoryHost, type SpecHost } from '../../src/spec/host.js';
import { resolveSpec, type Resolution } from '../../src/spec/resolve.js';
import { repoRoot } from './cli.js';

export const experiment = (name: string) => resolve(repoRoot, 'experiments', name);
export const fixture = (path: string) => resolve(repoRoot, 'test/fixtures', path);

/** Resolves a shipped or fixture spec from disk; throws with the problems if it is invalid. */
export function resolveValid(file: string, overrides: string[] = []): Required<Pick<Resolution, 'spec' | 'space'>> & Resolution {
  const r = resolveSpec(file, { host: nodeSpecHost, overrides });
  if (!r.spec || !r.space) throw new Error(`${file} is invalid: ${r.problems.map((p) => p.message).join('; ')}`);
  return r as Required<Pick<Resolution, 'spec' | 'space'>> & Resolution;
}

/**
 * A host that serves in-memory files first and the real disk otherwise, so a test spec can
 * extend the shipped base spec.
 */
export function overlayHost(files: Record<string, string>): SpecHost {
  const memory = memoryHost(files);
  return {
    readFile: (p) => memory.readFile(p) ?? nodeSpecHost.readFile(p),
    readBytes: (p) => memory.readBytes(p) ?? nodeSpecHost.readBytes(p),
    exists: (p) => memory.exists(p) || nodeSpecHost.exists(p),
    realpath: (p) => (memory.exists(p) ? p : nodeSpecHost.realpath!(p)),
  };
}

/** A spec in `dir` that extends a shipped experiment, so templates beside it may be used. */
export function specIn(dir: string, name: string): string {
  const file = resolve(dir, name);
  writeFileSync(file, `extends: ${experiment(name)}\nname: ${name.replace(/\.yaml$/, '')}\n`);
  return file;
}

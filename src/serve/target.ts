import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { compile } from '../compile/graph.js';
import { fileContext } from '../io/hash.js';
import { nodeSpecHost } from '../io/specHost.js';
import type { StageManifest } from '../run/manifest.js';
import { MANIFEST, openStore } from '../run/store.js';
import { hasErrors } from '../spec/problems.js';
import { resolveSpec, type Resolution } from '../spec/resolve.js';
import { ServeError } from './errors.js';
import type { RunSource } from './runSource.js';
import { RunView } from './runView.js';
import type { ServedView } from './view.js';

/**
 * What a `dsl serve` argument names. Each kind of folder gets its own resolver and its own
 * view (src/serve/view.ts); the server shows whichever it is handed.
 */
export type ServeTarget = { readonly kind: 'run'; readonly source: RunSource };

export interface TargetOptions {
  readonly overrides?: readonly string[];
  readonly cwd?: string;
}

/** A resolved spec, and the run it describes when it is valid. */
export interface SpecRun {
  readonly resolution: Resolution;
  readonly source?: RunSource;
}

/** Resolves a spec and compiles its stage graph; `store` overrides where its stages are (a run folder given directly). */
export function specRun(specFile: string, options: TargetOptions & { runDir?: string } = {}): SpecRun {
  const resolution = resolveSpec(specFile, { host: nodeSpecHost, overrides: options.overrides ?? [], cwd: options.cwd ?? process.cwd() });
  const { spec, space } = resolution;
  if (!spec || !space || hasErrors(resolution.problems)) return { resolution };
  const graph = compile(spec, space, fileContext);
  const store = options.runDir ? openStore(dirname(options.runDir), basename(options.runDir)) : openStore(spec.runtime.outDir, spec.name);
  return { resolution, source: { spec, space, graph, store, specFile: resolution.files[0] ?? resolve(specFile) } };
}

type Resolver = (path: string, options: TargetOptions) => { target?: ServeTarget; resolution?: Resolution } | undefined;

/** `runs/<experiment>/`: its stage folders name the spec that made them. */
const runDirectory: Resolver = (path) => {
  const manifests = stageManifests(path);
  if (!manifests.length) return undefined;
  const newest = manifests.sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''))[0]!;
  if (!existsSync(newest.specFile)) {
    throw new ServeError(`${path} was run from ${newest.specFile}, which no longer exists`, `pass the spec file instead: \`dsl serve <spec> --set runtime.outDir=${dirname(resolve(path))}\``);
  }
  const run = specRun(newest.specFile, { runDir: resolve(path) });
  return { resolution: run.resolution, ...(run.source ? { target: { kind: 'run', source: run.source } } : {}) };
};

const RESOLVERS: readonly Resolver[] = [runDirectory];

/**
 * The target of `dsl serve <arg>`: a spec file (its run under runtime.outDir), or a folder one
 * of the resolvers recognises. A spec with errors returns its resolution only, for the CLI to
 * print its problems.
 */
export function resolveTarget(arg: string, options: TargetOptions = {}): { target?: ServeTarget; resolution?: Resolution } {
  let isDir: boolean;
  try {
    isDir = statSync(arg).isDirectory();
  } catch {
    throw new ServeError(`cannot read ${arg}`, 'pass an experiment spec (YAML) or a run folder (runs/<experiment>/)');
  }
  if (!isDir) {
    const run = specRun(arg, options);
    return { resolution: run.resolution, ...(run.source ? { target: { kind: 'run', source: run.source } } : {}) };
  }
  for (const resolver of RESOLVERS) {
    const found = resolver(arg, options);
    if (found) return found;
  }
  throw new ServeError(`${arg} holds no stage folders (<stage>-<fingerprint>/manifest.json)`, 'pass an experiment spec (YAML) or the run folder a `dsl run` wrote (runs/<experiment>/)');
}

/** The view that shows a target (a sweep gets its own view beside RunView). */
export function openView(target: ServeTarget): ServedView {
  switch (target.kind) {
    case 'run':
      return new RunView({ mode: 'serve' }, target.source);
  }
}

function stageManifests(dir: string): StageManifest[] {
  const found: StageManifest[] = [];
  for (const name of readdirSync(dir)) {
    const file = join(dir, name, MANIFEST);
    if (!/^[a-z]+-[0-9a-f]+$/.test(name) || !existsSync(file)) continue;
    try {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as StageManifest;
      if (manifest.format === 'dsl-stage/1' && typeof manifest.specFile === 'string') found.push(manifest);
    } catch {
      // a manifest being rewritten; the others say enough
    }
  }
  return found;
}

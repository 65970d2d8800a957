import { dirname, join, resolve as resolvePath } from 'node:path';
import { buildSpace, type SpaceModel } from '../nas/space.js';
import type { SpecHost } from './host.js';
import { loadSpec, locateIn } from './load.js';
import { deepFreeze, type PlainObject } from './merge.js';
import { absolutizePaths, projectRoot, specName } from './paths.js';
import { checkPlacement } from './semantics/placement.js';
import { hasErrors, type Problem } from './problems.js';
import { checkCells } from './semantics/cells.js';
import { checkFiles } from './semantics/files.js';
import type { Issue } from './semantics/issue.js';
import { checkLoops } from './semantics/loops.js';
import { checkReservedNames } from './semantics/names.js';
import { checkNetworks } from './semantics/networks.js';
import { checkOperations } from './semantics/operations.js';
import type { Override } from './overrides.js';
import type { SourceText } from './source.js';
import type { ResolvedSpec } from './types.js';
import { validateAgainstSchema } from './validate.js';

export interface ResolveOptions {
  readonly host: SpecHost;
  /** `--set key.path=value` arguments (or parsed overrides), applied in order after `extends`. */
  readonly overrides?: readonly (string | Override)[];
  /** Base of relative paths given with `--set`. */
  readonly cwd?: string;
}

export interface Resolution {
  /** Present when the spec has no errors (warnings allowed). */
  readonly spec?: ResolvedSpec;
  /** The search space model of a valid spec. */
  readonly space?: SpaceModel;
  readonly problems: readonly Problem[];
  /** Spec files (root first), then other files the spec reads (genotype, template). */
  readonly files: readonly string[];
  /** Parsed sources, for code frames. */
  readonly sources: readonly SourceText[];
}

/**
 * The one entry point from a spec file to a resolved spec: parse every file of the `extends`
 * chain, apply `--set`, validate against the schema filling defaults, run the semantic
 * checks, and return every problem found, each located in the file that caused it.
 */
export function resolveSpec(file: string, options: ResolveOptions): Resolution {
  const loaded = loadSpec(file, options.host, options.overrides ?? []);
  const problems: Problem[] = [...loaded.problems];
  const result = (extra: Partial<Resolution> = {}): Resolution => ({ problems, files: loaded.files, sources: loaded.sources, ...extra });
  if (!loaded.value || hasErrors(problems)) return result();

  const value: PlainObject = structuredClone(loaded.value);
  problems.push(...validateAgainstSchema(value, loaded.sources));
  if (hasErrors(problems)) return result();

  value.name ??= specName(loaded.files[0] ?? file);
  absolutizePaths(value, loaded.sources, loaded.files[0] ?? file, options.host, options.cwd ?? process.cwd());
  const spec = value as unknown as ResolvedSpec;

  const locate = (issues: Issue[]) => issues.map(({ key, ...issue }) => ({ ...issue, location: locateIn(loaded.sources, issue.path, key) }));
  const structural = [...checkReservedNames(spec), ...checkOperations(spec), ...checkCells(spec)];
  problems.push(...locate(structural));
  if (!hasErrors(problems)) problems.push(...locate(checkNetworks(spec)));
  problems.push(...locate(checkLoops(spec)));
  const space = hasErrors(problems) ? undefined : buildSpace(spec);
  const checked = checkFiles(spec, options.host, space, (path) => locateIn(loaded.sources, path));
  problems.push(...locate(checked.issues), ...checked.problems);
  const rootFile = loaded.files[0] ?? file;
  const templateOrigin = loaded.sources.find((s) => s.has(['report', 'template']))?.file;
  const specDirs = [rootFile, ...(templateOrigin && !templateOrigin.startsWith('--set') ? [templateOrigin] : [])].map((f) => dirname(resolvePath(f)));
  problems.push(...locate(checkPlacement(spec, options.host, { project: join(projectRoot(rootFile, options.host), 'templates'), specDirs })));
  const files = [...loaded.files, ...checked.files];
  // Genotype files join the sources only for code frames; spec paths were located above.
  const sources = [...loaded.sources, ...checked.sources];
  if (hasErrors(problems)) return { problems, files, sources };
  return { spec: deepFreeze(spec), ...(space ? { space: deepFreeze(space) } : {}), problems, files, sources };
}

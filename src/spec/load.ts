import { basename, dirname, relative, resolve } from 'node:path';
import type { SpecHost } from './host.js';
import { deepMerge, isPlainObject, type PlainObject } from './merge.js';
import { replacedOnMerge } from './schemaWalk.js';
import { applyOverride, parseOverride, type Override } from './overrides.js';
import type { Location, Problem, SpecPath } from './problems.js';
import { readText } from './read.js';
import { parseYaml, type SourceText } from './source.js';

/** The merged, not yet validated spec and where each of its values came from. */
export interface LoadedSpec {
  /** Undefined when nothing usable could be read (missing file, YAML syntax errors). */
  readonly value: PlainObject | undefined;
  /** Highest priority first: `--set` overrides, the spec file, then what it extends. */
  readonly sources: readonly SourceText[];
  /** Every spec file read, the root first (watch mode watches these). */
  readonly files: readonly string[];
  readonly problems: readonly Problem[];
}

/** Locates a path in the merged spec: in the highest-priority source that has it. */
export function locateIn(sources: readonly SourceText[], path: SpecPath, key = false): Location | undefined {
  for (let length = path.length; length >= 0; length--) {
    const prefix = path.slice(0, length);
    for (const source of sources) {
      if (source.has(prefix)) return source.locate(prefix, key || length < path.length);
    }
  }
  return sources[sources.length - 1]?.locate([]);
}

/** `overrides` are `--set` arguments, or overrides already parsed (a sweep's trial values, located in the sweep section). */
export function loadSpec(file: string, host: SpecHost, overrides: readonly (string | Override)[] = []): LoadedSpec {
  const files: string[] = [];
  const layered = loadLayers(resolve(file), host, [], files);
  const problems = [...layered.problems];
  let value = layered.value;
  const sources = [...layered.sources];
  for (const argument of overrides) {
    const parsed = typeof argument === 'string' ? parseOverride(argument) : { override: argument, problems: [] };
    problems.push(...parsed.problems);
    if (!parsed.override || !value) continue;
    const applied = applyOverride(value, parsed.override);
    if (applied.problem) problems.push(applied.problem);
    else {
      value = applied.value;
      sources.unshift(parsed.override.source);
    }
  }
  return { value, sources, files, problems };
}

interface Layers {
  value: PlainObject | undefined;
  sources: SourceText[];
  problems: Problem[];
}

/**
 * One file of the `extends` chain and, recursively, its bases. `referencedAt` is the
 * `extends` entry that named it: a file that cannot be read is reported there, where the
 * fix goes; the root file is reported at its own start.
 */
function loadLayers(file: string, host: SpecHost, stack: readonly string[], files: string[], referencedAt?: Location): Layers {
  const read = readText(host, file, 'spec file');
  if (read.failure) {
    const { code, message, hint } = read.failure;
    const location = referencedAt ?? { file, start: { line: 1, column: 1 } };
    return { value: undefined, sources: [], problems: [{ severity: 'error', code, message, ...(hint ? { hint } : {}), path: [], location }] };
  }
  const text = read.content;
  if (!files.includes(file)) files.push(file);
  const { source, problems } = parseYaml(file, text);
  if (problems.some((p) => p.severity === 'error')) return { value: undefined, sources: [source], problems };
  if (!isPlainObject(source.value)) {
    problems.push({
      severity: 'error',
      code: 'not-a-mapping',
      message: 'a spec must be a YAML mapping of sections (data, operations, cells, …)',
      path: [],
      location: { file, start: { line: 1, column: 1 } },
    });
    return { value: undefined, sources: [source], problems };
  }
  const { extends: parents, ...own } = source.value;
  let base: PlainObject = {};
  let baseSources: SourceText[] = [];
  const list = typeof parents === 'string' ? [parents] : Array.isArray(parents) ? parents : [];
  list.forEach((entry, index) => {
    if (typeof entry !== 'string') return; // the schema reports the wrong type
    const path: SpecPath = Array.isArray(parents) ? ['extends', index] : ['extends'];
    const target = resolve(dirname(file), entry);
    const location = source.locate(path) ?? { file, start: { line: 1, column: 1 } };
    if (target === file || stack.includes(target)) {
      const cycle = [...stack, file, target].slice([...stack, file].indexOf(target));
      problems.push({
        severity: 'error',
        code: 'extends-cycle',
        message: `\`extends: ${entry}\` makes a cycle: ${cycle.map((f) => relative(dirname(file), f) || basename(f)).join(' → ')}`,
        hint: 'a spec cannot extend itself, directly or through other files',
        path,
        location,
      });
      return;
    }
    if (!host.exists(target)) {
      problems.push({
        severity: 'error',
        code: 'extends-missing',
        message: `\`extends: ${entry}\` names a file that does not exist (${target})`,
        hint: 'extends paths are relative to the file that contains them',
        path,
        location,
      });
      return;
    }
    const parent = loadLayers(target, host, [...stack, file], files, location);
    problems.push(...parent.problems);
    if (parent.value) base = deepMerge(base, parent.value, replacedOnMerge);
    baseSources = [...parent.sources, ...baseSources];
  });
  return { value: deepMerge(base, own, replacedOnMerge), sources: [source, ...baseSources], problems };
}

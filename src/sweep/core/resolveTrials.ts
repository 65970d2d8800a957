import { locateIn } from '../../spec/load.js';
import type { Override } from '../../spec/overrides.js';
import { hasErrors, type Location, type Problem, type SpecPath } from '../../spec/problems.js';
import { resolveSpec, type Resolution, type ResolveOptions } from '../../spec/resolve.js';
import { hasIn, type SourceText } from '../../spec/source.js';
import { expandSweep, keyPath, trialLabel, type SweepSection, type TrialDef } from './trials.js';

/** A trial and its resolved spec (present when the trial is valid). */
export interface ResolvedTrial {
  readonly def: TrialDef;
  readonly label: string;
  /** `{ "train.optimizers.generator.lr": 0.0002, "runtime.seed": 2 }`: what the trial sets. */
  readonly overrides: Readonly<Record<string, unknown>>;
  readonly resolution: Resolution;
}

export interface SweepResolution {
  /** The spec as written (with `--set`): what every trial starts from. */
  readonly base: Resolution;
  readonly trials: readonly ResolvedTrial[];
  /** The keys the sweep varies, in the order it names them (seed last). */
  readonly swept: readonly string[];
  /** The base's problems, then each trial's own, its message naming the trial. */
  readonly problems: readonly Problem[];
  /** The sources of every problem, for code frames. */
  readonly sources: readonly SourceText[];
}

/**
 * Resolves the spec and every trial of its `sweep` section. Each trial is the spec with its
 * values applied exactly as `--set` applies them (after the command line's own `--set`), so it
 * is type-checked against the schema and semantically checked like any spec; a problem a trial
 * causes is located at the value (or key) in the sweep section that caused it and names the
 * trial. A spec without a sweep section has no trials.
 */
export function resolveSweep(file: string, options: ResolveOptions): SweepResolution {
  const base = resolveSpec(file, options);
  const sweep = base.spec?.sweep as SweepSection | undefined;
  if (!base.spec || !sweep) return { base, trials: [], swept: [], problems: base.problems, sources: base.sources };
  const defs = expandSweep(sweep);
  const swept = [...new Set(defs.flatMap((d) => d.values.map((v) => v.key)))];
  const seen = new Set(base.problems.map(problemKey));
  // One mistake in the sweep section (a misspelt key) shows in every trial that uses it: say it once, naming them all.
  const own = new Map<string, { problem: Problem; trials: { number: number; label: string }[] }>();
  const trials = defs.map((def): ResolvedTrial => {
    const label = trialLabel(def, swept);
    const parsed = trialOverrides(def, base.sources);
    const resolution = resolveSpec(file, { ...options, overrides: [...(options.overrides ?? []), ...parsed] });
    for (const problem of resolution.problems) {
      const key = problemKey(problem);
      if (seen.has(key)) continue;
      const entry = own.get(key) ?? { problem, trials: [] };
      entry.trials.push({ number: def.number, label });
      own.set(key, entry);
    }
    const overrides: Record<string, unknown> = Object.fromEntries(def.values.map((v) => [v.key, v.value]));
    if (def.seed !== undefined) overrides['runtime.seed'] = def.seed;
    return { def, label, overrides, resolution };
  });
  const problems: Problem[] = [...base.problems];
  for (const { problem, trials: named } of own.values()) {
    const which = named.length === 1 ? `trial ${named[0]!.number} (${named[0]!.label})` : named.length === defs.length ? `every trial` : `trials ${named.map((t) => t.number).join(', ')}`;
    problems.push({ ...problem, message: `${which}: ${problem.message}` });
  }
  return { base, trials, swept, problems, sources: base.sources };
}

export const sweepHasErrors = (sweep: SweepResolution): boolean => hasErrors(sweep.problems);

const problemKey = (p: Problem): string => `${p.code}|${p.message}|${p.path.join('.')}|${p.location?.file}:${p.location?.start.line}:${p.location?.start.column}`;

function trialOverrides(def: TrialDef, sources: readonly SourceText[]): Override[] {
  const values = def.values.map((v) => ({ path: keyPath(v.key), value: v.value, where: v.where, keyWhere: v.keyWhere }));
  if (def.seed !== undefined && def.seedWhere) values.push({ path: ['runtime', 'seed'], value: def.seed, where: def.seedWhere, keyWhere: def.seedWhere });
  return values.map((v) => ({ path: v.path, value: v.value, source: sweepSource(v.path, v.value, v.where, v.keyWhere, sources) }));
}

/**
 * A source standing for one sweep value, as `setSource` stands for one `--set` argument: it
 * holds the value at its spec path, and locates anything at or under that path in the sweep
 * section, so problems point at the line that set the value, and relative paths in it are
 * relative to the file that wrote it.
 */
function sweepSource(path: SpecPath, value: unknown, where: SpecPath, keyWhere: SpecPath, sources: readonly SourceText[]): SourceText {
  const origin = locateIn(sources, where);
  const written = sources.find((s) => s.file === origin?.file);
  const isPrefix = (p: SpecPath) => p.length <= path.length && p.every((s, i) => String(s) === String(path[i]));
  const inValue = (p: SpecPath) => p.length > path.length && p.slice(0, path.length).every((s, i) => String(s) === String(path[i]));
  const locate = (p: SpecPath, key?: boolean): Location | undefined => {
    if (isPrefix(p)) return key || p.length < path.length ? locateIn(sources, keyWhere, true) : origin;
    if (inValue(p)) return locateIn(sources, [...where, ...p.slice(path.length)], key);
    return undefined;
  };
  return {
    file: origin?.file ?? 'sweep',
    text: written?.text ?? '',
    value: path.reduceRight<unknown>((inner, segment) => ({ [segment]: inner }), value),
    locate,
    has: (p) => isPrefix(p) || (inValue(p) && hasIn(value, p.slice(path.length))),
  };
}


import type { SpecPath } from '../../spec/problems.js';

/** One value a trial sets: the `--set` path, the value, and where the sweep section wrote it. */
export interface TrialValue {
  /** Dotted spec path, as `--set` takes it (`train.optimizers.generator.lr`). */
  readonly key: string;
  readonly value: unknown;
  /** Path of the value inside the merged spec (`sweep.parameters.<key>.<i>`), for locating problems. */
  readonly where: SpecPath;
  /** Path of the key that names it, for problems about the path itself. */
  readonly keyWhere: SpecPath;
}

/** One variant of the experiment before it is resolved: the values it sets, in order. */
export interface TrialDef {
  /** 1-based position in the sweep, the order trials run and are listed in. */
  readonly number: number;
  readonly values: readonly TrialValue[];
  /** The seed `sweep.seeds` gives it; undefined keeps the spec's own. */
  readonly seed?: number;
  readonly seedWhere?: SpecPath;
  /** Grid combination or explicit-trial index: trials that differ only by seed share it. */
  readonly group: string;
}

export interface SweepSection {
  readonly parameters?: Readonly<Record<string, readonly unknown[]>>;
  readonly seeds?: readonly number[];
  readonly trials?: readonly Readonly<Record<string, unknown>>[];
}

/**
 * Every trial of a sweep, in a stable order: the grid's combinations (the first parameter
 * varies slowest, as in nested loops written in the file's order), then the explicit trials,
 * each once per seed with the seed innermost, so the trials of one combination sit together.
 * Nothing here checks values: each trial is later resolved like a spec with `--set`.
 */
export function expandSweep(sweep: SweepSection): TrialDef[] {
  const combos: { group: string; values: TrialValue[] }[] = [];
  const grid = Object.entries(sweep.parameters ?? {});
  if (grid.length) {
    let partial: TrialValue[][] = [[]];
    for (const [key, values] of grid) {
      const next: TrialValue[][] = [];
      for (const prefix of partial) {
        values.forEach((value, i) => next.push([...prefix, { key, value, where: ['sweep', 'parameters', key, i], keyWhere: ['sweep', 'parameters', key] }]));
      }
      partial = next;
    }
    partial.forEach((values, i) => combos.push({ group: `grid-${i}`, values }));
  }
  (sweep.trials ?? []).forEach((trial, t) => {
    const values = Object.entries(trial).map(([key, value]) => ({ key, value, where: ['sweep', 'trials', t, key], keyWhere: ['sweep', 'trials', t, key] }));
    combos.push({ group: `trial-${t}`, values });
  });
  // A sweep of seeds only: one combination that sets nothing.
  if (!combos.length) combos.push({ group: 'base', values: [] });
  const seeds = sweep.seeds?.length ? sweep.seeds.map((seed, i) => ({ seed, where: ['sweep', 'seeds', i] as SpecPath })) : [undefined];
  const trials: TrialDef[] = [];
  for (const combo of combos) {
    for (const s of seeds) {
      trials.push({
        number: trials.length + 1,
        values: combo.values,
        group: combo.group,
        ...(s ? { seed: s.seed, seedWhere: s.where } : {}),
      });
    }
  }
  return trials;
}

/** Numeric segments index lists, as in `--set searchSpace.generator.cells.2.injectLatent=false`. */
export const keyPath = (key: string): SpecPath => key.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));

/** `lr=0.0002 nCritic=5 seed=2`: the last segment of each swept key is usually enough to tell trials apart. */
export function trialLabel(trial: TrialDef, swept: readonly string[] = trial.values.map((v) => v.key)): string {
  const short = shortKeys(swept);
  const parts = trial.values.map((v) => `${short.get(v.key) ?? v.key}=${formatValue(v.value)}`);
  if (trial.seed !== undefined) parts.push(`seed=${trial.seed}`);
  return parts.join(' ') || 'base';
}

/** The shortest dotted suffix of each key that no other key shares. */
export function shortKeys(keys: readonly string[]): Map<string, string> {
  const unique = [...new Set(keys)];
  const out = new Map<string, string>();
  for (const key of unique) {
    const segments = key.split('.');
    for (let n = 1; n <= segments.length; n++) {
      const suffix = segments.slice(-n).join('.');
      if (!unique.some((other) => other !== key && (other === suffix || other.endsWith(`.${suffix}`)))) {
        out.set(key, suffix);
        break;
      }
    }
    if (!out.has(key)) out.set(key, key);
  }
  return out;
}

export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

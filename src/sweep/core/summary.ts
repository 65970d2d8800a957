import type { Genotype } from '../../nas/genotype.js';
import { formatValue, shortKeys } from './trials.js';

export type MetricName = 'is' | 'fid' | 'kid';
export const METRICS: readonly MetricName[] = ['is', 'fid', 'kid'];
/** Which way is better, for the Pareto front and for reading charts. */
export const LOWER_IS_BETTER: Readonly<Record<MetricName, boolean>> = { is: false, fid: true, kid: true };

/** One trial as the summary sees it: its values, its outcome, its artifacts' numbers. */
export interface SummaryInput {
  readonly id: string;
  readonly number: number;
  readonly label: string;
  /** Swept values by key, `runtime.seed` included when the sweep sets it. */
  readonly overrides: Readonly<Record<string, unknown>>;
  readonly seed: number;
  /** Trials that differ only by seed share a group. */
  readonly group: string;
  readonly status: string;
  readonly metrics: Readonly<Partial<Record<MetricName, number>>>;
  readonly generator?: { readonly parameters: number; readonly macs: number };
  readonly computeSeconds?: number;
  readonly runDir: string;
  /** The trial's report, relative to the summary's folder. */
  readonly report?: string;
  readonly genotype?: Genotype;
  readonly error?: string;
}

export interface Stat {
  readonly mean: number;
  readonly std: number;
  readonly n: number;
}

export interface SummaryTrial extends SummaryInput {
  /** On the front of FID against the derived generator's parameters / MACs (lower both). */
  readonly pareto: { readonly parameters: boolean; readonly macs: boolean };
}

export interface Combination {
  readonly group: string;
  /** The swept values without the seed, shown as `lr=0.0002 nCritic=5`. */
  readonly label: string;
  readonly values: Readonly<Record<string, unknown>>;
  readonly seeds: readonly number[];
  readonly complete: number;
  readonly metrics: Readonly<Partial<Record<MetricName, Stat>>>;
}

/** A metric against one swept parameter: mean ± std over every complete trial with that value. */
export interface ParameterChart {
  readonly metric: MetricName;
  readonly key: string;
  readonly short: string;
  readonly numeric: boolean;
  readonly points: readonly { readonly value: unknown; readonly x: number | string; readonly mean: number; readonly std: number; readonly n: number }[];
}

/** How often each operation was chosen on one edge, per combination and over all trials. */
export interface EdgeChoices {
  readonly network: 'generator' | 'discriminator';
  readonly edge: string;
  readonly byGroup: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly all: Readonly<Record<string, number>>;
  /** Whether every trial with a genotype chose the same operation here. */
  readonly stable: boolean;
}

export interface SweepSummaryModel {
  readonly format: 'dsl-sweep/1';
  readonly experiment: string;
  readonly fingerprint: string;
  readonly swept: readonly { readonly key: string; readonly short: string }[];
  readonly counts: Readonly<Record<string, number>>;
  readonly trials: readonly SummaryTrial[];
  readonly combinations: readonly Combination[];
  readonly charts: readonly ParameterChart[];
  readonly pareto: { readonly parameters: readonly string[]; readonly macs: readonly string[] };
  readonly genotypes: readonly EdgeChoices[];
}

export function stat(values: readonly number[]): Stat | undefined {
  if (!values.length) return undefined;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  // The sample standard deviation: a spread over a handful of seeds, not a population.
  const variance = values.length > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, std: Math.sqrt(variance), n: values.length };
}

/** Ids of the points no other point beats on both axes (lower is better on both). */
export function paretoFront(points: readonly { readonly id: string; readonly quality: number; readonly cost: number }[]): string[] {
  return points
    .filter((p) => !points.some((q) => q !== p && q.quality <= p.quality && q.cost <= p.cost && (q.quality < p.quality || q.cost < p.cost)))
    .sort((a, b) => a.cost - b.cost)
    .map((p) => p.id);
}

/** The sweep's summary from its trials: pure, so it is tested on plain data. */
export function buildSweepSummary(input: { readonly experiment: string; readonly fingerprint: string; readonly swept: readonly string[]; readonly trials: readonly SummaryInput[] }): SweepSummaryModel {
  const short = shortKeys([...input.swept, 'runtime.seed']);
  const done = input.trials.filter((t) => t.status === 'complete');
  const front = (cost: 'parameters' | 'macs') =>
    paretoFront(done.flatMap((t) => (t.metrics.fid !== undefined && t.generator ? [{ id: t.id, quality: t.metrics.fid, cost: t.generator[cost] }] : [])));
  const pareto = { parameters: front('parameters'), macs: front('macs') };
  const trials = input.trials.map((t) => ({ ...t, pareto: { parameters: pareto.parameters.includes(t.id), macs: pareto.macs.includes(t.id) } }));

  const groups = [...new Set(input.trials.map((t) => t.group))];
  const combinations = groups.map((group): Combination => {
    const members = input.trials.filter((t) => t.group === group);
    const values = Object.fromEntries(Object.entries(members[0]!.overrides).filter(([k]) => k !== 'runtime.seed'));
    const complete = members.filter((t) => t.status === 'complete');
    const metrics: Partial<Record<MetricName, Stat>> = {};
    for (const m of METRICS) {
      const s = stat(complete.flatMap((t) => (t.metrics[m] === undefined ? [] : [t.metrics[m]!])));
      if (s) metrics[m] = s;
    }
    const label = Object.entries(values).map(([k, v]) => `${short.get(k) ?? k}=${formatValue(v)}`).join(' ') || 'base';
    return { group, label, values, seeds: members.map((t) => t.seed), complete: complete.length, metrics };
  });

  const charts: ParameterChart[] = [];
  for (const key of input.swept) {
    const distinct = [...new Map(input.trials.filter((t) => key in t.overrides).map((t) => [JSON.stringify(t.overrides[key]), t.overrides[key]])).values()];
    if (distinct.length < 2) continue;
    const numeric = distinct.every((v) => typeof v === 'number');
    for (const metric of METRICS) {
      const points = distinct.flatMap((value) => {
        const s = stat(done.filter((t) => JSON.stringify(t.overrides[key]) === JSON.stringify(value) && t.metrics[metric] !== undefined).map((t) => t.metrics[metric]!));
        return s ? [{ value, x: numeric ? (value as number) : formatValue(value), mean: s.mean, std: s.std, n: s.n }] : [];
      });
      if (points.length >= 2) charts.push({ metric, key, short: short.get(key) ?? key, numeric, points });
    }
  }

  const counts: Record<string, number> = {};
  for (const t of input.trials) counts[t.status] = (counts[t.status] ?? 0) + 1;
  return {
    format: 'dsl-sweep/1',
    experiment: input.experiment,
    fingerprint: input.fingerprint,
    swept: input.swept.map((key) => ({ key, short: short.get(key) ?? key })),
    counts,
    trials,
    combinations,
    charts,
    pareto,
    genotypes: edgeChoices(input.trials, groups),
  };
}

function edgeChoices(trials: readonly SummaryInput[], groups: readonly string[]): EdgeChoices[] {
  const out: EdgeChoices[] = [];
  for (const network of ['generator', 'discriminator'] as const) {
    const withGenotype = trials.filter((t) => t.genotype?.[network]);
    const edges = new Map<string, { byGroup: Record<string, Record<string, number>>; all: Record<string, number> }>();
    for (const t of withGenotype) {
      t.genotype![network]!.forEach((cell, c) => {
        for (const [edge, op] of Object.entries(cell)) {
          const name = `cells.${c}.${edge}`;
          const entry = edges.get(name) ?? { byGroup: Object.fromEntries(groups.map((g): [string, Record<string, number>] => [g, {}])), all: {} as Record<string, number> };
          const group = (entry.byGroup[t.group] ??= {});
          group[op] = (group[op] ?? 0) + 1;
          entry.all[op] = (entry.all[op] ?? 0) + 1;
          edges.set(name, entry);
        }
      });
    }
    for (const [edge, entry] of edges) out.push({ network, edge, ...entry, stable: Object.keys(entry.all).length === 1 });
  }
  return out;
}

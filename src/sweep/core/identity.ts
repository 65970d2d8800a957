import { fingerprintOf, shortFingerprint } from '../../compile/fingerprint.js';
import type { StageGraph } from '../../compile/graph.js';
import type { StageName } from '../../compile/stages.js';
import type { ResolvedSpec } from '../../spec/types.js';

/**
 * A trial's identity: the fingerprints of its stages. Two trials that would compute the same
 * thing are the same trial (and the same queue job), whatever their labels. The report stage is
 * left out, because each trial's report goes to a folder named after this fingerprint.
 */
export function trialFingerprint(graph: StageGraph): string {
  return fingerprintOf({ trial: graph.stages.filter((s) => s.name !== 'report').map((s) => [s.name, s.fingerprint]) });
}

/** Where a trial's own files live, relative to the experiment's run directory. */
export const trialDirName = (fingerprint: string): string => `trials/${shortFingerprint(fingerprint)}`;

/**
 * The trial's spec: its report goes to its own folder, so trials sharing a run directory never
 * overwrite each other's, and the sweep section is gone: the report covers the whole spec, and a
 * trial's report must not change when the sweep gains another trial.
 */
export function withTrialReport(spec: ResolvedSpec, fingerprint: string): ResolvedSpec {
  const { sweep: _sweep, ...trial } = spec;
  return Object.freeze({ ...trial, report: Object.freeze({ ...spec.report, output: `${trialDirName(fingerprint)}/${spec.report.output}` }) });
}

/** The sweep's identity: its trials, in order. Extending the sweep makes a new summary folder. */
export const sweepFingerprint = (trials: readonly string[]): string => fingerprintOf({ sweep: trials });
export const sweepDirName = (fingerprint: string): string => `sweep-${shortFingerprint(fingerprint)}`;

export interface SharingInput {
  /** The trial's values by key, seed included (`runtime.seed`). */
  readonly overrides: Readonly<Record<string, unknown>>;
  readonly graph: StageGraph;
}

export interface StageSharing {
  readonly stage: StageName;
  /** How many distinct fingerprints the sweep has for this stage: how many times it is computed. */
  readonly distinct: number;
  readonly trials: number;
  /** Smallest and largest number of trials sharing one fingerprint. */
  readonly groupSize: readonly [number, number];
  /** The swept keys that vary among trials sharing a fingerprint: what this stage does not depend on. */
  readonly sharedAcross: readonly string[];
}

/** Per stage, how many distinct computations the sweep needs and what the trials sharing one differ in. */
export function stageSharing(trials: readonly SharingInput[]): StageSharing[] {
  if (!trials.length) return [];
  const names = trials[0]!.graph.stages.map((s) => s.name);
  return names.map((stage) => {
    const groups = new Map<string, SharingInput[]>();
    for (const t of trials) {
      const fp = t.graph.stages.find((s) => s.name === stage)?.fingerprint ?? 'absent';
      groups.set(fp, [...(groups.get(fp) ?? []), t]);
    }
    const sizes = [...groups.values()].map((g) => g.length);
    const keys = [...new Set(trials.flatMap((t) => Object.keys(t.overrides)))];
    const sharedAcross = keys.filter((key) => [...groups.values()].some((g) => new Set(g.map((t) => JSON.stringify(t.overrides[key]))).size > 1));
    return { stage, distinct: groups.size, trials: trials.length, groupSize: [Math.min(...sizes), Math.max(...sizes)], sharedAcross };
  });
}

/** "search: 2 (each shared by the 3 trials that differ only in generator.lr)". */
export function describeSharing(s: StageSharing, short: (key: string) => string = (k) => k): string {
  if (s.distinct === s.trials) return `${s.stage}: ${s.distinct} (one per trial)`;
  if (s.distinct === 1) return `${s.stage}: 1 (shared by all ${s.trials} trials)`;
  const [min, max] = s.groupSize;
  const size = min === max ? `the ${min}` : `${min}–${max}`;
  const keys = s.sharedAcross.map(short).join('/');
  return `${s.stage}: ${s.distinct} (each shared by ${size} trials${keys ? ` that differ only in ${keys}` : ''})`;
}

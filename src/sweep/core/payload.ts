import { isAbsolute } from 'node:path';
import { BUILTIN_PREFIX } from '../../spec/assets.js';
import type { ResolvedSpec } from '../../spec/types.js';
import { isInside } from './queueUrl.js';

/** A queue job: which trial of which sweep to run. The worker resolves the spec itself. */
export interface TrialJob {
  readonly format: 'dsl-trial-job/1';
  /** Absolute path of the spec, as the submitting machine sees it (a shared file system). */
  readonly specFile: string;
  readonly set: readonly string[];
  /** Base of relative `--set` paths. */
  readonly cwd: string;
  readonly fingerprint: string;
  readonly number: number;
  readonly label: string;
}

/** Checks a job's data before anything reads a file: the queue is shared, its contents are untrusted. Returns what is wrong, if anything. */
export function checkTrialJob(data: unknown): string | undefined {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return 'the job carries no trial (its data is not a mapping)';
  const d = data as Record<string, unknown>;
  if (d.format !== 'dsl-trial-job/1') return `the job's format is ${JSON.stringify(d.format)}, not dsl-trial-job/1 (submitted by another version of dsl?)`;
  if (typeof d.specFile !== 'string' || !isAbsolute(d.specFile)) return 'the job names no absolute spec file';
  if (typeof d.cwd !== 'string' || !isAbsolute(d.cwd)) return 'the job names no absolute working directory';
  if (!Array.isArray(d.set) || d.set.some((s) => typeof s !== 'string' || s.length > 10_000)) return 'the job\'s --set list is not a list of strings';
  if (typeof d.fingerprint !== 'string' || !/^[0-9a-f]{64}$/.test(d.fingerprint)) return 'the job\'s trial fingerprint is not a sha256';
  if (!Number.isInteger(d.number) || typeof d.label !== 'string') return 'the job has no trial number or label';
  const extra = Object.keys(d).filter((k) => !['format', 'specFile', 'set', 'cwd', 'fingerprint', 'number', 'label'].includes(k));
  if (extra.length) return `the job has unexpected fields: ${extra.join(', ')}`;
  return undefined;
}

/** Every path a resolved trial reads or writes: its spec files, data, genotype, feature model, template and run directory. */
export function pathsOf(spec: ResolvedSpec, files: readonly string[]): string[] {
  const paths = [...files, spec.runtime.outDir];
  if (spec.data.root) paths.push(spec.data.root);
  if (spec.derive.from) paths.push(spec.derive.from);
  const features = spec.evaluate.features as { path?: string };
  if (features.path) paths.push(features.path);
  if (!spec.report.template.startsWith(BUILTIN_PREFIX)) paths.push(spec.report.template);
  return paths;
}

/** The paths of a trial outside every served root: a worker runs a job only when there are none. */
export const outsideRoots = (paths: readonly string[], roots: readonly string[]): string[] => paths.filter((p) => !roots.some((r) => isInside(p, r)));

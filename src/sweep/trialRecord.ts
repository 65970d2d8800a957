import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { StageName } from '../compile/stages.js';

export type TrialStatus = 'pending' | 'running' | 'complete' | 'failed' | 'interrupted' | 'refused';

/** What became of one trial: written to `<run dir>/trials/<id>/trial.json`, read by summaries and `dsl compare`. */
export interface TrialRecord {
  readonly format: 'dsl-trial/1';
  readonly id: string;
  readonly fingerprint: string;
  readonly number: number;
  readonly label: string;
  readonly overrides: Readonly<Record<string, unknown>>;
  readonly seed: number;
  readonly status: TrialStatus;
  /** The stage directories this trial used, by stage (absolute). */
  readonly stages: Readonly<Partial<Record<StageName, string>>>;
  /** Stages computed for this trial, resumed, or found complete (computed once, for another trial or an earlier sweep). */
  readonly ran: readonly StageName[];
  readonly resumed: readonly StageName[];
  readonly cacheHits: readonly StageName[];
  /** Wall-clock seconds of this attempt (what the trial cost now). */
  readonly seconds: number;
  readonly metrics?: { readonly is?: number; readonly fid?: number; readonly kid?: number };
  /** Parameters and multiply-accumulates per image of the derived, re-trained generator. */
  readonly generator?: { readonly parameters: number; readonly macs: number };
  /** Compute seconds of its stages, summed from their manifests (over every attempt). */
  readonly computeSeconds?: number;
  readonly report?: string;
  readonly error?: string;
  readonly finishedAt?: string;
}

export const TRIAL_FILE = 'trial.json';
/** The trial's resolved spec, beside its record. */
export const TRIAL_SPEC_FILE = 'spec.json';

export function writeTrialRecord(file: string, record: TrialRecord): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(temporary, file);
}

export function readTrialRecord(dir: string): TrialRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(join(dir, TRIAL_FILE), 'utf8')) as TrialRecord;
    return record.format === 'dsl-trial/1' ? record : undefined;
  } catch {
    return undefined;
  }
}

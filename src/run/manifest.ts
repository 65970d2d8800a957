import type { StageName } from '../compile/stages.js';

export type StageStatus = 'running' | 'interrupted' | 'failed' | 'complete';

/** One run of a stage: it ended as its status says, or `killed` when it never said (SIGKILL, power loss). */
export interface StageAttempt {
  readonly startedAt: string;
  /** Wall-clock seconds; for a killed attempt, up to its last record (at most a few seconds short). */
  readonly seconds: number;
  readonly outcome: StageStatus | 'killed';
}

/** Everything needed to know what a stage directory holds and to repeat it. */
export interface StageManifest {
  readonly format: 'dsl-stage/1';
  readonly experiment: string;
  readonly stage: StageName;
  readonly fingerprint: string;
  readonly status: StageStatus;
  /** The spec slice the fingerprint covers. */
  readonly config: unknown;
  readonly inputs: readonly { readonly stage: StageName; readonly artifact: string; readonly fingerprint: string }[];
  readonly specFile: string;
  readonly seed: number;
  readonly backend?: { readonly name: string; readonly threads: number | null; readonly summary: string };
  readonly machine: { readonly platform: string; readonly arch: string; readonly cpus: number; readonly cpuModel: string; readonly memoryGb: number; readonly node: string };
  readonly startedAt: string;
  readonly finishedAt?: string;
  /** Wall-clock seconds spent in this stage, over all attempts (resumes add up). */
  readonly seconds: number;
  readonly attempts: number;
  /** Each attempt, oldest first (`startedAt` above is the first one's start). */
  readonly attemptLog?: readonly StageAttempt[];
  readonly error?: string;
  readonly summary?: Readonly<Record<string, unknown>>;
}

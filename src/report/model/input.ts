import type { StageGraph } from '../../compile/graph.js';
import type { StageName } from '../../compile/stages.js';
import type { Alphas, NetworkAlphas } from '../../nas/derive.js';
import type { Genotype } from '../../nas/genotype.js';
import type { SpaceModel } from '../../nas/space.js';
import type { ResolvedSpec } from '../../spec/types.js';

/**
 * What the report is built from: a run's artifacts, already read from the store (see
 * src/report/load.ts). Plain data, so the model can be built and tested without a run.
 * Every stage part is optional: a report on a half-finished run says what has not run.
 */
export interface ReportInput {
  readonly spec: ResolvedSpec;
  readonly space: SpaceModel;
  readonly graph: StageGraph;
  /** The spec file as people should see it (relative to the project). */
  readonly specFile: string;
  /** What each stage's directory says about itself, for the stages that have one at the current fingerprint. */
  readonly stages: Readonly<Partial<Record<StageName, StageRecord>>>;
  /** Stages that have directories at other fingerprints only (an earlier configuration). */
  readonly stale?: readonly StageName[];
  readonly search?: SearchRecord;
  readonly derive?: DeriveRecord;
  readonly train?: LoopRecord;
  readonly evaluate?: EvaluateRecord;
  /** Stages finished before this instant were reused from the store by the current run (cache hits). */
  readonly runStartedAt?: string;
}

export type StageStatus = 'running' | 'interrupted' | 'failed' | 'complete';

/** The parts of a stage manifest the report shows (src/run/manifest.ts). */
export interface StageRecord {
  readonly status: StageStatus;
  readonly fingerprint: string;
  readonly seconds: number;
  readonly attempts: number;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly seed?: number;
  readonly backend?: { readonly name: string; readonly threads: number | null; readonly summary: string };
  readonly machine?: { readonly platform: string; readonly arch: string; readonly cpus: number; readonly cpuModel: string; readonly memoryGb: number; readonly node: string };
  readonly error?: string;
}

/** One `step` line of a loop's events.jsonl: what the report reads of a step event (src/run/events.ts). */
export interface StepRecord {
  readonly iteration: number;
  readonly epoch: number;
  readonly dLoss: number;
  readonly gLoss?: number;
  readonly dArchLoss?: number;
  readonly gArchLoss?: number;
  readonly tau?: number;
  readonly lrG: number;
  readonly lrD: number;
}

/** A sample grid written by a loop: `source` is where the PNG is now (absolute). */
export interface SampleRecord {
  readonly iteration: number;
  readonly source: string;
}

export interface LoopRecord {
  readonly steps: readonly StepRecord[];
  readonly samples: readonly SampleRecord[];
  /** Iterations the loop was scheduled for (from its `start` event), when known. */
  readonly total?: number;
  /** Iterations done by its last logged step, grid or checkpoint. */
  readonly reached?: number;
}

/** One line of alpha-history.jsonl: raw architecture parameters at a snapshot. */
export interface AlphaSnapshot {
  readonly iteration: number;
  readonly epoch: number;
  readonly generator?: NetworkAlphas;
  readonly discriminator?: NetworkAlphas;
}

export interface SearchRecord {
  readonly loop: LoopRecord;
  /** alphas.json: the final raw architecture parameters (absent until the search completes). */
  readonly alphas?: Alphas;
  readonly history: readonly AlphaSnapshot[];
}

export interface DeriveRecord {
  readonly genotype: Genotype;
}

/** A metric with a spread (IS over splits, KID over subsets). */
export interface Spread {
  readonly mean: number;
  readonly std: number;
}

/** Scores of one generator, as metrics.json writes them (the metrics the spec asked for). */
export interface ScoresRecord {
  readonly is?: Spread;
  readonly fid?: number;
  readonly kid?: Spread;
}

/** metrics.json (src/run/stages/evaluate.ts, `MetricsFile`). */
export interface MetricsRecord {
  readonly extractor: { readonly kind: string; readonly description: string; readonly comparableToPapers: boolean; readonly featureDim: number; readonly classes: number };
  readonly dataset: { readonly name: string; readonly images: number; readonly imageSize: number };
  readonly samples: number;
  readonly generator: ScoresRecord;
  readonly untrained?: ScoresRecord;
  readonly real: { readonly is?: Spread; readonly images: number };
  readonly grid?: string;
}

export interface EvaluateRecord {
  readonly metrics: MetricsRecord;
  /** The final sample grid (absolute path), when it exists. */
  readonly grid?: string;
}

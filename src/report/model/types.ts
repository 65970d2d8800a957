import type { StageName } from '../../compile/stages.js';

/**
 * The report as plain data: what the template shows and which files (charts, heatmaps,
 * copied images) sit beside the Markdown. Every `path` is relative to the report file, so
 * the folder can be moved or committed as it is.
 */
export interface ReportModel {
  readonly title: string;
  readonly experiment: ExperimentModel;
  readonly pipeline: PipelineModel;
  readonly search: SearchModel;
  readonly architecture: ArchitectureModel;
  readonly derived: DerivedModel;
  readonly cost: CostModel;
  readonly training: TrainingModel;
  readonly samples: SamplesModel;
  readonly evaluation: EvaluationModel;
  /** Every file the writer must produce beside the report. */
  readonly assets: readonly Asset[];
}

export type Asset = ChartModel | HeatmapModel | ImageModel;

/** A line chart: one line per series. */
export interface ChartModel {
  readonly kind: 'chart';
  readonly path: string;
  readonly title: string;
  readonly x: { readonly title: string };
  readonly y: {
    readonly title: string;
    readonly scale?: 'linear' | 'log';
    /** Start the axis at zero (rates), rather than at the data's minimum (losses). */
    readonly zero?: boolean;
    /** A d3 number format for the ticks, e.g. `.1e` for learning rates. */
    readonly format?: string;
  };
  readonly series: readonly Series[];
}

export interface Series {
  readonly name: string;
  /** [x, y] pairs in x order. */
  readonly points: readonly (readonly [number, number])[];
}

/** Weights of one cell: a row per edge, a column per operation label; chosen cells are outlined. */
export interface HeatmapModel {
  readonly kind: 'heatmap';
  readonly path: string;
  readonly title: string;
  readonly rows: readonly string[];
  readonly columns: readonly string[];
  readonly cells: readonly { readonly row: string; readonly column: string; readonly value: number; readonly chosen: boolean }[];
}

/** A PNG copied from a stage directory. */
export interface ImageModel {
  readonly kind: 'image';
  readonly path: string;
  readonly source: string;
  readonly title: string;
}

export interface ExperimentModel {
  readonly name: string;
  readonly description?: string;
  readonly specFile: string;
  readonly resolvedYaml: string;
  readonly seed: number;
  readonly dataset: string;
  /** e.g. "wasm, 2 threads", when a stage has run. */
  readonly backend?: string;
  readonly backendSummary?: string;
  readonly machine?: string;
  /** Wall-clock seconds over all stages that ran. */
  readonly seconds: number;
}

export type StageState = 'complete' | 'interrupted' | 'failed' | 'running' | 'not run';

export interface StageRow {
  readonly name: StageName;
  readonly description: string;
  readonly state: StageState;
  readonly fingerprint: string;
  readonly seconds?: number;
  readonly time: string;
  readonly attempts?: number;
  /** Reused from the store by the run that wrote this report. */
  readonly cached: boolean;
  readonly finishedAt?: string;
  readonly note?: string;
}

export interface PipelineModel {
  readonly mermaid: string;
  readonly stages: readonly StageRow[];
  /** Stages with results only for an earlier configuration. */
  readonly stale: readonly StageName[];
}

/** How far a stage got, in words for the report. */
export interface Availability {
  readonly state: StageState | 'given';
  /** A sentence to show instead of (or above) the section when it is not complete. */
  readonly note?: string;
}

export interface SearchModel extends Availability {
  readonly losses?: ChartModel;
  readonly archLosses?: ChartModel;
  readonly temperature?: ChartModel;
  readonly learningRates?: ChartModel;
  readonly iterations?: number;
  readonly relaxation: string;
}

export interface CellWeights {
  readonly network: 'generator' | 'discriminator';
  readonly cell: number;
  readonly type: string;
  readonly heatmap: HeatmapModel;
  /** Weight of each edge's finally chosen operation over the snapshots. */
  readonly evolution?: ChartModel;
  /** Per edge, where its choice changed over the snapshots. */
  readonly changes: readonly EdgeChanges[];
}

export interface EdgeChanges {
  readonly edge: string;
  /** "conv_3x3 (0) → skip_connect (40)": the choice and the snapshot iteration it started at. */
  readonly history: string;
  readonly final: string;
  readonly changes: number;
}

export interface ArchitectureModel extends Availability {
  readonly snapshots: number;
  readonly networks: readonly { readonly name: string; readonly cells: readonly CellWeights[] }[];
}

export interface DerivedCell {
  readonly cell: number;
  readonly type: string;
  readonly mermaid: string;
  readonly edges: readonly { readonly edge: string; readonly from: string; readonly to: string; readonly op: string; readonly label: string; readonly kept: boolean }[];
}

export interface DerivedNetwork {
  readonly name: string;
  readonly key: 'generator' | 'discriminator';
  readonly cells: readonly DerivedCell[];
  /** The reference code's integer layout (one row per cell, op index per edge). */
  readonly matrix: string;
}

export interface DerivedModel extends Availability {
  readonly source: string;
  readonly networks: readonly DerivedNetwork[];
}

export interface CostRow {
  readonly stage: string;
  readonly network: string;
  readonly parameters: number;
  readonly macs: number;
}

export interface CostModel {
  readonly rows: readonly CostRow[];
  readonly note?: string;
}

export interface TrainingModel extends Availability {
  readonly losses?: ChartModel;
  readonly learningRates?: ChartModel;
  readonly iterations?: number;
  readonly discriminator: string;
}

export interface SampleGrid {
  readonly iteration: number;
  readonly image: ImageModel;
}

export interface SamplesModel {
  readonly search: readonly SampleGrid[];
  readonly train: readonly SampleGrid[];
  readonly final?: ImageModel;
}

export interface MetricCell {
  readonly value?: number;
  readonly std?: number;
  /** Formatted: "8.74 ± 0.09", or "–". */
  readonly text: string;
}

export interface MetricRow {
  readonly label: string;
  readonly kind: 'ours' | 'untrained' | 'real' | 'published';
  readonly is: MetricCell;
  readonly fid: MetricCell;
  readonly kid: MetricCell;
}

export interface EvaluationModel extends Availability {
  readonly extractor?: string;
  readonly comparable: boolean;
  /** A plain sentence on what the numbers may be compared with. */
  readonly comparability: string;
  readonly samples?: number;
  readonly rows: readonly MetricRow[];
  readonly published: readonly MetricRow[];
  readonly publishedNote: string;
}

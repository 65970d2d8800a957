import { join, relative } from 'node:path';
import type { StageGraph } from '../compile/graph.js';
import { nodeSpecHost } from '../io/specHost.js';
import type { SpaceModel } from '../nas/space.js';
import type { ArtifactStore } from '../run/store.js';
import { projectRoot } from '../spec/paths.js';
import type { ResolvedSpec } from '../spec/types.js';
import { loadRun } from './load.js';
import { buildReportModel } from './model/build.js';
import { assetsDirName, writeReport, type WrittenReport } from './write.js';

export interface ReportRequest {
  readonly spec: ResolvedSpec;
  readonly space: SpaceModel;
  readonly graph: StageGraph;
  readonly store: ArtifactStore;
  /** The spec file (absolute). */
  readonly specFile: string;
  /** The Markdown file to write. */
  readonly file: string;
  readonly runStartedAt?: string;
}

export interface ReportResult extends WrittenReport {
  /** Some stage has run with this configuration (otherwise the report only says what would run). */
  readonly anyStage: boolean;
}

/** Where a run's final report goes: `<outDir>/<experiment>/<report.output>`. */
export const reportFile = (spec: ResolvedSpec): string => join(spec.runtime.outDir, spec.name, spec.report.output);

/** Load the run's artifacts, build the model, render the template, write the report and its assets. */
export async function renderRunReport(request: ReportRequest): Promise<ReportResult> {
  const { spec } = request;
  const root = projectRoot(request.specFile, nodeSpecHost);
  const { input, anyStage } = loadRun({ ...request, specFile: relative(root, request.specFile) || request.specFile });
  const model = buildReportModel(input, { assets: assetsDirName(request.file), projectRoot: root });
  const written = await writeReport(model, { template: spec.report.template, file: request.file, svgCacheDir: join(spec.runtime.outDir, '.cache', 'report-charts') });
  return { ...written, anyStage };
}

import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Genotype } from '../nas/genotype.js';
import { renderTemplate } from '../report/render.js';
import { cachedSvg } from '../report/svgCache.js';
import type { CompiledTrial } from './compileTrials.js';
import { sweepDirName } from './core/identity.js';
import { buildSweepSummary, type SummaryInput, type SweepSummaryModel } from './core/summary.js';
import { paretoChartSpec, parameterChartSpec } from './summaryCharts.js';
import { readTrialRecord, type TrialRecord } from './trialRecord.js';

export interface SummaryRequest {
  /** The experiment's run directory. */
  readonly root: string;
  readonly fingerprint: string;
  readonly swept: readonly string[];
  readonly trials: readonly CompiledTrial[];
  /** Outcomes known to the caller; other trials are read from their records (or pending). */
  readonly records: readonly TrialRecord[];
  readonly specFile: string;
  readonly template?: string;
}

export interface WrittenSummary {
  readonly dir: string;
  readonly markdown: string;
  readonly model: SweepSummaryModel;
  /** What `dsl sweep --json` prints. */
  readonly json: unknown;
}

const readJson = <T>(file: string): T | undefined => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
};

/** The sweep's outcome as it stands: every trial's record (or `pending`), gathered into one model. */
export function gatherSummary(request: SummaryRequest): SweepSummaryModel {
  const dir = join(request.root, sweepDirName(request.fingerprint));
  const inputs = request.trials.map((t): SummaryInput => {
    const trialDir = join(request.root, t.dirName);
    const record = request.records.find((r) => r.fingerprint === t.fingerprint) ?? readTrialRecord(trialDir);
    const genotype = record?.stages.derive ? readJson<Genotype>(join(record.stages.derive, 'genotype.json')) : undefined;
    return {
      id: t.id,
      number: t.trial.def.number,
      label: t.trial.label,
      overrides: t.trial.overrides,
      seed: t.spec.runtime.seed,
      group: t.trial.def.group,
      status: record?.status ?? 'pending',
      metrics: record?.metrics ?? {},
      ...(record?.generator ? { generator: record.generator } : {}),
      ...(record?.computeSeconds !== undefined ? { computeSeconds: record.computeSeconds } : {}),
      runDir: trialDir,
      ...(record?.report ? { report: relative(dir, join(request.root, record.report)) } : {}),
      ...(genotype ? { genotype } : {}),
      ...(record?.error ? { error: record.error } : {}),
    };
  });
  return buildSweepSummary({ experiment: request.root.split(/[\\/]/).pop() ?? '', fingerprint: request.fingerprint, swept: request.swept, trials: inputs });
}

/** `--json` and summary.json: each trial with its values, seed, status, metrics (null when absent) and folder. */
export function summaryJson(model: SweepSummaryModel): unknown {
  const { trials, ...rest } = model;
  return {
    ...rest,
    trials: trials.map(({ genotype: _genotype, ...t }) => ({ ...t, metrics: { is: t.metrics.is ?? null, fid: t.metrics.fid ?? null, kid: t.metrics.kid ?? null } })),
  };
}

/**
 * Writes `<run dir>/sweep-<fingerprint>/summary.json` and `summary.md`, its charts in
 * `summary-assets/`, rendered from `templates/sweep.md.njk` with the report's machinery.
 */
export async function writeSweepSummary(request: SummaryRequest): Promise<WrittenSummary> {
  const model = gatherSummary(request);
  const dir = join(request.root, sweepDirName(request.fingerprint));
  mkdirSync(dir, { recursive: true });
  const assets = join(dir, 'summary-assets');
  const staging = `${assets}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const charts: { title: string; file: string }[] = [];
  const svgCache = join(request.root, '..', '.cache', 'svg');
  for (const chart of model.charts) {
    const name = `${chart.metric}-vs-${chart.short.replace(/[^A-Za-z0-9_.-]/g, '_')}.svg`;
    writeFileSync(join(staging, name), await cachedSvg(parameterChartSpec(chart), svgCache));
    charts.push({ title: `${chart.metric.toUpperCase()} against ${chart.short}`, file: `summary-assets/${name}` });
  }
  const pareto: { title: string; file: string }[] = [];
  for (const cost of ['parameters', 'macs'] as const) {
    const spec = paretoChartSpec(model, cost);
    if (!spec) continue;
    const name = `pareto-fid-${cost}.svg`;
    writeFileSync(join(staging, name), await cachedSvg(spec, svgCache));
    pareto.push({ title: `FID against ${cost}`, file: `summary-assets/${name}` });
  }
  const json = summaryJson(model);
  const rendered = await renderTemplate(request.template ?? 'builtin:sweep.md.njk', { ...model, charts: model.charts, chartFiles: charts, paretoFiles: pareto, specFile: relative(dir, request.specFile) });
  rmSync(assets, { recursive: true, force: true });
  renameSync(staging, assets);
  writeFileSync(join(dir, 'summary.json'), `${JSON.stringify(json, null, 2)}\n`);
  const markdown = join(dir, 'summary.md');
  writeFileSync(markdown, rendered.text.trimStart());
  return { dir, markdown, model, json };
}

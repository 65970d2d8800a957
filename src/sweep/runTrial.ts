import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { StageName } from '../compile/stages.js';
import type { BackendInfo } from '../ml/backend/types.js';
import type { RunEvent } from '../run/events.js';
import { executePlan } from '../run/executor.js';
import { memoryGuard } from '../run/memoryGuard.js';
import { acquireStageLock } from '../run/stageLock.js';
import { RUNNERS } from '../run/stages/index.js';
import { openStore } from '../run/store.js';
import type { CompiledTrial } from './compileTrials.js';
import { storedResults } from './results.js';
import { TRIAL_FILE, TRIAL_SPEC_FILE, writeTrialRecord, type TrialRecord, type TrialStatus } from './trialRecord.js';

export interface TrialRun {
  readonly trial: CompiledTrial;
  readonly specFile: string;
  readonly backend: BackendInfo;
  readonly signal: AbortSignal;
  readonly onEvent: (event: RunEvent) => void;
}

/**
 * Runs one trial in this process: the executor walks its stages, each under its own stage lock,
 * so stages shared with trials other processes are running are computed once. The outcome is
 * written to the trial's record, whatever it is.
 */
export async function runTrial(run: TrialRun): Promise<TrialRecord> {
  const { trial } = run;
  const { spec } = trial;
  const store = openStore(spec.runtime.outDir, spec.name);
  const trialDir = join(store.root, trial.dirName);
  const ran: StageName[] = [];
  const resumed: StageName[] = [];
  const cacheHits: StageName[] = [];
  const stages: Partial<Record<StageName, string>> = {};
  const base = {
    format: 'dsl-trial/1' as const,
    id: trial.id,
    fingerprint: trial.fingerprint,
    number: trial.trial.def.number,
    label: trial.trial.label,
    overrides: trial.trial.overrides,
    seed: spec.runtime.seed,
  };
  const record = (status: TrialStatus, extra: Partial<TrialRecord> = {}): TrialRecord => {
    const r: TrialRecord = { ...base, status, stages, ran, resumed, cacheHits, seconds: (performance.now() - started) / 1000, ...extra };
    writeTrialRecord(join(trialDir, TRIAL_FILE), r);
    return r;
  };
  const started = performance.now();
  // The trial's resolved spec, for `dsl compare` and for people: what exactly this trial ran.
  mkdirSync(trialDir, { recursive: true });
  writeFileSync(join(trialDir, TRIAL_SPEC_FILE), `${JSON.stringify(spec, null, 2)}\n`);
  record('running');
  const onEvent = (event: RunEvent) => {
    if (event.type === 'cache-hit') cacheHits.push(event.stage);
    if (event.type === 'start' && event.resumedFrom !== undefined) resumed.push(event.stage);
    run.onEvent(event);
  };
  let result;
  try {
    result = await executePlan({
      spec,
      space: trial.space,
      specFile: run.specFile,
      graph: trial.graph,
      store,
      runners: RUNNERS,
      backend: run.backend,
      signal: run.signal,
      onEvent,
      stageLock: (dir) => acquireStageLock(dir, { signal: run.signal }),
      beforeStage: memoryGuard({ spec, space: trial.space, backend: run.backend.name }),
    });
  } catch (error) {
    return record('failed', { error: error instanceof Error ? error.message : String(error) });
  }
  for (const stage of trial.graph.stages) stages[stage.name] = store.stageDir(stage.name, stage.fingerprint);
  // Every stage reached that was neither found complete nor resumed was computed for this trial.
  const last = result.failed?.stage ?? (result.status === 'interrupted' ? [...cacheHits, ...resumed].at(-1) : undefined);
  for (const p of result.planned) {
    if (!cacheHits.includes(p.stage.name) && !resumed.includes(p.stage.name)) ran.push(p.stage.name);
    if (p.stage.name === last) break;
  }
  if (result.status !== 'complete') {
    const failed = result.failed?.error;
    return record(result.status, failed === undefined ? {} : { error: failed instanceof Error ? failed.message : String(failed) });
  }
  return record('complete', { ...outcome(run), finishedAt: new Date().toISOString() });
}

/** Metrics, derived generator cost and compute time, from the artifacts of a complete trial. */
function outcome(run: TrialRun): Partial<TrialRecord> {
  const { spec, space, graph } = run.trial;
  const store = openStore(spec.runtime.outDir, spec.name);
  const results = storedResults(spec, space, graph, store);
  const report = join(store.root, spec.report.output);
  return {
    metrics: results.metrics,
    ...(results.generator ? { generator: results.generator } : {}),
    computeSeconds: results.computeSeconds,
    ...(existsSync(report) ? { report: relative(store.root, report) } : {}),
  };
}

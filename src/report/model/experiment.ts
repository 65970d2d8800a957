import { stringify } from 'yaml';
import { shortFingerprint } from '../../compile/fingerprint.js';
import { toMermaid } from '../../compile/mermaid.js';
import type { Action } from '../../compile/plan.js';
import type { StageName } from '../../compile/stages.js';
import { duration } from '../../util/format.js';
import type { ReportInput, StageRecord } from './input.js';
import type { ExperimentModel, PipelineModel, StageRow, StageState } from './types.js';

export const stageState = (record: StageRecord | undefined): StageState => record?.status ?? 'not run';

/** Colours of the stage graph: done green, stopped yellow, not run blue (toMermaid's action styles). */
const ACTION: Record<StageState, Action> = { complete: 'skip', interrupted: 'resume', failed: 'resume', running: 'resume', 'not run': 'run' };

/** The most recent stage that ran says which backend and machine the run used. */
function latestRecord(input: ReportInput): StageRecord | undefined {
  const order: StageName[] = ['evaluate', 'train', 'search', 'derive', 'report'];
  return order.map((s) => input.stages[s]).find((r) => r?.backend !== undefined);
}

export function experimentModel(input: ReportInput, projectRoot?: string): ExperimentModel {
  const { spec } = input;
  const { name: _name, ...rest } = spec;
  let resolvedYaml = stringify(rest, { lineWidth: 0 }).trimEnd();
  // Absolute paths would tie a committed report to one machine.
  if (projectRoot) resolvedYaml = resolvedYaml.split(`${projectRoot.replace(/\/$/, '')}/`).join('');
  const latest = latestRecord(input);
  const m = latest?.machine;
  const seconds = Object.values(input.stages).reduce((total, r) => total + (r?.seconds ?? 0), 0);
  return {
    name: spec.name,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    specFile: input.specFile,
    resolvedYaml,
    seed: spec.runtime.seed,
    dataset: spec.data.dataset,
    ...(latest?.backend ? { backend: `${latest.backend.name}${latest.backend.threads ? `, ${latest.backend.threads} threads` : ''}`, backendSummary: latest.backend.summary } : {}),
    ...(m ? { machine: `${m.platform} ${m.arch}, ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, Node ${m.node}` } : {}),
    seconds,
  };
}

function note(record: StageRecord | undefined, stale: boolean): string | undefined {
  switch (record?.status) {
    case undefined:
      return stale ? 'only an earlier configuration has run' : undefined;
    case 'interrupted':
      return 'interrupted; `dsl run` resumes it from its checkpoint';
    case 'failed':
      return `failed: ${record.error ?? 'see its manifest'}`;
    case 'running':
      return 'still running (or stopped without a trace)';
    default:
      return undefined;
  }
}

export function pipelineModel(input: ReportInput): PipelineModel {
  const stale = input.stale ?? [];
  const started = input.runStartedAt;
  const stages: StageRow[] = input.graph.stages.map((stage) => {
    const record = input.stages[stage.name];
    // The report stage renders this very file: its manifest says `running` until it is written.
    const self = stage.name === 'report' && record?.status === 'running';
    const state = self ? 'complete' : stageState(record);
    const text = self ? 'this report' : note(record, stale.includes(stage.name));
    return {
      name: stage.name,
      description: stage.description,
      state,
      fingerprint: shortFingerprint(stage.fingerprint),
      ...(record ? { seconds: record.seconds, attempts: record.attempts } : {}),
      time: record && !self && state !== 'running' ? duration(record.seconds) : '–',
      cached: Boolean(started && record?.status === 'complete' && record.finishedAt !== undefined && record.finishedAt < started),
      ...(record?.finishedAt ? { finishedAt: record.finishedAt } : {}),
      ...(text ? { note: text } : {}),
    };
  });
  const actions = Object.fromEntries(stages.map((s) => [s.name, ACTION[s.state]]));
  return { mermaid: toMermaid(input.graph, actions), stages, stale };
}

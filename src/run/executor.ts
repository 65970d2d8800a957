import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Stage, StageGraph } from '../compile/graph.js';
import { plan, type PlannedStage } from '../compile/plan.js';
import type { StageName } from '../compile/stages.js';
import type { BackendInfo } from '../ml/backend/types.js';
import type { SpaceModel } from '../nas/space.js';
import type { ResolvedSpec } from '../spec/types.js';
import { StageInterrupted } from './errors.js';
import { acquireLock } from './lock.js';
import { prepareRunDir } from './runDir.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { EventLog } from './eventLog.js';
import type { RunEvent, StageEvent } from './events.js';
import type { StageManifest } from './manifest.js';
import { stageRecord } from './stageRecord.js';
import { FILES } from './artifacts.js';
import { MANIFEST, type ArtifactStore } from './store.js';

/** A stage's plan once its lock is held: what another process finished meanwhile is a cache hit. */
function replanned(step: PlannedStage, store: ArtifactStore): PlannedStage {
  const state = store.state(step.stage.name, step.stage.fingerprint);
  if (state === 'complete') return { ...step, action: 'skip', reason: 'computed by another trial (cache hit)' };
  if (state === 'partial' && step.action === 'run' && step.reason !== 'forced') return { ...step, action: 'resume', reason: 'interrupted: resumes from its last checkpoint' };
  return step;
}
import type { StageRunner } from './stages/context.js';

export interface ExecuteOptions {
  readonly spec: ResolvedSpec;
  readonly space: SpaceModel;
  readonly specFile: string;
  readonly graph: StageGraph;
  readonly store: ArtifactStore;
  readonly runners: Readonly<Record<StageName, StageRunner>>;
  readonly backend: BackendInfo;
  readonly force?: readonly StageName[];
  /** Stop after this stage (e.g. `search` only). */
  readonly until?: StageName;
  readonly signal: AbortSignal;
  readonly onEvent: (event: RunEvent) => void;
  /**
   * Trials of a sweep share one run directory, several processes at a time: instead of the
   * directory's lock, each stage is locked on its own while it runs, and planned again once
   * the lock is held (another process may have just computed it).
   */
  readonly stageLock?: (dir: string) => Promise<() => void>;
  /**
   * Runs before a stage that is not skipped, before its directory is touched; throwing stops the
   * run there with the stage failed and nothing of it written or removed (the memory check).
   */
  readonly beforeStage?: (stage: Stage, inputs: Readonly<Partial<Record<StageName, string>>>) => void;
}

export interface ExecuteResult {
  readonly status: 'complete' | 'interrupted' | 'failed';
  readonly planned: readonly PlannedStage[];
  readonly failed?: { readonly stage: StageName; readonly error: unknown };
}

/** How often a running stage's manifest is rewritten (besides at each checkpoint). */
const RECORD_EVERY_MS = 5_000;

/**
 * Runs a plan: the only place that executes stages. Holds the experiment's lock, skips
 * stages that are up to date, resumes interrupted ones, and keeps each stage's manifest
 * honest: `running` while it works, `complete` only after every artifact is written (so a
 * crash never leaves a directory that looks complete), `interrupted` or `failed` otherwise.
 * A failed or interrupted stage stops the run; the stages before it keep their results.
 */
export async function executePlan(options: ExecuteOptions): Promise<ExecuteResult> {
  const { store, graph, spec } = options;
  prepareRunDir(spec.runtime.outDir, store.root);
  const release = options.stageLock ? () => undefined : acquireLock(`${store.root}.lock`, { holder: 'another `dsl run`, `dsl watch` or `dsl report`' });
  try {
    const planned = plan(graph, store, options.force ? { force: options.force } : {});
    const until = options.until ? graph.stages.findIndex((s) => s.name === options.until) : graph.stages.length - 1;
    options.onEvent({ type: 'plan', stages: planned.map((p) => ({ stage: p.stage.name, action: p.action, reason: p.reason, fingerprint: p.stage.fingerprint })) });
    const dirs: Partial<Record<StageName, string>> = {};
    for (const [index, first] of planned.entries()) {
      if (index > until) break;
      const { stage } = first;
      const dir = store.stageDir(stage.name, stage.fingerprint);
      dirs[stage.name] = dir;
      const releaseStage = first.action !== 'skip' && options.stageLock ? await options.stageLock(dir) : undefined;
      try {
        const step = releaseStage ? replanned(first, store) : first;
        if (step.action === 'skip') {
          options.onEvent({ type: 'cache-hit', stage: stage.name, dir });
          continue;
        }
        try {
          options.beforeStage?.(stage, { ...dirs });
        } catch (error) {
          options.onEvent({ type: 'stage-failed', stage: stage.name, message: error instanceof Error ? error.message : String(error) });
          return { status: 'failed', planned, failed: { stage: stage.name, error } };
        }
        if (step.action === 'run') rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        const { manifest, seconds } = stageRecord({ spec, graph, stage, specFile: options.specFile, backend: options.backend, previous: store.manifest(stage.name, stage.fingerprint) });
        const write = (m: StageManifest) => writeFileAtomic(join(dir, MANIFEST), `${JSON.stringify(m, null, 2)}\n`);
        write(manifest('running'));
        const log = new EventLog(join(dir, FILES.events));
        // Rewritten every few seconds while the stage runs, so a killed attempt's time is not lost.
        let recorded = performance.now();
        const emit = (event: StageEvent) => {
          log.append({ ...event, time: new Date().toISOString() });
          options.onEvent(event);
          if (event.type === 'checkpoint' || performance.now() - recorded > RECORD_EVERY_MS) {
            recorded = performance.now();
            write(manifest('running'));
          }
        };
        try {
          const summary = await options.runners[stage.name]({
            spec,
            space: options.space,
            graph,
            stage,
            dir,
            inputs: { ...dirs },
            resume: step.action === 'resume',
            signal: options.signal,
            backend: options.backend,
            cacheDir: join(spec.runtime.outDir, '.cache'),
            log,
            emit,
          });
          emit({ type: 'end', stage: stage.name, seconds: seconds() });
          write(manifest('complete', { finishedAt: new Date().toISOString(), summary }));
        } catch (error) {
          if (error instanceof StageInterrupted) {
            write(manifest('interrupted'));
            options.onEvent({ type: 'interrupted', stage: stage.name, iteration: error.iteration });
            return { status: 'interrupted', planned };
          }
          try {
            write(manifest('failed', { error: error instanceof Error ? error.message : String(error) }));
          } catch {
            // The disk that failed the stage may fail this too; the stage's own error is the one to report.
          }
          options.onEvent({ type: 'stage-failed', stage: stage.name, message: error instanceof Error ? error.message : String(error) });
          return { status: 'failed', planned, failed: { stage: stage.name, error } };
        }
      } finally {
        releaseStage?.();
      }
    }
    return { status: 'complete', planned };
  } finally {
    release();
  }
}

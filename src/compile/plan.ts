import type { Stage, StageGraph } from './graph.js';
import type { StageName } from './stages.js';

/** What the artifact store holds for a stage at a fingerprint. */
export type StageState = 'complete' | 'partial' | 'missing';

export interface StageStore {
  state(stage: StageName, fingerprint: string): StageState;
}

export type Action = 'skip' | 'resume' | 'run';

export interface PlannedStage {
  readonly stage: Stage;
  readonly action: Action;
  readonly reason: string;
}

export interface PlanOptions {
  /** Stages to run from scratch; the stages after them run again too. */
  readonly force?: readonly StageName[];
}

/**
 * Decides, without running anything, what each stage needs: complete stages with the same
 * fingerprint are skipped (cache hit), interrupted ones resume from their checkpoint, the rest
 * run. Forcing a stage reruns it and everything downstream of it.
 */
export function plan(graph: StageGraph, store: StageStore, options: PlanOptions = {}): PlannedStage[] {
  const forced = new Set<StageName>(options.force ?? []);
  for (const stage of graph.stages) {
    if (stage.dependsOn.some((d) => forced.has(d))) forced.add(stage.name);
  }
  return graph.stages.map((stage) => {
    if (forced.has(stage.name)) {
      const direct = options.force?.includes(stage.name);
      return { stage, action: 'run', reason: direct ? 'forced' : `after forced ${stage.dependsOn.find((d) => forced.has(d))}` };
    }
    const state = store.state(stage.name, stage.fingerprint);
    if (state === 'complete') return { stage, action: 'skip', reason: 'up to date (cache hit)' };
    if (state === 'partial') return { stage, action: 'resume', reason: 'interrupted: resumes from its last checkpoint' };
    return { stage, action: 'run', reason: 'not run with this configuration' };
  });
}

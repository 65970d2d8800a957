import { shortFingerprint } from '../compile/fingerprint.js';
import type { Stage } from '../compile/graph.js';
import type { StageName } from '../compile/stages.js';
import type { StageManifest } from '../run/manifest.js';

/** A stage as the page draws it. */
export type LiveState = 'waiting' | 'cached' | 'running' | 'done' | 'failed' | 'interrupted';

export interface StageView {
  readonly name: StageName;
  readonly state: LiveState;
  readonly fingerprint: string;
  readonly dependsOn: readonly StageName[];
  /** Wall-clock seconds over all attempts, from the manifest. */
  readonly seconds?: number;
  /** Iterations (loops) or items of the current task (evaluate). */
  readonly progress?: { readonly done: number; readonly total: number; readonly task?: string };
  /** Iterations per second over the recent steps. */
  readonly rate?: number;
  /** Seconds left at that rate. */
  readonly eta?: number;
  /** Why it failed or stopped. */
  readonly message?: string;
}

/** What the stage's events say about its pace (src/serve/pace.ts keeps it). */
export interface PaceRecord {
  /** The most recent step events, oldest first. */
  readonly steps: readonly { readonly iteration: number; readonly seconds: number; readonly total: number }[];
  /** The latest `progress` event (the evaluate stage). */
  readonly task?: { readonly task: string; readonly done: number; readonly total: number };
}

export interface StageViewContext {
  /** Whether the process holding the experiment's lock is alive: a `running` manifest without one was killed. */
  readonly ownerAlive: boolean;
  /** Stages finished before this instant were reused from the store (watch mode); absent: every finished stage is "done". */
  readonly sessionStart?: string;
}

/**
 * A stage's state for the page, from its manifest and its events. Pure: the run view reads
 * the files, this decides what they mean.
 */
export function stageView(stage: Stage, manifest: StageManifest | undefined, pace: PaceRecord, context: StageViewContext): StageView {
  const base = { name: stage.name, fingerprint: shortFingerprint(stage.fingerprint), dependsOn: stage.dependsOn };
  if (!manifest || manifest.fingerprint !== stage.fingerprint) return { ...base, state: 'waiting' };
  const seconds = { seconds: manifest.seconds };
  const progress = progressOf(pace);
  switch (manifest.status) {
    case 'complete': {
      const cached = context.sessionStart !== undefined && (manifest.finishedAt ?? '') < context.sessionStart;
      return { ...base, ...seconds, state: cached ? 'cached' : 'done' };
    }
    case 'failed':
      return { ...base, ...seconds, ...optional(progress), state: 'failed', message: manifest.error ?? 'the stage failed; see its manifest' };
    case 'interrupted':
      return { ...base, ...seconds, ...optional(progress), state: 'interrupted', message: interruptedMessage(progress) };
    case 'running': {
      if (!context.ownerAlive) return { ...base, ...seconds, ...optional(progress), state: 'interrupted', message: `stopped without a trace (the process that ran it is gone)${progress ? ` ${at(progress)}` : ''}; \`dsl run\` resumes it` };
      const rate = rateOf(pace);
      const eta = rate && progress && !progress.task ? Math.max(0, (progress.total - progress.done) / rate) : undefined;
      return { ...base, ...seconds, ...optional(progress), ...(rate !== undefined ? { rate } : {}), ...(eta !== undefined ? { eta } : {}), state: 'running' };
    }
  }
}

const optional = (progress: StageView['progress']) => (progress ? { progress } : {});
const at = (p: NonNullable<StageView['progress']>) => `at ${p.done} of ${p.total}`;
const interruptedMessage = (p: StageView['progress']) => `interrupted${p ? ` ${at(p)}` : ''}; \`dsl run\` resumes it from its checkpoint`;

function progressOf(pace: PaceRecord): StageView['progress'] {
  const last = pace.steps[pace.steps.length - 1];
  if (last) return { done: Math.min(last.total, last.iteration + 1), total: last.total };
  if (pace.task) return { done: pace.task.done, total: pace.task.total, task: pace.task.task };
  return undefined;
}

/** Iterations per second between the oldest and newest recent step; one step: since the start. */
export function rateOf(pace: PaceRecord): number | undefined {
  const steps = pace.steps;
  const last = steps[steps.length - 1];
  if (!last) return undefined;
  const first = steps[0]!;
  if (steps.length >= 2 && last.seconds > first.seconds) return (last.iteration - first.iteration) / (last.seconds - first.seconds);
  return last.seconds > 0 ? (last.iteration + 1) / last.seconds : undefined;
}

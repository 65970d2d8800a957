import type { StageGraph } from '../compile/graph.js';
import type { StageName } from '../compile/stages.js';

/**
 * The decisions of watch mode, as a pure transition (events in, next state and actions out),
 * in the manner of XState's `transition()`: nothing here runs, waits or prints. The driver
 * (src/watch/driver.ts) performs the actions and feeds back what happened.
 *
 * The unit of work is one stage: the driver runs the first stage the plan says needs running,
 * reports back, and asks again, so every stage boundary sees the latest valid graph. A stage
 * that an edit invalidates while it runs is aborted (it checkpoints and stops at its next step
 * boundary); a stage the edit leaves alone runs on.
 */
export interface WatchState {
  /** The graph of the latest valid spec; undefined until the spec is valid once. */
  readonly graph?: StageGraph;
  /** Whether the spec on disk is valid now. While it is not, no new stage starts. */
  readonly valid: boolean;
  /** A stage job is in progress (between `run-next` and `job-done`). */
  readonly busy: boolean;
  /** The stage in progress and the fingerprint it runs under. */
  readonly running?: { readonly stage: StageName; readonly fingerprint: string };
  /** An abort was requested and not yet answered. */
  readonly aborting: boolean;
  /** A template changed: render the report even if its fingerprint is up to date (partials are not in it). */
  readonly forceReport: boolean;
  /** A stage failed under this graph: wait for an edit rather than fail again. */
  readonly blocked: boolean;
  readonly stopping: boolean;
}

export type WatchEvent =
  /** The spec resolved without errors (at start or after an edit). */
  | { readonly type: 'resolved'; readonly graph: StageGraph; readonly templateChanged: boolean }
  /** An edit left the spec invalid (the driver has printed why). */
  | { readonly type: 'invalid' }
  | { readonly type: 'stage-started'; readonly stage: StageName; readonly fingerprint: string }
  /** A stage job ended; `idle` when the plan had nothing to run. */
  | { readonly type: 'job-done'; readonly outcome: 'complete' | 'interrupted' | 'failed' | 'idle'; readonly stage?: StageName }
  /** Ctrl-C. */
  | { readonly type: 'stop' };

export type WatchAction =
  /** Plan `graph` against the store and run its first stage that is not up to date (the report too, if forced). */
  | { readonly type: 'run-next'; readonly graph: StageGraph; readonly forceReport: boolean }
  /** Abort the running stage: it checkpoints and stops at its next step boundary. */
  | { readonly type: 'abort'; readonly stage: StageName; readonly reason: 'invalidated' | 'stopping' }
  /** Everything is up to date with the current spec. */
  | { readonly type: 'idle' }
  /** Close the watcher and end the process. */
  | { readonly type: 'exit' };

export const initialWatchState: WatchState = { valid: false, busy: false, aborting: false, forceReport: false, blocked: false, stopping: false };

export interface Transition {
  readonly state: WatchState;
  readonly actions: readonly WatchAction[];
}

const fingerprintOf = (graph: StageGraph | undefined, stage: StageName): string | undefined => graph?.stages.find((s) => s.name === stage)?.fingerprint;

/** Whether an edit changed the config (or an input) of the stage in progress. */
const invalidates = (state: WatchState, graph: StageGraph | undefined): boolean =>
  state.running !== undefined && fingerprintOf(graph, state.running.stage) !== state.running.fingerprint;

/** Start the next stage when nothing runs and nothing holds the pipeline back. */
function next(state: WatchState, actions: WatchAction[]): Transition {
  if (state.busy || state.stopping || !state.valid || state.blocked || !state.graph) return { state, actions };
  return { state: { ...state, busy: true }, actions: [...actions, { type: 'run-next', graph: state.graph, forceReport: state.forceReport }] };
}

export function transition(state: WatchState, event: WatchEvent): Transition {
  switch (event.type) {
    case 'resolved': {
      const updated: WatchState = { ...state, graph: event.graph, valid: true, blocked: false, forceReport: state.forceReport || event.templateChanged };
      if (state.stopping) return { state: updated, actions: [] };
      if (state.busy) {
        if (!state.aborting && invalidates(state, event.graph)) {
          return { state: { ...updated, aborting: true }, actions: [{ type: 'abort', stage: state.running!.stage, reason: 'invalidated' }] };
        }
        // The stage in progress is still wanted; the next one is planned on the new graph when it ends.
        return { state: updated, actions: [] };
      }
      return next(updated, []);
    }
    case 'invalid':
      // Nothing running or done changes; no new stage starts until the spec is fixed.
      return { state: { ...state, valid: false }, actions: [] };
    case 'stage-started': {
      const updated: WatchState = { ...state, running: { stage: event.stage, fingerprint: event.fingerprint } };
      if (state.aborting) return { state: updated, actions: [] };
      // Ctrl-C or an edit may have landed between planning and starting.
      if (state.stopping) return { state: { ...updated, aborting: true }, actions: [{ type: 'abort', stage: event.stage, reason: 'stopping' }] };
      if (invalidates(updated, state.graph)) {
        return { state: { ...updated, aborting: true }, actions: [{ type: 'abort', stage: event.stage, reason: 'invalidated' }] };
      }
      return { state: updated, actions: [] };
    }
    case 'job-done': {
      const { running: _running, ...rest } = state;
      const rendered = event.outcome === 'idle' || (event.outcome === 'complete' && event.stage === 'report');
      const updated: WatchState = {
        ...rest,
        busy: false,
        aborting: false,
        forceReport: rendered ? false : state.forceReport,
        blocked: event.outcome === 'failed',
      };
      if (state.stopping) return { state: updated, actions: [{ type: 'exit' }] };
      if (event.outcome === 'idle') return { state: updated, actions: [{ type: 'idle' }] };
      return next(updated, []);
    }
    case 'stop': {
      if (state.stopping) return { state, actions: [] };
      const updated: WatchState = { ...state, stopping: true };
      if (!state.busy) return { state: updated, actions: [{ type: 'exit' }] };
      if (state.aborting || !state.running) return { state: updated, actions: [] };
      return { state: { ...updated, aborting: true }, actions: [{ type: 'abort', stage: state.running.stage, reason: 'stopping' }] };
    }
  }
}

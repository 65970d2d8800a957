import { describe, expect, it } from 'vitest';
import type { StageGraph } from '../../../src/compile/graph.js';
import type { StageName } from '../../../src/compile/stages.js';
import { initialWatchState, transition, type WatchAction, type WatchEvent, type WatchState } from '../../../src/watch/machine.js';

/** A graph whose stages have the given fingerprints (the machine reads nothing else). */
const graph = (fingerprints: Partial<Record<StageName, string>>): StageGraph => ({
  experiment: 'x',
  data: { hash: 'h', summary: 'data' },
  stages: Object.entries(fingerprints).map(([name, fingerprint]) => ({ name, fingerprint }) as unknown as StageGraph['stages'][number]),
});

const g1 = graph({ search: 's1', derive: 'd1', train: 't1', evaluate: 'e1', report: 'r1' });
/** A schedule edit: train and everything after it change. */
const g2 = graph({ search: 's1', derive: 'd1', train: 't2', evaluate: 'e2', report: 'r2' });
/** A template edit: only the report changes. */
const g3 = graph({ search: 's1', derive: 'd1', train: 't1', evaluate: 'e1', report: 'r3' });

function run(events: readonly WatchEvent[], from: WatchState = initialWatchState): { state: WatchState; actions: WatchAction[] } {
  let state = from;
  const actions: WatchAction[] = [];
  for (const event of events) {
    const result = transition(state, event);
    state = result.state;
    actions.push(...result.actions);
  }
  return { state, actions };
}

const types = (actions: readonly WatchAction[]) => actions.map((a) => a.type);

describe('the watch transition', () => {
  it('runs the first valid spec, one stage at a time, until the plan is idle', () => {
    const { state, actions } = run([
      { type: 'resolved', graph: g1, templateChanged: false },
      { type: 'stage-started', stage: 'search', fingerprint: 's1' },
      { type: 'job-done', outcome: 'complete', stage: 'search' },
      { type: 'stage-started', stage: 'derive', fingerprint: 'd1' },
      { type: 'job-done', outcome: 'complete', stage: 'derive' },
      { type: 'job-done', outcome: 'idle' },
    ]);
    expect(types(actions)).toEqual(['run-next', 'run-next', 'run-next', 'idle']);
    expect(state.busy).toBe(false);
  });

  it('does nothing while the first spec is invalid, and starts when it is fixed', () => {
    const invalid = run([{ type: 'invalid' }]);
    expect(invalid.actions).toEqual([]);
    const fixed = run([{ type: 'resolved', graph: g1, templateChanged: false }], invalid.state);
    expect(types(fixed.actions)).toEqual(['run-next']);
  });

  it('aborts a running stage that an edit invalidates, then re-plans on the new graph', () => {
    const { state, actions } = run([
      { type: 'resolved', graph: g1, templateChanged: false },
      { type: 'stage-started', stage: 'train', fingerprint: 't1' },
      { type: 'resolved', graph: g2, templateChanged: false },
    ]);
    expect(actions[1]).toEqual({ type: 'abort', stage: 'train', reason: 'invalidated' });
    const after = run([{ type: 'job-done', outcome: 'interrupted', stage: 'train' }], state);
    expect(after.actions).toEqual([{ type: 'run-next', graph: g2, forceReport: false }]);
  });

  it('lets a stage the edit does not touch run on, and plans the next one on the new graph', () => {
    const { state, actions } = run([
      { type: 'resolved', graph: g1, templateChanged: false },
      { type: 'stage-started', stage: 'train', fingerprint: 't1' },
      { type: 'resolved', graph: g3, templateChanged: true },
    ]);
    expect(types(actions)).toEqual(['run-next']);
    const after = run([{ type: 'job-done', outcome: 'complete', stage: 'train' }], state);
    expect(after.actions).toEqual([{ type: 'run-next', graph: g3, forceReport: true }]);
  });

  it('aborts at once when an edit lands between planning a stage and starting it', () => {
    const { actions } = run([
      { type: 'resolved', graph: g1, templateChanged: false },
      { type: 'resolved', graph: g2, templateChanged: false },
      { type: 'stage-started', stage: 'train', fingerprint: 't1' },
    ]);
    expect(actions[actions.length - 1]).toEqual({ type: 'abort', stage: 'train', reason: 'invalidated' });
  });

  it('never touches a running stage on an invalid edit, and starts nothing new until the fix', () => {
    const { state, actions } = run([
      { type: 'resolved', graph: g1, templateChanged: false },
      { type: 'stage-started', stage: 'search', fingerprint: 's1' },
      { type: 'invalid' },
      { type: 'job-done', outcome: 'complete', stage: 'search' },
    ]);
    expect(types(actions)).toEqual(['run-next']);
    expect(state.valid).toBe(false);
    const fixed = run([{ type: 'resolved', graph: g1, templateChanged: false }], state);
    expect(types(fixed.actions)).toEqual(['run-next']);
  });

  it('forces the report after a template edit until it has rendered', () => {
    const done = run([
      { type: 'resolved', graph: g1, templateChanged: false },
      { type: 'job-done', outcome: 'idle' },
    ]);
    const edited = run([{ type: 'resolved', graph: g1, templateChanged: true }], done.state);
    expect(edited.actions).toEqual([{ type: 'run-next', graph: g1, forceReport: true }]);
    const rendered = run([
      { type: 'stage-started', stage: 'report', fingerprint: 'r1' },
      { type: 'job-done', outcome: 'complete', stage: 'report' },
    ], edited.state);
    expect(rendered.actions).toEqual([{ type: 'run-next', graph: g1, forceReport: false }]);
  });

  it('waits for an edit after a failure instead of failing again', () => {
    const failed = run([
      { type: 'resolved', graph: g1, templateChanged: false },
      { type: 'stage-started', stage: 'search', fingerprint: 's1' },
      { type: 'job-done', outcome: 'failed', stage: 'search' },
    ]);
    expect(types(failed.actions)).toEqual(['run-next']);
    expect(failed.state.blocked).toBe(true);
    expect(types(run([{ type: 'resolved', graph: g2, templateChanged: false }], failed.state).actions)).toEqual(['run-next']);
  });

  it('stops cleanly: aborts the running stage, exits once it has checkpointed', () => {
    const { state, actions } = run([
      { type: 'resolved', graph: g1, templateChanged: false },
      { type: 'stage-started', stage: 'search', fingerprint: 's1' },
      { type: 'stop' },
      { type: 'stop' },
      { type: 'resolved', graph: g2, templateChanged: false },
    ]);
    expect(types(actions)).toEqual(['run-next', 'abort']);
    expect(run([{ type: 'job-done', outcome: 'interrupted', stage: 'search' }], state).actions).toEqual([{ type: 'exit' }]);
  });

  it('exits at once when nothing runs', () => {
    expect(run([{ type: 'stop' }]).actions).toEqual([{ type: 'exit' }]);
  });

  it('aborts a stage that starts after Ctrl-C', () => {
    const { actions } = run([
      { type: 'resolved', graph: g1, templateChanged: false },
      { type: 'stop' },
      { type: 'stage-started', stage: 'search', fingerprint: 's1' },
    ]);
    expect(actions[actions.length - 1]).toEqual({ type: 'abort', stage: 'search', reason: 'stopping' });
  });
});

import { describe, expect, it } from 'vitest';
import type { Stage } from '../../../src/compile/graph.js';
import type { StageManifest } from '../../../src/run/manifest.js';
import { rateOf, stageView, type PaceRecord } from '../../../src/serve/stageView.js';

const stage: Stage = { name: 'search', description: '', inputs: [], outputs: [], dependsOn: [], config: {}, fingerprint: 'abcdef0123456789' };
const manifest = (status: StageManifest['status'], extra: Partial<StageManifest> = {}): StageManifest => ({
  format: 'dsl-stage/1',
  experiment: 'x',
  stage: 'search',
  fingerprint: stage.fingerprint,
  status,
  config: {},
  inputs: [],
  specFile: '/x.yaml',
  seed: 1,
  machine: { platform: 'linux', arch: 'x64', cpus: 2, cpuModel: 'cpu', memoryGb: 1, node: 'v20' },
  startedAt: '2025-01-01T00:00:00.000Z',
  seconds: 12,
  attempts: 1,
  ...extra,
});
const steps = (pairs: [number, number][], total = 100): PaceRecord => ({ steps: pairs.map(([iteration, seconds]) => ({ iteration, seconds, total })) });
const alive = { ownerAlive: true };

describe('stageView', () => {
  it('is waiting without a manifest, or with one of another fingerprint', () => {
    expect(stageView(stage, undefined, { steps: [] }, alive)).toEqual({ name: 'search', fingerprint: 'abcdef0123', dependsOn: [], state: 'waiting' });
    expect(stageView(stage, manifest('complete', { fingerprint: 'other' }), { steps: [] }, alive).state).toBe('waiting');
  });

  it('gives a running stage its progress, pace over the recent steps, and the time left at that pace', () => {
    const view = stageView(stage, manifest('running'), steps([[9, 2], [19, 4], [29, 6]]), alive);
    expect(view).toMatchObject({ state: 'running', progress: { done: 30, total: 100 }, rate: 5, eta: 14 });
  });

  it('shows the evaluate stage the task it is on', () => {
    const view = stageView({ ...stage, name: 'evaluate' }, manifest('running'), { steps: [], task: { task: 'scoring 40 samples', done: 10, total: 40 } }, alive);
    expect(view).toMatchObject({ state: 'running', progress: { done: 10, total: 40, task: 'scoring 40 samples' } });
    expect(view.eta).toBeUndefined();
  });

  it('calls a running manifest whose process is gone stopped, not running', () => {
    const view = stageView(stage, manifest('running'), steps([[49, 5]]), { ownerAlive: false });
    expect(view.state).toBe('interrupted');
    expect(view.message).toMatch(/^stopped without a trace .* at 50 of 100; `dsl run` resumes it$/);
  });

  it('names a failure by its message and an interruption by where it stopped', () => {
    expect(stageView(stage, manifest('failed', { error: 'NaN loss' }), { steps: [] }, alive)).toMatchObject({ state: 'failed', message: 'NaN loss' });
    expect(stageView(stage, manifest('interrupted'), steps([[59, 6]]), alive).message).toBe('interrupted at 60 of 100; `dsl run` resumes it from its checkpoint');
  });

  it('tells a cache hit from a stage finished in this session, when there is a session', () => {
    const done = manifest('complete', { finishedAt: '2025-01-01T10:00:00.000Z' });
    expect(stageView(stage, done, { steps: [] }, { ...alive, sessionStart: '2025-01-02T00:00:00.000Z' }).state).toBe('cached');
    expect(stageView(stage, done, { steps: [] }, { ...alive, sessionStart: '2025-01-01T09:00:00.000Z' }).state).toBe('done');
    expect(stageView(stage, done, { steps: [] }, alive)).toMatchObject({ state: 'done', seconds: 12 });
  });

  it('measures the rate from one step as iterations since the start', () => {
    expect(rateOf(steps([[9, 2]]))).toBe(5);
    expect(rateOf(steps([]))).toBeUndefined();
    expect(rateOf(steps([[0, 0]]))).toBeUndefined();
  });
});

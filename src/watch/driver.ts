import { existsSync } from 'node:fs';
import { watch, type FSWatcher } from 'chokidar';
import { resolve } from 'node:path';
import { compile, type StageGraph } from '../compile/graph.js';
import { plan } from '../compile/plan.js';
import type { StageName } from '../compile/stages.js';
import { fileContext } from '../io/hash.js';
import { nodeSpecHost } from '../io/specHost.js';
import type { BackendInfo } from '../ml/backend/types.js';
import type { SpaceModel } from '../nas/space.js';
import { reportFile } from '../report/report.js';
import { executePlan } from '../run/executor.js';
import { memoryGuard } from '../run/memoryGuard.js';
import type { StageRunner } from '../run/stages/context.js';
import { openStore } from '../run/store.js';
import { hasErrors } from '../spec/problems.js';
import { resolveSpec } from '../spec/resolve.js';
import type { ResolvedSpec } from '../spec/types.js';
import { ChangeBatcher } from './debounce.js';
import { initialWatchState, transition, type WatchAction, type WatchEvent, type WatchState } from './machine.js';
import type { WatchOutput } from './notices.js';
import { WatchTargets } from './targets.js';

export interface WatchOptions {
  readonly specFile: string;
  readonly overrides?: readonly string[];
  readonly cwd?: string;
  readonly runners: Readonly<Record<StageName, StageRunner>>;
  /** Chosen once, the first time a stage must run (tfjs starts only then). */
  readonly backend: (spec: ResolvedSpec) => Promise<BackendInfo>;
  readonly onOutput: (output: WatchOutput) => void;
  /** Quiet time after the last change before re-planning. */
  readonly debounceMs?: number;
}

export interface WatchSession {
  /** Ctrl-C: abort the running stage at its next step boundary, wait for its checkpoint, close. */
  stop(): void;
  /** Settles when the watcher has scanned its files (edits before it may be missed). */
  readonly ready: Promise<void>;
  /** Settles when the session has closed. */
  readonly closed: Promise<void>;
}

interface Compiled {
  readonly spec: ResolvedSpec;
  readonly space: SpaceModel;
  readonly specFile: string;
}

/**
 * The effects of watch mode, driven by the pure transition in machine.ts: watches files,
 * resolves the spec on every (debounced) change, runs one stage at a time through the
 * executor and aborts it when told. Everything it decides, machine.ts decided.
 */
export function startWatch(options: WatchOptions): WatchSession {
  const emit = options.onOutput;
  const compiled = new WeakMap<StageGraph, Compiled>();
  const targets = new WatchTargets();
  let state: WatchState = initialWatchState;
  let controller: AbortController | undefined;
  let backend: Promise<BackendInfo> | undefined;
  let watcher: FSWatcher | undefined;
  let finish: () => void = () => undefined;
  const closed = new Promise<void>((done) => (finish = done));

  const queue: WatchEvent[] = [];
  let dispatching = false;
  const dispatch = (event: WatchEvent) => {
    queue.push(event);
    if (dispatching) return;
    dispatching = true;
    try {
      while (queue.length) {
        const result = transition(state, queue.shift()!);
        state = result.state;
        for (const action of result.actions) perform(action);
      }
    } finally {
      dispatching = false;
    }
  };

  const perform = (action: WatchAction) => {
    switch (action.type) {
      case 'run-next':
        void runNext(action.graph, action.forceReport);
        break;
      case 'abort':
        emit({ type: 'aborting', stage: action.stage, reason: action.reason });
        controller?.abort();
        break;
      case 'idle':
        emit({ type: 'up-to-date' });
        break;
      case 'exit':
        void close();
        break;
    }
  };

  async function runNext(graph: StageGraph, forceReport: boolean): Promise<void> {
    const c = compiled.get(graph)!;
    const store = openStore(c.spec.runtime.outDir, c.spec.name);
    const force: StageName[] = forceReport ? ['report'] : [];
    const step = plan(graph, store, { force }).find((p) => p.action !== 'skip');
    if (!step) return dispatch({ type: 'job-done', outcome: 'idle' });
    const stage = step.stage.name;
    controller = new AbortController();
    try {
      backend ??= options.backend(c.spec);
      const info = await backend;
      dispatch({ type: 'stage-started', stage, fingerprint: step.stage.fingerprint });
      const result = await executePlan({
        spec: c.spec,
        space: c.space,
        specFile: c.specFile,
        graph,
        store,
        runners: options.runners,
        backend: info,
        force,
        until: stage,
        signal: controller.signal,
        // One stage per call: the plan and the cache hits before it would repeat every time.
        onEvent: (event) => event.type !== 'plan' && event.type !== 'cache-hit' && emit(event),
        beforeStage: memoryGuard({ spec: c.spec, space: c.space, backend: info.name }),
      });
      if (result.failed) report(result.failed.error);
      if (stage === 'report' && result.status === 'complete') emit({ type: 'report', file: reportFile(c.spec) });
      dispatch({ type: 'job-done', outcome: result.status, stage });
    } catch (error) {
      report(error);
      dispatch({ type: 'job-done', outcome: 'failed', stage });
    }
    if (state.blocked) emit({ type: 'waiting', reason: 'failed' });
  }

  const report = (error: unknown) => {
    const e = error instanceof Error ? error : new Error(String(error));
    const hint = (e as { hint?: unknown }).hint;
    emit({ type: 'error', message: e.message, ...(typeof hint === 'string' ? { hint } : {}) });
  };

  /** Parse and validate at once; a valid spec re-plans. */
  const check = (templateChanged: boolean) => {
    const specFile = resolve(options.cwd ?? process.cwd(), options.specFile);
    if (!existsSync(specFile)) {
      // Gone while being saved by rename, or deleted: said once, and picked up when it is back.
      const problem = { severity: 'error', code: 'spec-gone', message: `the spec file ${specFile} is gone (deleted, or being replaced); watching for it to come back`, path: [] } as const;
      emit({ type: 'checked', valid: false, problems: [problem], sources: [] });
      dispatch({ type: 'invalid' });
      if (!state.busy) emit({ type: 'waiting', reason: 'invalid' });
      return;
    }
    const resolution = resolveSpec(options.specFile, { host: nodeSpecHost, overrides: options.overrides ?? [], cwd: options.cwd ?? process.cwd() });
    const valid = !hasErrors(resolution.problems) && resolution.spec !== undefined && resolution.space !== undefined;
    emit({ type: 'checked', valid, problems: resolution.problems, sources: resolution.sources });
    const changes = targets.update(resolution.files, resolution.spec);
    if (watcher) {
      if (changes.add.length) watcher.add(changes.add);
      if (changes.remove.length) watcher.unwatch(changes.remove);
    }
    if (!valid) {
      dispatch({ type: 'invalid' });
      if (state.busy) return;
      return emit({ type: 'waiting', reason: 'invalid' });
    }
    const graph = compile(resolution.spec!, resolution.space!, fileContext);
    compiled.set(graph, { spec: resolution.spec!, space: resolution.space!, specFile: resolution.files[0] ?? resolve(options.specFile) });
    const store = openStore(resolution.spec!.runtime.outDir, resolution.spec!.name);
    emit({ type: 'replanned', stages: plan(graph, store, templateChanged ? { force: ['report'] } : {}).map((p) => ({ stage: p.stage.name, action: p.action })) });
    dispatch({ type: 'resolved', graph, templateChanged });
  };

  const batcher = new ChangeBatcher(options.debounceMs ?? 150, (paths) => {
    emit({ type: 'changed', files: paths });
    try {
      check(paths.some((p) => targets.isTemplate(p)));
    } catch (error) {
      report(error);
    }
  });

  async function close(): Promise<void> {
    batcher.cancel();
    await watcher?.close();
    emit({ type: 'stopped' });
    finish();
  }

  try {
    check(false);
  } catch (error) {
    report(error);
  }
  watcher = watch(targets.paths(), { ignoreInitial: true, ignored: targets.ignored, atomic: true });
  watcher.on('all', (_event, path) => batcher.add(resolve(path)));
  watcher.on('error', (error) => report(error));
  const ready = new Promise<void>((done) => watcher!.once('ready', () => done()));
  emit({ type: 'watching', files: targets.paths().length });

  return { stop: () => dispatch({ type: 'stop' }), ready, closed };
}

import { existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StageName } from '../../src/compile/stages.js';
import { StageInterrupted } from '../../src/run/errors.js';
import type { StageContext, StageRunner } from '../../src/run/stages/context.js';
import { runReport } from '../../src/run/stages/report.js';
import { startWatch, type WatchSession } from '../../src/watch/driver.js';
import type { WatchOutput } from '../../src/watch/notices.js';
import { tempExperiment, type TempExperiment } from '../helpers/tempExperiment.js';

/**
 * The watch driver on a temp copy of the MNIST spec, with real files, real edits and the real
 * executor and report stage, but stand-in training stages: each "iteration" sleeps, emits a
 * step and honours the abort signal as the real loops do. The real loops under `dsl watch`
 * are covered by test/cli/watch.test.ts.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const calls: Record<StageName, number> = { search: 0, derive: 0, train: 0, evaluate: 0, report: 0 };
let trainIterations = 3;

const loop = (iterations: () => number): StageRunner => async (ctx: StageContext) => {
  calls[ctx.stage.name]++;
  const total = iterations();
  ctx.emit({ type: 'start', stage: ctx.stage.name, total });
  for (let i = 0; i < total; i++) {
    if (ctx.signal.aborted) {
      writeFileSync(join(ctx.dir, 'checkpoint.bin'), 'stand-in');
      throw new StageInterrupted(i);
    }
    ctx.emit({ type: 'step', stage: ctx.stage.name, iteration: i, total, epoch: 0, dLoss: 1, lrG: 1e-4, lrD: 1e-4, seconds: 0 });
    await sleep(40);
  }
  return {};
};
const instant = (): StageRunner => async (ctx) => {
  calls[ctx.stage.name]++;
  return {};
};
const runners: Record<StageName, StageRunner> = {
  search: loop(() => 2),
  derive: instant(),
  train: loop(() => trainIterations),
  evaluate: instant(),
  report: async (ctx) => {
    calls.report++;
    return runReport(ctx);
  },
};

describe('the watch driver', () => {
  let experiment: TempExperiment;
  let session: WatchSession;
  const outputs: WatchOutput[] = [];
  let seen = 0;
  /** Waits for an output after the last one consumed. */
  async function next(predicate: (o: WatchOutput) => boolean, timeoutMs = 10_000): Promise<WatchOutput> {
    const started = Date.now();
    for (;;) {
      const index = outputs.findIndex((o, i) => i >= seen && predicate(o));
      if (index >= 0) {
        seen = index + 1;
        return outputs[index]!;
      }
      if (Date.now() - started > timeoutMs) throw new Error(`timed out; outputs since: ${outputs.slice(seen).map((o) => o.type).join(', ')}`);
      await sleep(20);
    }
  }
  const ofType = <T extends WatchOutput['type']>(type: T) => (o: WatchOutput): o is Extract<WatchOutput, { type: T }> => o.type === type;
  const stageDirs = (stage: string) => (existsSync(join(experiment.runs, 'mnist')) ? readdirSync(join(experiment.runs, 'mnist')).filter((d) => d.startsWith(`${stage}-`)) : []);

  beforeAll(async () => {
    experiment = tempExperiment();
    session = startWatch({
      specFile: experiment.spec,
      runners,
      backend: async () => ({ name: 'cpu', requested: 'cpu', threads: 1, simd: null, skipped: [], degraded: null, summary: 'cpu' }),
      onOutput: (o) => outputs.push(o),
      debounceMs: 100,
    });
    await session.ready;
  });
  afterAll(async () => {
    session.stop();
    await session.closed;
    rmSync(experiment.dir, { recursive: true, force: true });
  });

  it('checks the spec, runs every stage, then watches', async () => {
    expect(await next(ofType('checked'))).toMatchObject({ valid: true });
    await next(ofType('up-to-date'), 20_000);
    expect(calls).toEqual({ search: 1, derive: 1, train: 1, evaluate: 1, report: 1 });
    expect(existsSync(join(experiment.runs, 'mnist', 'report.md'))).toBe(true);
  });

  it('reports an invalid edit at once, runs nothing, and resumes when it is fixed', async () => {
    experiment.edit('nCritic: 5', 'nCritic: 0');
    const checked = await next(ofType('checked'));
    expect(checked).toMatchObject({ valid: false });
    expect(checked.type === 'checked' && checked.problems[0]?.message).toContain('train.nCritic');
    await next(ofType('waiting'));
    experiment.edit('nCritic: 0', 'nCritic: 5');
    expect(await next(ofType('checked'))).toMatchObject({ valid: true });
    await next(ofType('up-to-date'));
    expect(calls).toEqual({ search: 1, derive: 1, train: 1, evaluate: 1, report: 1 });
  });

  it('re-renders the report on a template edit within a second, training nothing', async () => {
    const report = join(experiment.runs, 'mnist', 'report.md');
    const started = Date.now();
    experiment.editTemplate(`${readFileSync(experiment.template, 'utf8')}\nEdited by the test.\n`);
    await next((o) => o.type === 'report');
    expect(Date.now() - started).toBeLessThan(1500); // 100 ms of debounce included
    expect(readFileSync(report, 'utf8')).toContain('Edited by the test.');
    await next(ofType('up-to-date'));
    expect(calls).toMatchObject({ search: 1, train: 1, evaluate: 1, report: 2 });
  });

  it('makes one re-plan of a burst of saves', async () => {
    const from = outputs.length;
    for (let i = 0; i < 4; i++) {
      experiment.edit(/\n# save \d+\n|$/, `\n# save ${i}\n`);
      await sleep(20);
    }
    await next(ofType('up-to-date'));
    const burst = outputs.slice(from);
    expect(burst.filter((o) => o.type === 'changed')).toHaveLength(1);
    expect(burst.filter((o) => o.type === 'checked')).toHaveLength(1);
    expect(calls).toMatchObject({ search: 1, train: 1, report: 2 });
  });

  it('says when the spec file is gone, and picks it up again when it is back', async () => {
    const text = readFileSync(experiment.spec, 'utf8');
    rmSync(experiment.spec);
    const gone = await next(ofType('checked'));
    expect(gone).toMatchObject({ valid: false });
    expect(gone.type === 'checked' && gone.problems[0]?.message).toBe(`the spec file ${experiment.spec} is gone (deleted, or being replaced); watching for it to come back`);
    // Recreated as an editor that saves by rename does: a new file renamed onto the name.
    writeFileSync(`${experiment.spec}.new`, `${text}\n# back\n`);
    renameSync(`${experiment.spec}.new`, experiment.spec);
    // (chokidar may report the unlink and the add in one batch or two)
    await next((o) => o.type === 'checked' && o.valid);
    await next(ofType('up-to-date'));
    await sleep(300);
    seen = outputs.length;
    // ...and it is still watched after that.
    experiment.edit('nCritic: 5', 'nCritic: 0');
    expect(await next(ofType('checked'))).toMatchObject({ valid: false });
    experiment.edit('nCritic: 0', 'nCritic: 5');
    expect(await next(ofType('checked'))).toMatchObject({ valid: true });
    await next(ofType('up-to-date'));
  });

  it('stops a training stage that an edit invalidates, and re-runs from it', async () => {
    trainIterations = 200; // long enough to be caught running
    experiment.edit('iterations: 1500', 'iterations: 1600');
    await next((o) => o.type === 'start' && o.stage === 'train');
    await next((o) => o.type === 'step' && o.stage === 'train');
    trainIterations = 3;
    experiment.edit('iterations: 1600', 'iterations: 1700');
    expect(await next(ofType('aborting'))).toMatchObject({ stage: 'train', reason: 'invalidated' });
    expect(await next(ofType('interrupted'))).toMatchObject({ stage: 'train' });
    await next(ofType('up-to-date'), 20_000);
    expect(calls).toMatchObject({ search: 1, derive: 1, train: 3, evaluate: 2, report: 3 });
    // 1500 and 1700 iterations complete; 1600 says it was interrupted, next to the checkpoint it kept
    const manifests = stageDirs('train').map((d) => JSON.parse(readFileSync(join(experiment.runs, 'mnist', d, 'manifest.json'), 'utf8')) as { status: string });
    expect(manifests.map((m) => m.status).sort()).toEqual(['complete', 'complete', 'interrupted']);
  });

  it('stops cleanly on Ctrl-C: the running stage checkpoints, then the session closes', async () => {
    trainIterations = 200;
    experiment.edit('iterations: 1700', 'iterations: 1800');
    await next((o) => o.type === 'step' && o.stage === 'train');
    session.stop();
    expect(await next(ofType('aborting'))).toMatchObject({ stage: 'train', reason: 'stopping' });
    await next(ofType('interrupted'));
    await next(ofType('stopped'));
    await session.closed;
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dslBin, hasStackTrace } from '../helpers/cli.js';
import { tempExperiment, type TempExperiment } from '../helpers/tempExperiment.js';

/**
 * `dsl watch` through the real binary and the real stages, on a temp copy of the MNIST spec
 * shrunk to seconds: widths 4, a couple of iterations, 200 images, 20 scored samples. One
 * session walks through the edits in order, as a person at an editor would.
 */
const TINY = [
  'searchSpace.generator.channels=4',
  'searchSpace.discriminator.channels=4',
  'search.batch={ discriminator: 4, generator: 4 }',
  'search.schedule={ iterations: 1 }',
  'train.generator.channels=4',
  'train.discriminator.channels=4',
  'train.batch={ discriminator: 8, generator: 8 }',
  'evaluate.samples=20',
  'evaluate.grid=16',
  'evaluate.features.epochs=1',
  'data.limit=200',
].flatMap((s) => ['--set', s]);

describe('dsl watch', () => {
  let experiment: TempExperiment;
  let child: ChildProcess;
  let stderr = '';
  let seen = 0;

  /** Waits for text printed after everything consumed so far; returns what was printed up to it. */
  async function waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    const started = Date.now();
    for (;;) {
      const rest = stderr.slice(seen);
      const match = pattern.exec(rest);
      if (match) {
        seen += match.index + match[0].length;
        return rest.slice(0, match.index + match[0].length);
      }
      if (child.exitCode !== null) throw new Error(`dsl watch exited (${child.exitCode}):\n${stderr}`);
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${pattern}; since:\n${rest}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const stageFiles = (stage: string) =>
    readdirSync(join(experiment.runs, 'mnist'))
      .filter((d) => d.startsWith(`${stage}-`))
      .map((d) => join(experiment.runs, 'mnist', d, 'events.jsonl'));
  const stamp = (files: string[]) => files.map((f) => `${f}@${statSync(f).mtimeMs}`);

  beforeAll(() => {
    experiment = tempExperiment();
    experiment.edit('schedule: { iterations: 1500 }', 'schedule: { iterations: 2 }');
    child = spawn(process.execPath, [dslBin, 'watch', experiment.spec, ...TINY], { cwd: experiment.dir, env: { ...process.env, CI: '1', NO_COLOR: '1' } });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout!.on('data', (d: Buffer) => (stderr += d.toString()));
  });
  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(experiment.dir, { recursive: true, force: true });
  });

  it('runs the experiment once, then watches', async () => {
    const first = await waitFor(/up to date; watching for changes/, 120_000);
    expect(first).toContain('mnist.yaml is valid');
    for (const stage of ['search', 'derive', 'train', 'evaluate', 'report']) expect(first).toMatch(new RegExp(`✓ ${stage} +done in`));
    expect(first).toMatch(/report: .*report\.md/);
  });

  it('prints a diagnostic for an invalid edit and keeps watching; fixing it resumes', async () => {
    experiment.edit('nCritic: 5', 'nCritic: 0');
    const invalid = await waitFor(/waiting: fix the spec to continue/);
    expect(invalid).toMatch(/mnist\.yaml:\d+:\d+: error: `train\.nCritic` must be ≥ 1, not 0/);
    expect(hasStackTrace(invalid)).toBe(false);
    experiment.edit('nCritic: 0', 'nCritic: 5');
    const fixed = await waitFor(/up to date; watching for changes/);
    expect(fixed).toContain('mnist.yaml is valid');
    expect(fixed).not.toMatch(/done in/);
  });

  it('re-renders the report on a template edit, training nothing', async () => {
    const before = stamp([...stageFiles('search'), ...stageFiles('train')]);
    experiment.editTemplate(`${readFileSync(experiment.template, 'utf8')}\nEdited while watching.\n`);
    const rendered = await waitFor(/up to date; watching for changes/);
    expect(rendered).toMatch(/✓ report +done in/);
    expect(rendered).not.toMatch(/(search|train|evaluate)(: started| +done)/);
    expect(stamp([...stageFiles('search'), ...stageFiles('train')])).toEqual(before);
    expect(readFileSync(join(experiment.runs, 'mnist', 'report.md'), 'utf8')).toContain('Edited while watching.');
  });

  it('re-runs train and evaluate only after a schedule edit', async () => {
    const searches = stamp(stageFiles('search'));
    experiment.edit('schedule: { iterations: 2 }', 'schedule: { iterations: 3 }');
    const rerun = await waitFor(/up to date; watching for changes/, 120_000);
    expect(rerun).toMatch(/plan: search up to date, derive up to date, train run, evaluate run, report run/);
    expect(rerun).toMatch(/✓ train +done in/);
    expect(rerun).toMatch(/✓ evaluate +done in/);
    expect(rerun).not.toMatch(/(search|derive)(: started| +done)/);
    expect(stamp(stageFiles('search'))).toEqual(searches);
    expect(stageFiles('train')).toHaveLength(2);
  });

  it('stops cleanly on Ctrl-C', async () => {
    expect(child.exitCode, stderr).toBeNull();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    child.kill('SIGINT');
    const code = await exited;
    expect(code).toBe(0);
    expect(stderr.slice(seen)).toContain('stopped watching');
  });
});

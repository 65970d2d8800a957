import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasStackTrace, repoRoot, runDsl } from '../helpers/cli.js';
import { tempDir } from '../helpers/recordedRun.js';
import { setArgs, TINY } from '../helpers/tiny.js';

interface SweepJson {
  trials: { id: string; overrides: Record<string, unknown>; seed: number; status: string; metrics: { is: number | null; fid: number | null; kid: number | null }; runDir: string; pareto: { parameters: boolean } }[];
  combinations: unknown[];
  fingerprint: string;
}

const sweepSpec = (values: string) => `extends: ${join(repoRoot, 'experiments/mnist.yaml')}
name: tiny-sweep
sweep:
  parameters:
    train.optimizers.generator.lr: [${values}]
`;

const dirs = (root: string, prefix: string) => readdirSync(root).filter((d) => d.startsWith(prefix));
const trainSteps = (root: string) =>
  dirs(root, 'train-').flatMap((d) => readFileSync(join(root, d, 'events.jsonl'), 'utf8').trim().split('\n')).filter((l) => l.includes('"type":"step"')).length;

describe('dsl sweep on this machine', () => {
  it('runs the trials sharing their common stages, reruns as cache hits, and runs only what an extension adds', async () => {
    const dir = tempDir('dsl-sweep-');
    const spec = join(dir, 'sweep.yaml');
    writeFileSync(spec, sweepSpec('0.0002, 0.0004'));
    const args = setArgs([...TINY, `runtime.outDir=${join(dir, 'runs')}`]);
    const root = join(dir, 'runs', 'tiny-sweep');

    const validate = await runDsl(['validate', spec, ...args]);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stderr).toContain('is valid, with 2 sweep trials');
    const plan = await runDsl(['plan', spec, ...args]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/sweep: 2 trials → sweep-[0-9a-f]{10}/);
    expect(plan.stdout).toContain('search: 1 (shared by all 2 trials)');
    expect(plan.stdout).toContain('train: 2 (one per trial)');

    const first = await runDsl(['sweep', spec, ...args, '--json'], { timeoutMs: 300_000 });
    expect(first.code, first.stderr).toBe(0);
    expect(hasStackTrace(first.stderr)).toBe(false);
    const json = JSON.parse(first.stdout) as SweepJson;
    expect(json.trials.map((t) => [t.overrides['train.optimizers.generator.lr'], t.status, t.seed])).toEqual([[0.0002, 'complete', 1], [0.0004, 'complete', 1]]);
    for (const t of json.trials) {
      expect(t.metrics.fid).toBeGreaterThan(0);
      expect(t.metrics.is).toBeGreaterThan(0);
      expect(existsSync(join(t.runDir, 'report.md'))).toBe(true);
      expect(JSON.parse(readFileSync(join(t.runDir, 'trial.json'), 'utf8'))).toMatchObject({ id: t.id, status: 'complete' });
    }
    expect(json.trials.some((t) => t.pareto.parameters)).toBe(true);
    // The search and derivation are shared: computed once, by the first trial.
    expect(dirs(root, 'search-')).toHaveLength(1);
    expect(dirs(root, 'train-')).toHaveLength(2);
    expect(first.stderr).toMatch(/\[1\/2\] [0-9a-f]{10} lr=0.0002: complete in .*\(computed search, derive, train, evaluate, report\)/);
    expect(first.stderr).toMatch(/\[2\/2\] [0-9a-f]{10} lr=0.0004: complete in .*\(computed train, evaluate, report; cache hits search, derive\)/);
    const summaryDir = join(root, `sweep-${json.fingerprint.slice(0, 10)}`);
    const summary = readFileSync(join(summaryDir, 'summary.md'), 'utf8');
    expect(summary).toContain('| # | id | lr | seed | status | IS | FID | KID |');
    expect(summary).toMatch(/\[report\]\(\.\.\/trials\/[0-9a-f]{10}\/report\.md\)/);
    for (const svg of ['fid-vs-lr.svg', 'pareto-fid-parameters.svg']) expect(readFileSync(join(summaryDir, 'summary-assets', svg), 'utf8')).toMatch(/^<svg/);
    expect(JSON.parse(readFileSync(join(summaryDir, 'summary.json'), 'utf8'))).toMatchObject({ format: 'dsl-sweep/1', counts: { complete: 2 } });
    const steps = trainSteps(root);

    const compare = await runDsl(['compare', json.trials[0]!.runDir, json.trials[1]!.runDir]);
    expect(compare.code, compare.stderr).toBe(0);
    expect(compare.stdout).toContain('1 difference in the resolved specs:\n  train.optimizers.generator.lr: 0.0002 → 0.0004');
    expect(compare.stdout).toMatch(new RegExp(`FID\\s+${json.trials[0]!.metrics.fid!.toFixed(2)}\\s+${json.trials[1]!.metrics.fid!.toFixed(2)}`));
    const notTrial = await runDsl(['compare', dir, json.trials[1]!.runDir]);
    expect(notTrial.code).toBe(1);
    expect(notTrial.stderr).toContain('is not a trial folder');
    expect(hasStackTrace(notTrial.stderr)).toBe(false);

    const again = await runDsl(['sweep', spec, ...args], { timeoutMs: 120_000 });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr.match(/complete in .*\(cache hits search, derive, train, evaluate, report\)/g)).toHaveLength(2);
    expect(again.stderr).not.toContain('computed');
    expect(trainSteps(root)).toBe(steps);

    writeFileSync(spec, sweepSpec('0.0002, 0.0004, 0.0008'));
    const extended = await runDsl(['sweep', spec, ...args, '--workers', '2', '--json'], { timeoutMs: 300_000 });
    expect(extended.code, extended.stderr).toBe(0);
    expect(extended.stderr).toContain('3 trials of tiny-sweep, 2 at a time');
    expect(extended.stderr.match(/cache hits search, derive, train, evaluate, report/g)).toHaveLength(2);
    expect(extended.stderr).toMatch(/\[3\/3\] [0-9a-f]{10} lr=0.0008: complete in .*\(computed train, evaluate, report; cache hits search, derive\)/);
    expect(dirs(root, 'train-')).toHaveLength(3);
    expect(dirs(root, 'search-')).toHaveLength(1);
    const bigger = JSON.parse(extended.stdout) as SweepJson;
    expect(bigger.trials.slice(0, 2).map((t) => t.id)).toEqual(json.trials.map((t) => t.id));
    expect(bigger.fingerprint).not.toBe(json.fingerprint);
  }, 600_000);

  it('stops on a bad trial value with its location in the sweep section, before running anything', async () => {
    const dir = tempDir('dsl-sweep-bad-');
    const spec = join(dir, 'sweep.yaml');
    writeFileSync(spec, `extends: ${join(repoRoot, 'experiments/mnist.yaml')}\nsweep:\n  parameters:\n    search.nCritic: [1, two]\n    train.emaa: [0.9]\n`);
    const result = await runDsl(['sweep', spec, '--set', `runtime.outDir=${join(dir, 'runs')}`]);
    expect(result.code).toBe(1);
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(result.stderr).toMatch(/sweep\.yaml:4:25: error: trial 2 \(nCritic=two emaa=0\.9\): `search\.nCritic` should be a whole number, not "two"/);
    expect(result.stderr).toMatch(/sweep\.yaml:5:5: error: every trial: unknown key `emaa` in `train`/);
    expect(result.stderr.match(/hint: did you mean `ema`\?/g)).toHaveLength(1);
    expect(result.stderr).toContain('sweep.yaml: 2 errors');
    expect(existsSync(join(dir, 'runs'))).toBe(false);
  });
});

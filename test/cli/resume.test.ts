import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dslBin, repoRoot, runDsl } from '../helpers/cli.js';
import { setArgs, TINY } from '../helpers/tiny.js';

/** A re-training stage long enough to be killed in the middle, with frequent checkpoints. */
const overrides = (out: string) => [
  ...TINY,
  'derive.from=experiments/genotypes/adversarialnas-cifar10.yaml',
  'train.schedule={ iterations: 12 }',
  'train.checkpointEvery=3',
  'train.logEvery=1',
  `runtime.outDir=${out}`,
];
const args = (out: string) => ['run', 'experiments/mnist.yaml', '--until', 'train', ...setArgs(overrides(out))];
const trainDir = (out: string) => {
  const dir = readdirSync(join(out, 'mnist')).find((d) => d.startsWith('train-'));
  return dir && join(out, 'mnist', dir);
};

/** Starts a run and SIGKILLs it once the train stage has logged a checkpoint at iteration ≥ 6. */
function runAndKill(out: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [dslBin, ...args(out)], { cwd: repoRoot, env: { ...process.env, CI: '1' }, stdio: 'ignore' });
    const poll = setInterval(() => {
      const dir = existsSync(join(out, 'mnist')) ? trainDir(out) : undefined;
      if (!dir || !existsSync(join(dir, 'events.jsonl'))) return;
      const checkpoints = readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"type":"checkpoint"'));
      const last = checkpoints.length ? (JSON.parse(checkpoints[checkpoints.length - 1]!) as { iteration: number }).iteration : 0;
      if (last >= 6 && existsSync(join(dir, 'checkpoint.bin'))) {
        clearInterval(poll);
        child.kill('SIGKILL');
        resolve(last);
      }
    }, 50);
    child.on('error', reject);
    child.on('exit', () => {
      clearInterval(poll);
      reject(new Error('the run ended before it could be killed'));
    });
  });
}

describe('dsl run after a crash', () => {
  it('resumes the killed stage from its checkpoint and ends with the same weights as an uninterrupted run', async () => {
    const straight = mkdtempSync(join(tmpdir(), 'dsl-straight-'));
    const first = await runDsl(args(straight), { timeoutMs: 600_000 });
    expect(first.code, first.stderr).toBe(0);

    const crashed = mkdtempSync(join(tmpdir(), 'dsl-crashed-'));
    const killedAt = await runAndKill(crashed);
    const dir = trainDir(crashed)!;
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { status: string };
    expect(manifest.status).toBe('running'); // killed: nothing marks it complete
    expect(existsSync(join(dir, 'generator.bin'))).toBe(false);

    const resumed = await runDsl(args(crashed), { timeoutMs: 600_000 });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/derive\s+up to date/);
    expect(resumed.stderr).toMatch(new RegExp(`train: resuming at iteration (\\d+)`));
    const at = Number(/train: resuming at iteration (\d+)/.exec(resumed.stderr)![1]);
    // The last complete checkpoint: the one at killedAt, or the one before if the kill came while it was written.
    expect([killedAt, killedAt - 3]).toContain(at);
    const after = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { status: string; attempts: number; startedAt: string; seconds: number; attemptLog: { startedAt: string; seconds: number; outcome: string }[] };
    expect(after).toMatchObject({ status: 'complete', attempts: 2 });
    // The killed attempt keeps its start and its time up to its last checkpoint.
    expect(after.attemptLog.map((a) => a.outcome)).toEqual(['killed', 'complete']);
    expect(after.startedAt).toBe(after.attemptLog[0]!.startedAt);
    expect(after.attemptLog[0]!.seconds).toBeGreaterThan(0);
    expect(after.seconds).toBeCloseTo(after.attemptLog[0]!.seconds + after.attemptLog[1]!.seconds, 6);

    const weights = (out: string) => readFileSync(join(trainDir(out)!, 'generator.bin'));
    expect(weights(crashed).equals(weights(straight))).toBe(true);
    const losses = (out: string) =>
      readFileSync(join(trainDir(out)!, 'events.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.includes('"type":"step"'))
        .map((l) => JSON.parse(l) as { iteration: number; dLoss: number; gLoss?: number })
        .map(({ iteration, dLoss, gLoss }) => ({ iteration, dLoss, gLoss }));
    expect(losses(crashed)).toEqual(losses(straight));
  }, 900_000);
});

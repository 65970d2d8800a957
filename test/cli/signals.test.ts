import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dslBin, repoRoot } from '../helpers/cli.js';
import { setArgs, TINY } from '../helpers/tiny.js';

const dir = mkdtempSync(join(tmpdir(), 'dsl-signals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stageDir = (out: string, stage: string) => {
  const root = join(out, 'mnist');
  const name = existsSync(root) ? readdirSync(root).find((d) => d.startsWith(`${stage}-`)) : undefined;
  return name && join(root, name);
};

/**
 * Starts a run, sends `signal` once `stage` has logged an event matching `when`, and returns
 * the exit code, what it printed and how long it took to stop after the signal.
 */
function runAndSignal(out: string, extra: string[], stage: string, when: RegExp, signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string; stopSeconds: number }> {
  const overrides = [...TINY, 'derive.from=experiments/genotypes/adversarialnas-cifar10.yaml', ...extra, `runtime.outDir=${out}`];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [dslBin, 'run', 'experiments/mnist.yaml', ...setArgs(overrides)], { cwd: repoRoot, env: { ...process.env, CI: '1', NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let sentAt = 0;
    const poll = setInterval(() => {
      const d = stageDir(out, stage);
      if (!d || !existsSync(join(d, 'events.jsonl')) || !when.test(readFileSync(join(d, 'events.jsonl'), 'utf8'))) return;
      clearInterval(poll);
      sentAt = performance.now();
      child.kill(signal);
    }, 50);
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ code, stderr, stopSeconds: sentAt ? (performance.now() - sentAt) / 1000 : Number.NaN });
    });
  });
}

describe('dsl run stopped by a signal', () => {
  it('Ctrl-C while evaluate trains its classifier: stops within seconds, exit 130, no report, resumable', async () => {
    const out = join(dir, 'int');
    const result = await runAndSignal(out, ['evaluate.features.epochs=2000'], 'evaluate', /training the mnist classifier/, 'SIGINT');
    expect(result.code, result.stderr).toBe(130);
    expect(result.stopSeconds).toBeLessThan(10);
    expect(result.stderr).toMatch(/evaluate\s+interrupted — run the same command to start it again/);
    expect(JSON.parse(readFileSync(join(stageDir(out, 'evaluate')!, 'manifest.json'), 'utf8'))).toMatchObject({ status: 'interrupted' });
    expect(existsSync(join(out, 'mnist', 'report.md'))).toBe(false);
  }, 300_000);

  it('SIGTERM during training: stops at the next step with a checkpoint, exit 143', async () => {
    const out = join(dir, 'term');
    const result = await runAndSignal(out, ['train.schedule={ iterations: 400 }', 'train.logEvery=1'], 'train', /"type":"step"/, 'SIGTERM');
    expect(result.code, result.stderr).toBe(143);
    expect(result.stopSeconds).toBeLessThan(10);
    const train = stageDir(out, 'train')!;
    expect(JSON.parse(readFileSync(join(train, 'manifest.json'), 'utf8'))).toMatchObject({ status: 'interrupted' });
    expect(existsSync(join(train, 'checkpoint.bin'))).toBe(true);
  }, 300_000);
});

import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeCifar10 } from '../helpers/cifar10.js';
import { hasStackTrace, runDsl } from '../helpers/cli.js';
import { setArgs } from '../helpers/tiny.js';

/**
 * The paper's search (super-networks 160/80, batch 120) does not fit the 4 GiB of a wasm heap:
 * `dsl run` says so before the first step, with the largest batch that does, instead of failing
 * mid-step after a long time.
 */
describe('the memory check before a stage', () => {
  it('stops the paper search on wasm before its first step, naming the largest batch that fits', async () => {
    const data = mkdtempSync(join(tmpdir(), 'dsl-memory-data-'));
    fakeCifar10(data, 4);
    const out = mkdtempSync(join(tmpdir(), 'dsl-memory-runs-'));
    const started = performance.now();
    const result = await runDsl(['run', 'experiments/cifar10.yaml', '--backend', 'wasm', '--until', 'search', ...setArgs([`data.root=${data}`, 'data.check=records', `runtime.outDir=${out}`])], { timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(1);
    expect(hasStackTrace(result.stderr)).toBe(false);
    const errors = result.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^error: search: one iteration at batch 120 needs about \d+\.\d GB on wasm, which holds 4 GiB; the largest batch that fits is (\d+)$/);
    const largest = Number(/fits is (\d+)$/.exec(errors[0]!)![1]);
    expect(largest).toBeGreaterThan(10);
    expect(largest).toBeLessThan(60);
    expect(result.stderr).toMatch(new RegExp(`hint: set search\\.batch\\.discriminator and \\.generator to ${largest} \\(experiments/base/adversarialnas\\.yaml:\\d+:\\d+\\), or use --backend tensorflow`));
    expect(result.stderr).toMatch(/DSL_MEMORY_CHECK=0 skips this check/);
    expect(result.stderr).not.toMatch(/search \d+\/\d+/);
    // No step ran and nothing of the stage was written.
    expect(performance.now() - started).toBeLessThan(60_000);
    const runDir = join(out, 'cifar10');
    expect(existsSync(runDir) ? readdirSync(runDir).filter((f) => f.startsWith('search')) : []).toEqual([]);
  }, 180_000);

  it('shows the estimate of each stage in `dsl plan` and `dsl inspect`', async () => {
    const plan = await runDsl(['plan', 'experiments/cifar10.yaml', '--set', 'runtime.outDir=/nonexistent']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/search: one iteration needs about \d+\.\d GB on wasm \(more than its 4 GiB\), \d+\.\d GB on tensorflow/);
    const inspect = await runDsl(['inspect', 'experiments/cifar10.yaml', '--json', '--genotype', 'experiments/genotypes/adversarialnas-cifar10.yaml']);
    expect(inspect.code, inspect.stderr).toBe(0);
    const json = JSON.parse(inspect.stdout) as { memory: { stage: string; backends: Record<string, { bytes: number; fits: boolean }> }[]; search: { generator: { activations: number } } };
    expect(json.memory.map((m) => m.stage)).toEqual(['search', 'train']);
    expect(json.memory[0]!.backends.wasm!.fits).toBe(false);
    expect(json.search.generator.activations).toBe(19_567_736);
  });
});

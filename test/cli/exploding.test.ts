import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasStackTrace, runDsl } from '../helpers/cli.js';
import { setArgs, TINY } from '../helpers/tiny.js';

describe('a loop whose losses explode', () => {
  it('stops with a clear message and marks the stage failed', async () => {
    const out = mkdtempSync(join(tmpdir(), 'dsl-explode-'));
    const result = await runDsl(
      [
        'run',
        'experiments/mnist.yaml',
        '--until',
        'train',
        ...setArgs([
          ...TINY,
          'derive.from=experiments/genotypes/adversarialnas-cifar10.yaml',
          'train.schedule={ iterations: 8 }',
          'train.checkpointEvery=1',
          'train.optimizers.discriminator.lr=1e30',
          `runtime.outDir=${out}`,
        ]),
      ],
      { timeoutMs: 300_000 },
    );
    expect(result.code).toBe(1);
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(result.stderr).toMatch(/error: train: \w+ became \S+ at iteration \d+; stopped, the last good checkpoint is kept/);
    const dir = join(out, 'mnist', readdirSync(join(out, 'mnist')).find((d) => d.startsWith('train-'))!);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))).toMatchObject({ status: 'failed' });
    expect(existsSync(join(dir, 'generator.bin'))).toBe(false);
  }, 300_000);
});

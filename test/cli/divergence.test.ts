import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../src/io/checkpoint.js';
import { nonFinite } from '../../src/run/stages/finite.js';
import { hasStackTrace, runDsl } from '../helpers/cli.js';
import { setArgs, TINY } from '../helpers/tiny.js';

const dir = mkdtempSync(join(tmpdir(), 'dsl-diverge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const train = (out: string, extra: string[]) =>
  runDsl(
    ['run', 'experiments/mnist.yaml', '--until', 'train', ...setArgs([...TINY, 'derive.from=experiments/genotypes/adversarialnas-cifar10.yaml', ...extra, `runtime.outDir=${out}`])],
    { timeoutMs: 300_000 },
  );
const trainDir = (out: string) => join(out, 'mnist', readdirSync(join(out, 'mnist')).find((d) => d.startsWith('train-'))!);

describe('a loop whose weights turn NaN while its losses stay finite', () => {
  it('stops naming the tensor and the iteration, keeps only finite checkpoints, exits 1', async () => {
    const out = join(dir, 'nan');
    // At this learning rate the losses stay below any size guard while the weights overflow.
    const result = await train(out, ['train.schedule={ iterations: 8 }', 'train.checkpointEvery=1', 'train.optimizers.discriminator.lr=1000', 'train.optimizers.generator.lr=1000']);
    expect(result.code).toBe(1);
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(result.stderr).toMatch(/error: train: \S+ (and \d+ other tensors? )?became non-finite \(NaN or infinite\) by iteration (\d+); stopped, the last finite checkpoint (\(iteration \d+\) )?is kept/);
    const stage = trainDir(out);
    expect(JSON.parse(readFileSync(join(stage, 'manifest.json'), 'utf8'))).toMatchObject({ status: 'failed' });
    for (const file of readdirSync(stage).filter((f) => f.endsWith('.bin'))) {
      expect(nonFinite(readCheckpoint(stage, file)!.tensors), file).toBeUndefined();
    }
  }, 300_000);
});

describe('a damaged checkpoint', () => {
  it('is reported, and the stage resumes from the one before it to the same weights as an intact run', async () => {
    const settings = ['train.schedule={ iterations: 6 }', 'train.checkpointEvery=2'];
    const straight = join(dir, 'straight');
    expect((await train(straight, settings)).code).toBe(0);
    const damaged = join(dir, 'damaged');
    expect((await train(damaged, settings)).code).toBe(0);
    // As if the run had been stopped after its last checkpoint, which another program then cut short.
    const stage = trainDir(damaged);
    const manifest = JSON.parse(readFileSync(join(stage, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(stage, 'manifest.json'), JSON.stringify({ ...manifest, status: 'interrupted' }));
    rmSync(join(stage, 'generator.bin'));
    const size = readFileSync(join(stage, 'checkpoint.bin')).length;
    truncateSync(join(stage, 'checkpoint.bin'), size - 1000);
    const resumed = await train(damaged, settings);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/warning: \S+checkpoint\.bin is damaged: \d+ bytes of data where its header says \d+; resuming from the checkpoint before it/);
    expect(resumed.stderr).toContain('resuming at iteration 4');
    const weights = (out: string) => readCheckpoint(trainDir(out), 'generator.bin')!.tensors;
    expect(weights(damaged)).toEqual(weights(straight));
  }, 300_000);
});

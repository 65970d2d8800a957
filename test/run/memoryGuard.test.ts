import { existsSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Stage } from '../../src/compile/graph.js';
import type { StageName } from '../../src/compile/stages.js';
import { StageError } from '../../src/run/errors.js';
import { backendOptionsFor } from '../../src/run/backendOptions.js';
import { MEMORY_MARGIN, memoryGuard, memoryLimit, unfitBackends, WASM_HEAP_LIMIT } from '../../src/run/memoryGuard.js';
import { planOn, recordRun } from '../helpers/recordedRun.js';
import { experiment, resolveValid } from '../helpers/specs.js';

const paper = resolveValid(experiment('cifar10.yaml'));
/** The check reads only the stage's name. */
const stage = (name: StageName) => ({ name }) as unknown as Stage;
const search = stage('search');
const GB = 1e9;

describe('the memory check before a stage', () => {
  it('stops the paper search on wasm, with the estimate and the largest batch, located where the batch is written', () => {
    const check = memoryGuard({ spec: paper.spec, space: paper.space, backend: 'wasm', locate: () => 'experiments/base/adversarialnas.yaml:127:5', env: {} });
    let error: unknown;
    try {
      check(search, {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StageError);
    expect((error as StageError).message).toMatch(/^search: one iteration at batch 120 needs about \d+\.\d GB on wasm, which holds 4 GiB; the largest batch that fits is \d+$/);
    expect((error as StageError).hint).toMatch(/^set search\.batch\.discriminator and \.generator to \d+ \(experiments\/base\/adversarialnas\.yaml:127:5\), or use --backend tensorflow/);
  });

  it('lets the search through where it fits, where the limit is a GPU, on other stages, and with DSL_MEMORY_CHECK=0', () => {
    expect(() => memoryGuard({ spec: paper.spec, space: paper.space, backend: 'tensorflow', env: {}, totalBytes: 64 * GB })(search, {})).not.toThrow();
    expect(() => memoryGuard({ spec: paper.spec, space: paper.space, backend: 'tensorflow-gpu', env: {} })(search, {})).not.toThrow();
    expect(() => memoryGuard({ spec: paper.spec, space: paper.space, backend: 'wasm', env: {} })(stage('derive'), {})).not.toThrow();
    expect(() => memoryGuard({ spec: paper.spec, space: paper.space, backend: 'wasm', env: { DSL_MEMORY_CHECK: '0' } })(search, {})).not.toThrow();
  });

  it('holds native TensorFlow to the machine’s memory', () => {
    expect(() => memoryGuard({ spec: paper.spec, space: paper.space, backend: 'tensorflow', env: {}, totalBytes: 4 * GB })(search, {})).toThrow(/on tensorflow, and this machine has 4\.0 GB; the largest batch that fits is \d+/);
    expect(memoryLimit('wasm', 2 * GB)).toEqual({ bytes: 2 * GB * (1 - MEMORY_MARGIN), label: '2.0 GB', capacity: 'and this machine has 2.0 GB' });
    expect(memoryLimit('wasm', 64 * GB)?.bytes).toBe(Math.floor(WASM_HEAP_LIMIT * (1 - MEMORY_MARGIN)));
    expect(memoryLimit('webgpu')).toBeUndefined();
  });

  it('checks training once derive has written the genotype, against both batches', () => {
    const run = recordRun({ stages: ['search', 'derive'], overrides: ['train.generator.channels=640', 'train.batch.discriminator=40', 'train.batch.generator=80'] });
    try {
      const derive = run.store.stageDir('derive', run.graph.stages.find((s) => s.name === 'derive')!.fingerprint);
      const train = run.graph.stages.find((s) => s.name === 'train')!;
      const check = memoryGuard({ spec: run.spec, space: run.space, backend: 'wasm', env: {} });
      expect(() => check(train, {})).not.toThrow();
      expect(() => check(train, { derive })).toThrow(/^train: one iteration at batch 40\/80 \(discriminator\/generator\) needs about .* the largest batch that fits is \d+\/\d+$/);
    } finally {
      rmSync(run.dir, { recursive: true, force: true });
    }
  });
});

describe('the backends auto passes over', () => {
  const quick = resolveValid(experiment('mnist.yaml'));

  it('are those whose memory cannot hold one iteration of the search, each with why', () => {
    expect(unfitBackends(paper.spec, paper.space, {}, 24 * GB)).toEqual({ wasm: expect.stringMatching(/^one search iteration at batch 120 needs about \d+\.\d GB on wasm, which holds 4 GiB$/) });
    expect(unfitBackends(paper.spec, paper.space, {}, 8 * GB)).toEqual({
      wasm: expect.stringMatching(/on wasm, which holds 4 GiB$/),
      tensorflow: expect.stringMatching(/^one search iteration at batch 120 needs about \d+\.\d GB on tensorflow, and this machine has 8\.0 GB$/),
    });
    expect(unfitBackends(paper.spec, paper.space, { DSL_MEMORY_CHECK: '0' }, 8 * GB)).toEqual({});
    expect(unfitBackends(quick.spec, quick.space, {}, 8 * GB)).toEqual({});
  });

  it('where derive.from skips the search, are those that cannot hold the training of that genotype', () => {
    const retrain = resolveValid(experiment('cifar10.yaml'), [`derive.from=${experiment('genotypes/adversarialnas-cifar10.yaml')}`]);
    // The paper's re-training (256/128, batch 80/40) needs about 4.3 GB on wasm; the search's batch 120 is not run.
    expect(unfitBackends(retrain.spec, retrain.space, {}, 24 * GB)).toEqual({ wasm: expect.stringMatching(/^one train iteration at batch 40\/80 needs about 4\.\d GB on wasm, which holds 4 GiB$/) });
    const smaller = resolveValid(experiment('cifar10.yaml'), [`derive.from=${experiment('genotypes/adversarialnas-cifar10.yaml')}`, 'train.batch.discriminator=20', 'train.batch.generator=40']);
    expect(unfitBackends(smaller.spec, smaller.space, {}, 24 * GB)).toEqual({});
  });

  it('reach selectBackend with the spec, only where there are any', () => {
    expect(backendOptionsFor(paper.spec, paper.space).unfit).toHaveProperty('wasm');
    expect(backendOptionsFor(quick.spec, quick.space)).not.toHaveProperty('unfit');
  });
});

describe('the executor with a check that refuses a stage', () => {
  it('stops there with the stage failed, before its directory exists', async () => {
    const { executePlan } = await import('../../src/run/executor.js');
    const run = recordRun({ stages: ['search', 'derive'] });
    try {
      const ran: string[] = [];
      const runner = (name: string) => async () => {
        ran.push(name);
        return {};
      };
      const events: string[] = [];
      const result = await executePlan({
        ...planOn(run, events),
        runners: { search: runner('search'), derive: runner('derive'), train: runner('train'), evaluate: runner('evaluate'), report: runner('report') },
        beforeStage: (s) => {
          if (s.name === 'train') throw new StageError('train: too big');
        },
      });
      expect(result.status).toBe('failed');
      expect(result.failed?.stage).toBe('train');
      expect(ran).toEqual([]);
      expect(events).toContain('stage-failed train');
      const train = run.graph.stages.find((s) => s.name === 'train')!;
      expect(existsSync(run.store.stageDir('train', train.fingerprint))).toBe(false);
    } finally {
      rmSync(run.dir, { recursive: true, force: true });
    }
  });
});

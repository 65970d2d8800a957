import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../../src/compile/graph.js';
import { loadDataset } from '../../../src/data/load.js';
import { readCheckpoint } from '../../../src/io/checkpoint.js';
import { fileContext } from '../../../src/io/hash.js';
import { AutoganDiscriminator } from '../../../src/ml/nets/autoganDiscriminator.js';
import { EVAL } from '../../../src/ml/nets/context.js';
import { Generator } from '../../../src/ml/nets/generator.js';
import { AdversarialGame, type StepLosses } from '../../../src/ml/train/gan.js';
import { autoganDiscriminator } from '../../../src/nas/autogan.js';
import { trainSpace } from '../../../src/nas/inspect.js';
import { StageError, StageInterrupted } from '../../../src/run/errors.js';
import { EventLog } from '../../../src/run/eventLog.js';
import type { StageEvent } from '../../../src/run/events.js';
import { runAdversarialLoop } from '../../../src/run/stages/adversarialLoop.js';
import type { StageContext } from '../../../src/run/stages/context.js';
import { renderWithEma } from '../../../src/run/stages/render.js';
import { Random } from '../../../src/util/random.js';
import { experiment, resolveValid } from '../../helpers/specs.js';
import { useBackend } from '../helpers/backends.js';

const { spec, space } = resolveValid(experiment('mnist.yaml'), ['train.generator.channels=2', 'train.discriminator.channels=2', 'train.batch.discriminator=4', 'train.batch.generator=4']);
const genotype = { generator: space.generator.cells.map((cell) => Object.fromEntries(cell.edges.map((e) => [e.name, e.ops.find((o) => o.def.type !== 'zero')!.name]))) };

/** A re-training game whose losses stop being finite from iteration `badFrom` on. */
class FailingGame extends AdversarialGame {
  badFrom = Number.POSITIVE_INFINITY;
  override async step(...args: Parameters<AdversarialGame['step']>): Promise<StepLosses> {
    const losses = await super.step(...args);
    return args[1] >= this.badFrom ? { ...losses, dLoss: Number.NaN } : losses;
  }
}

async function setup(abortAfter?: number) {
  const dataset = await loadDataset({ dataset: 'mnist', root: '', imageSize: 32, channels: 1, limit: 64 });
  const generator = new Generator(trainSpace(spec).generator, new Random(1), genotype.generator);
  const discriminator = new AutoganDiscriminator(autoganDiscriminator(32, 1, 2), new Random(2), { init: 'xavier-uniform', spectralNorm: true });
  const game = new FailingGame({ net: generator }, { net: discriminator }, { latentDim: 48, nCritic: 1, split: 0.5, generatorBatch: 4, ema: 0.999, optimizers: spec.train.optimizers });
  const dir = mkdtempSync(join(tmpdir(), 'dsl-loop-'));
  const controller = new AbortController();
  const events: StageEvent[] = [];
  const ctx: StageContext = {
    spec,
    space,
    graph: compile(spec, space, fileContext),
    stage: compile(spec, space, fileContext).stages.find((s) => s.name === 'train')!,
    dir,
    inputs: {},
    resume: false,
    signal: controller.signal,
    backend: { name: 'wasm', requested: 'wasm', threads: 2, simd: true, skipped: [], degraded: null, summary: '' },
    cacheDir: dir,
    log: new EventLog(join(dir, 'events.jsonl')),
    emit: (e) => {
      events.push(e);
      if (e.type === 'step' && abortAfter !== undefined && e.iteration + 1 === abortAfter) controller.abort();
    },
  };
  const run = () =>
    runAdversarialLoop({
      ctx,
      game,
      stores: { generator: generator.params, discriminator: discriminator.params },
      dataset,
      batch: spec.train.batch,
      schedule: { iterations: 6, skipFirstEpoch: false },
      lrDecay: 'none',
      logEvery: 1,
      checkpointEvery: 1,
      samples: { count: 4 },
      random: new Random(3),
      latentDim: 48,
      render: (z) => renderWithEma(game, z, (input) => generator.forward(input, EVAL)),
    });
  return { game, dir, events, run };
}

describe('the adversarial loop', () => {
  beforeAll(() => useBackend('wasm'));

  it('stops when a loss is not finite, keeping the last good checkpoint', async () => {
    const { game, dir, run } = await setup();
    game.badFrom = 3;
    const error = await run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StageError);
    expect((error as Error).message).toMatch(/dLoss became NaN at iteration 3; stopped, the last good checkpoint is kept/);
    expect((readCheckpoint(dir)!.state as { iteration: number }).iteration).toBe(3); // after iterations 0, 1, 2
  });

  it('stops at a step boundary when aborted, after writing a checkpoint there', async () => {
    const { dir, run } = await setup(2);
    const error = await run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StageInterrupted);
    expect((error as StageInterrupted).iteration).toBe(2);
    expect((readCheckpoint(dir)!.state as { iteration: number }).iteration).toBe(2);
  });
});

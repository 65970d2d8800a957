import { join } from 'node:path';
import { BatchSampler, type SamplerState } from '../../data/sampler.js';
import type { ImageDataset } from '../../data/types.js';
import { readLatestCheckpoint, writeCheckpoint } from '../../io/checkpoint.js';
import { nonFinite } from './finite.js';
import { writeImageGrid } from '../../io/png.js';
import type { Relaxation } from '../../ml/nets/archParams.js';
import type { Network } from '../../ml/nets/network.js';
import type { ParamStore } from '../../ml/params.js';
import { tf, type Tensor2D, type Tensor4D } from '../../ml/tf.js';
import type { AdversarialGame, GanSettings, StepLosses } from '../../ml/train/gan.js';
import { normal } from '../../ml/train/gan.js';
import { gumbelTau, linearDecay, loopClock, type LoopClock } from '../../ml/train/schedule.js';
import type { BatchDef, ResolvedSpec, ScheduleDef } from '../../spec/types.js';
import { Random, type RandomState } from '../../util/random.js';
import { StageError, StageInterrupted } from '../errors.js';
import { EventLog } from '../eventLog.js';
import type { StageContext } from './context.js';
import { captureState, restoreState } from './trainingState.js';

export interface LoopSetup {
  readonly ctx: StageContext;
  readonly game: AdversarialGame;
  /** Everything with variables, by checkpoint prefix. */
  readonly stores: Readonly<Record<string, ParamStore>>;
  readonly dataset: ImageDataset;
  readonly batch: BatchDef;
  readonly schedule: ScheduleDef;
  readonly relaxation?: { readonly type: 'softmax' | 'gumbel'; readonly tauMax: number; readonly tauMin: number };
  readonly lrDecay: 'none' | 'linear';
  readonly logEvery: number;
  readonly checkpointEvery: number;
  readonly samples: { readonly every?: number; readonly count: number };
  /** Snapshot interval in iterations (0: none) and what to record. */
  readonly snapshots?: { readonly every: number; readonly capture: () => Promise<Record<string, unknown>> };
  /** The stage's seeded stream; forked into data order, latents and Gumbel noise. */
  readonly random: Random;
  /** Images from the EMA generator for fixed latents, NHWC in [-1, 1]. */
  readonly render: (z: Tensor2D) => Promise<Float32Array>;
  readonly latentDim: number;
}

interface LoopState {
  iteration: number;
  sampler: SamplerState;
  latent: RandomState;
  gumbel: RandomState;
  lr: { generator: number; discriminator: number };
  eventsSize: number;
  historySize: number;
  seconds: number;
}

export const ALPHA_HISTORY = 'alpha-history.jsonl';
const MAX_LOSS = 1e6;

/** The keys the search and training sections of a spec share, which set up a game and its loop. */
type LoopSection = Pick<ResolvedSpec['search'] | ResolvedSpec['train'], 'batch' | 'schedule' | 'lrDecay' | 'logEvery' | 'checkpointEvery' | 'samples' | 'nCritic' | 'ema' | 'optimizers'>;

/** The game settings of a search or training section. */
export function gameSettings(section: LoopSection, latentDim: number): GanSettings {
  return { latentDim, nCritic: section.nCritic, split: section.batch.split, generatorBatch: section.batch.generator, ema: section.ema, optimizers: section.optimizers };
}

/** The loop settings of a search or training section. */
export function loopSchedule({ batch, schedule, lrDecay, logEvery, checkpointEvery, samples }: LoopSection): Pick<LoopSetup, 'batch' | 'schedule' | 'lrDecay' | 'logEvery' | 'checkpointEvery' | 'samples'> {
  return { batch, schedule, lrDecay, logEvery, checkpointEvery, samples };
}

/** What a search or training stage records about its finished loop. */
export function loopSummary(result: Awaited<ReturnType<typeof runAdversarialLoop>>, generator: Network, discriminator: Network) {
  return {
    iterations: result.clock.totalIterations,
    epochs: result.clock.epochs,
    generatorParameters: generator.parameterCount,
    discriminatorParameters: discriminator.parameterCount,
    ...(result.last ? { finalLosses: result.last } : {}),
  };
}

/**
 * Drives an AdversarialGame through its schedule: batches, temperature and learning-rate
 * schedules, events, snapshots, sample grids, checkpoints (atomic; the state includes every
 * optimizer moment, the EMA, buffers, RNG streams, the data order and the log sizes, so a
 * resumed run continues exactly as an uninterrupted one would), interruption at step
 * boundaries, and a stop with a clear message when losses stop being finite.
 */
export async function runAdversarialLoop(setup: LoopSetup): Promise<{ clock: LoopClock; last?: StepLosses; seconds: number }> {
  const { ctx, game } = setup;
  const stage = ctx.stage.name;
  const clock = loopClock(setup.schedule, setup.dataset.size, setup.batch.discriminator);
  const history = new EventLog(join(ctx.dir, ALPHA_HISTORY));
  const sampler = new BatchSampler(setup.dataset, setup.batch.discriminator, { seed: setup.random.fork('data').nextUint32() });
  const latent = setup.random.fork('latent');
  const gumbel = setup.random.fork('gumbel');
  const fixedZ = normal(setup.random.fork('fixed-latent'), setup.samples.count, setup.latentDim);
  const sampleEvery = setup.samples.every ?? Math.max(1, Math.ceil(clock.totalIterations / 8));
  let state: LoopState = {
    iteration: 0,
    sampler: sampler.state(),
    latent: latent.getState(),
    gumbel: gumbel.getState(),
    lr: { ...game.lr },
    eventsSize: 0,
    historySize: 0,
    seconds: 0,
  };
  const parts = { stores: setup.stores, optimizers: game.optimizers, ema: game.ema };
  const latest = ctx.resume ? readLatestCheckpoint(ctx.dir) : {};
  const saved = latest.checkpoint;
  for (const message of latest.damaged ?? []) {
    ctx.emit({ type: 'warning', stage, message: `${message}; ${saved ? 'resuming from the checkpoint before it' : 'no intact checkpoint: the stage starts again'}` });
  }
  let data = sampler;
  if (saved) {
    state = restoreState(parts, saved) as unknown as LoopState;
    latent.setState(state.latent);
    gumbel.setState(state.gumbel);
    Object.assign(game.lr, state.lr);
    ctx.log.truncate(state.eventsSize);
    history.truncate(state.historySize);
    data = new BatchSampler(setup.dataset, setup.batch.discriminator, { state: state.sampler });
  } else {
    ctx.log.truncate(0);
    history.truncate(0);
  }
  ctx.emit({ type: 'start', stage, total: clock.totalIterations, ...(saved ? { resumedFrom: state.iteration } : {}) });
  const started = performance.now();
  const elapsed = () => state.seconds + (performance.now() - started) / 1000;

  let lastSaved = saved ? state.iteration : 0;
  const checkpoint = async (iteration: number) => {
    // Logged first, so that the log size saved with the checkpoint includes this line.
    ctx.emit({ type: 'checkpoint', stage, iteration });
    const captured = await captureState(parts, {
      iteration,
      sampler: data.state(),
      latent: latent.getState(),
      gumbel: gumbel.getState(),
      lr: { ...game.lr },
      eventsSize: ctx.log.size,
      historySize: history.size,
      seconds: elapsed(),
    } satisfies LoopState);
    // Finite losses do not prove finite weights (a NaN weight can vanish through a max or a
    // ReLU): a checkpoint is written only if every tensor in it is finite.
    const bad = nonFinite(captured.tensors);
    if (bad) {
      throw new StageError(
        `${stage}: ${bad.name}${bad.others ? ` and ${bad.others} other tensor${bad.others === 1 ? '' : 's'}` : ''} became non-finite (NaN or infinite) by iteration ${iteration}; stopped, the last finite checkpoint${lastSaved > 0 ? ` (iteration ${lastSaved})` : ''} is kept`,
        'lower the learning rates or check the data; `dsl run` resumes from that checkpoint',
      );
    }
    writeCheckpoint(ctx.dir, captured);
    lastSaved = iteration;
  };
  const samples = async (iteration: number) => {
    const images = await setup.render(fixedZ);
    const file = `samples/${stage}-${String(iteration).padStart(7, '0')}.png`;
    writeImageGrid(join(ctx.dir, file), images, { count: setup.samples.count, size: setup.dataset.height, channels: setup.dataset.channels });
    ctx.emit({ type: 'samples', stage, iteration, file });
  };

  const [h, w, c] = [setup.dataset.height, setup.dataset.width, setup.dataset.channels];
  let last: StepLosses | undefined;
  try {
    for (let iteration = state.iteration; iteration < clock.totalIterations; iteration++) {
      // Kernels run synchronously and their reads resolve at once: without this the event loop
      // would never turn during a stage, and Ctrl-C or a watch-mode edit would wait for its end.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (ctx.signal.aborted) {
        await checkpoint(iteration);
        throw new StageInterrupted(iteration);
      }
      const epoch = clock.epochOf(iteration);
      const r = setup.relaxation;
      const tau = r?.type === 'gumbel' ? gumbelTau(epoch, clock.epochs, r.tauMax, r.tauMin) : undefined;
      const relaxation = (): Relaxation => (tau === undefined ? { type: 'softmax' } : { type: 'gumbel', tau, random: gumbel });
      const batch = data.next();
      const real = tf.tensor4d(batch.images, [batch.count, h, w, c]) as Tensor4D;
      try {
        last = await game.step(real, iteration, latent, relaxation);
      } finally {
        real.dispose();
      }
      if (setup.lrDecay === 'linear' && iteration % game.settings.nCritic === 0) {
        game.lr.generator = linearDecay(game.optimizers.generator.learningRate, iteration, clock.totalIterations);
        game.lr.discriminator = linearDecay(game.optimizers.discriminator.learningRate, iteration, clock.totalIterations);
      }
      const bad = Object.entries(last).find(([, v]) => v !== undefined && (!Number.isFinite(v) || Math.abs(v) > MAX_LOSS));
      if (bad) {
        throw new StageError(
          `${stage}: ${bad[0]} became ${bad[1]} at iteration ${iteration}; stopped, the last good checkpoint is kept`,
          'lower the learning rates or check the data; `dsl run` resumes from the checkpoint',
        );
      }
      const done = iteration + 1;
      if (iteration % setup.logEvery === 0 || done === clock.totalIterations) {
        ctx.emit({ type: 'step', stage, iteration, total: clock.totalIterations, epoch, ...last, ...(tau !== undefined ? { tau } : {}), lrG: game.lr.generator, lrD: game.lr.discriminator, seconds: elapsed() });
      }
      if (setup.snapshots && setup.snapshots.every > 0 && (iteration % setup.snapshots.every === 0 || done === clock.totalIterations)) {
        history.append({ iteration, epoch, ...(await setup.snapshots.capture()) });
      }
      if (done % sampleEvery === 0 || done === clock.totalIterations) await samples(done);
      if (done % setup.checkpointEvery === 0 && done < clock.totalIterations) await checkpoint(done);
    }
  } finally {
    fixedZ.dispose();
  }
  await checkpoint(clock.totalIterations);
  return { clock, ...(last ? { last } : {}), seconds: elapsed() };
}

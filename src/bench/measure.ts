/**
 * Times iterations of a game: warm-up, then timed iterations (wall and process CPU time, the
 * per-phase times of AdversarialGame.times), then one profiled iteration for the kernel count.
 * Memory: peak RSS of the process, and for wasm the size of its linear memory, which only grows
 * (its high-water mark) and cannot pass 4 GiB. Also a reference convolution, to tell how fast
 * the machine was at the time (it is shared: other processes' load changes everything).
 */
import { tf } from '../ml/tf.js';
import type { StepTimes } from '../ml/train/gan.js';
import type { BenchGame } from './cases.js';
import { summarize, type Summary } from './stats.js';

export interface IterationSample {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly phasesMs: StepTimes;
  readonly losses: Readonly<Record<string, number>>;
}

export interface GameMeasurement {
  readonly warmup: number;
  readonly iterations: number;
  readonly wallMs: Summary;
  readonly cpuMs: Summary;
  readonly phasesMs: Record<keyof StepTimes, number>;
  readonly samples: readonly IterationSample[];
  /** Kernels one iteration runs (tf.profile of one extra iteration). */
  readonly kernels?: number;
  readonly profiledWallMs?: number;
  /** Live tensors between iterations (the networks, optimizer state, EMA). */
  readonly tensorBytes: number;
  readonly numTensors: number;
}

export interface Profile {
  readonly kernels: number;
  /** Wall time of the profiled iteration (profiling adds a little). */
  readonly profiledWallMs: number;
}

const PHASES: readonly (keyof StepTimes)[] = ['dArch', 'dWeights', 'gArch', 'gWeights'];

export function wasmHeapBytes(): number | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const heap = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8;
  return heap?.buffer.byteLength;
}

/**
 * Tracks the top of the wasm heap's allocations: the highest end of any buffer malloc returned
 * (tensor data; the kernels' own allocations are not seen). The heap's size is coarser, since it
 * grows by a fifth of itself (at most 96 MiB) at a time; this is what one iteration really
 * reached, fragmentation included. Undefined off wasm.
 */
export function trackWasmHeapTop(): (() => number) | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const module = (tf.backend() as unknown as { wasm?: { _malloc: (bytes: number) => number } }).wasm;
  if (!module) return undefined;
  const malloc = module._malloc;
  let top = 0;
  module._malloc = (bytes) => {
    const pointer = malloc(bytes);
    top = Math.max(top, (pointer >>> 0) + bytes);
    return pointer;
  };
  return () => top;
}

/**
 * GFLOP/s of the forward conv 3x3 [16, 32, 32, 64] -> 64 (median of 10): the shape of
 * shared/TFJS.md's table (79 GFLOP/s on wasm with 2 threads, 42 with 1, on a quiet machine).
 */
export async function referenceConvGflops(): Promise<number> {
  const x = tf.randomNormal([16, 32, 32, 64]) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, 64, 64]) as tf.Tensor4D;
  const times: number[] = [];
  for (let i = 0; i < 12; i++) {
    const t0 = performance.now();
    // An asynchronous read: GPU backends have no synchronous one in Node.
    const y = tf.conv2d(x, w, 1, 'same');
    await y.data();
    y.dispose();
    if (i >= 2) times.push(performance.now() - t0);
  }
  tf.dispose([x, w]);
  return (2 * 16 * 32 * 32 * 64 * 64 * 9) / summarize(times).median / 1e6;
}

/** Steps a game, numbering its iterations, and checks that the losses stay finite. */
export class GameRunner {
  private iteration = 0;

  constructor(readonly bench: BenchGame) {}

  async step(): Promise<Record<string, number>> {
    const { bench } = this;
    const losses = { ...(await bench.game.step(bench.real, this.iteration, bench.latent, bench.relaxation)) };
    this.iteration += 1;
    for (const [k, v] of Object.entries(losses)) if (!Number.isFinite(v)) throw new Error(`loss ${k} is ${v} at iteration ${this.iteration}`);
    return losses;
  }

  async timed(): Promise<IterationSample> {
    const { game } = this.bench;
    const before = { ...game.times };
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const losses = await this.step();
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const phasesMs = Object.fromEntries(PHASES.map((k) => [k, game.times[k] - before[k]])) as unknown as StepTimes;
    return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, phasesMs, losses };
  }

  /**
   * One iteration under tf.profile: kernels run and its wall time. (tf.profile's peakBytes is
   * not reported: it counts a tensor's bytes once per tensor object sharing them.)
   */
  async profiled(): Promise<Profile> {
    const t0 = performance.now();
    const info = await tf.profile(async () => {
      await this.step();
    });
    return { kernels: info.kernels.length, profiledWallMs: performance.now() - t0 };
  }
}

export function summarizeSamples(samples: readonly IterationSample[], warmup: number, profile?: Profile): GameMeasurement {
  const memory = tf.memory();
  return {
    warmup,
    iterations: samples.length,
    wallMs: summarize(samples.map((s) => s.wallMs)),
    cpuMs: summarize(samples.map((s) => s.cpuMs)),
    phasesMs: Object.fromEntries(PHASES.map((k) => [k, summarize(samples.map((s) => s.phasesMs[k])).median])) as Record<keyof StepTimes, number>,
    samples,
    ...(profile ?? {}),
    tensorBytes: memory.numBytes,
    numTensors: memory.numTensors,
  };
}

/**
 * Measures several games (A/B variants) with their iterations interleaved, so that changes of
 * the machine's load hit every variant alike.
 */
export async function measureInterleaved(
  games: readonly BenchGame[],
  o: { warmup: number; iterations: number; profile: boolean; onIteration?: (game: number, i: number, sample: IterationSample) => void },
): Promise<GameMeasurement[]> {
  const runners = games.map((g) => new GameRunner(g));
  for (let i = 0; i < o.warmup; i++) for (const r of runners) await r.step();
  const samples: IterationSample[][] = runners.map(() => []);
  for (let i = 0; i < o.iterations; i++) {
    for (const [k, r] of runners.entries()) {
      const sample = await r.timed();
      samples[k]!.push(sample);
      o.onIteration?.(k, i, sample);
    }
  }
  const out: GameMeasurement[] = [];
  for (const [k, r] of runners.entries()) out.push(summarizeSamples(samples[k]!, o.warmup, o.profile ? await r.profiled() : undefined));
  return out;
}

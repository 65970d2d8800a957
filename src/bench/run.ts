/**
 * One benchmark case in this process: select the backend, build the game, measure it. The
 * driver (main.ts) runs each case in its own child process so that peak RSS and the wasm heap
 * (which never shrinks) belong to that case alone.
 */
import os from 'node:os';
import { selectBackend, type BackendName } from '../ml/backend/index.js';
import { useOnednnKernels } from '../ml/backend/kernels/onednn.js';
import { FAST_PATH, STRAIGHT_PATH, type FastPath } from '../ml/fastPath.js';
import { tf } from '../ml/tf.js';
import type { ResolvedSpec } from '../spec/types.js';
import { resolveExperiment, searchGame, trainGame, type BenchGame } from './cases.js';
import { iterationFlops, type ImageCounts } from '../nas/iterationWork.js';
import { measureInterleaved, referenceConvGflops, trackWasmHeapTop, wasmHeapBytes, type GameMeasurement } from './measure.js';

export type CaseKind = 'search' | 'train';
/** 'wasm-conv': the fast path with the oneDNN convolution kernels turned off (their A/B). */
export type Variant = 'fast' | 'straight' | 'wasm-conv';

export interface BenchCase {
  /** Row label, e.g. "search 16/16". */
  readonly name: string;
  readonly kind: CaseKind;
  readonly spec: string;
  readonly backend: BackendName;
  readonly threads?: number;
  /** Widths G/D: of the super-networks (search) or of the re-trained networks (train); default the spec's. */
  readonly widths?: { readonly generator: number; readonly discriminator: number };
  /** D batch (split by the spec) and G batch (default: the spec's). */
  readonly batch?: number;
  readonly generatorBatch?: number;
  /** Train: the genotype file under experiments/. */
  readonly genotype?: string;
  readonly warmup: number;
  readonly iterations: number;
  /** Variants measured, iterations interleaved (A/B in one process). */
  readonly variants: readonly Variant[];
  readonly profile: boolean;
  /** wasm: also track the top of the heap's allocations (the memory cases). */
  readonly heapTop?: boolean;
}

export interface VariantResult {
  readonly variant: Variant;
  readonly measurement: GameMeasurement;
  readonly gflops: number;
}

export interface CaseResult {
  readonly case: BenchCase;
  readonly backend: { readonly name: string; readonly summary: string; readonly threads: number | null; readonly simd: boolean | null };
  readonly flops: number;
  readonly images: ImageCounts;
  readonly macs: { readonly generator: number; readonly discriminator: number };
  readonly parameters: { readonly generator: number; readonly discriminator: number };
  readonly batch: BenchGame['batch'];
  readonly variants: readonly VariantResult[];
  readonly loadAverage: { readonly before: readonly number[]; readonly after: readonly number[] };
  /** GFLOP/s of a reference conv measured just before the case (see referenceConvGflops). */
  readonly referenceConvGflops?: number;
  /** Peak resident memory of the process running the case (all its variants). */
  readonly peakRssBytes: number;
  /** wasm: size of the linear memory at the end, its high-water mark (it never shrinks; max 4 GiB). */
  readonly wasmHeapBytes?: number;
  /** wasm, with `heapTop`: the highest end of an allocation (measure.ts trackWasmHeapTop). */
  readonly wasmHeapTopBytes?: number;
  /** Resident memory and wasm heap once the backend has started, before anything of the case exists. */
  readonly baseline: { readonly rssBytes: number; readonly wasmHeapBytes?: number };
  readonly setupMs: number;
}

const PATHS: Record<Variant, FastPath> = { fast: FAST_PATH, straight: STRAIGHT_PATH, 'wasm-conv': FAST_PATH };

/** The game with the wasm convolution kernels in force while it steps (the variants step in turn, never at once). */
function onWasmConvolutions(bench: BenchGame): BenchGame {
  const game = new Proxy(bench.game, {
    get(target, property) {
      if (property !== 'step') return Reflect.get(target, property, target);
      return async (...args: Parameters<typeof target.step>) => {
        useOnednnKernels(false);
        try {
          return await target.step(...args);
        } finally {
          useOnednnKernels(true);
        }
      };
    },
  });
  return { ...bench, game, dispose: () => bench.dispose() };
}

function build(c: BenchCase, variant: Variant): BenchGame {
  const bench = buildGame(c, variant);
  return variant === 'wasm-conv' ? onWasmConvolutions(bench) : bench;
}

/** The spec with its re-training widths replaced. */
function withTrainWidths(spec: ResolvedSpec, widths: NonNullable<BenchCase['widths']>): ResolvedSpec {
  const t = spec.train;
  return { ...spec, train: { ...t, generator: { ...t.generator, channels: widths.generator }, discriminator: { ...t.discriminator, channels: widths.discriminator } } };
}

function buildGame(c: BenchCase, variant: Variant): BenchGame {
  const resolved = resolveExperiment(c.spec);
  const spec = c.kind === 'train' && c.widths ? withTrainWidths(resolved, c.widths) : resolved;
  const fastPath = PATHS[variant];
  if (c.kind === 'train') {
    return trainGame(spec, c.genotype ?? 'genotypes/adversarialnas-cifar10.yaml', {
      fastPath,
      ...(c.batch !== undefined ? { batch: c.batch } : {}),
      ...(c.generatorBatch !== undefined ? { generatorBatch: c.generatorBatch } : {}),
    });
  }
  return searchGame(spec, {
    ...(c.widths ? { widths: c.widths } : {}),
    ...(c.batch !== undefined ? { batch: c.batch } : {}),
    ...(c.generatorBatch !== undefined ? { generatorBatch: c.generatorBatch } : {}),
    fastPath,
  });
}

export async function runCase(c: BenchCase, progress: (line: string) => void = () => {}): Promise<CaseResult> {
  const before = os.loadavg();
  const info = await selectBackend(c.backend, { threads: c.threads ?? 'auto' });
  const baselineHeap = wasmHeapBytes();
  const baseline = { rssBytes: process.memoryUsage().rss, ...(baselineHeap !== undefined ? { wasmHeapBytes: baselineHeap } : {}) };
  const heapTop = c.heapTop ? trackWasmHeapTop() : undefined;
  const referenceGflops = c.backend === 'cpu' ? undefined : await referenceConvGflops();
  const t0 = performance.now();
  const games = c.variants.map((v) => build(c, v));
  const setupMs = performance.now() - t0;
  const first = games[0]!;
  const { flops, images } = iterationFlops(first);
  try {
    // Interleaved: every variant runs one iteration in turn, so load changes hit them alike.
    const measurements = await measureInterleaved(games, {
      warmup: c.warmup,
      iterations: c.iterations,
      profile: c.profile,
      onIteration: (v, i, s) => progress(`${c.name} ${c.backend} ${c.variants[v]}: iteration ${i + 1}/${c.iterations} ${s.wallMs.toFixed(0)} ms`),
    });
    const heap = wasmHeapBytes();
    return {
      case: c,
      backend: { name: info.name, summary: info.summary, threads: info.threads, simd: info.simd },
      flops,
      images,
      macs: first.macs,
      parameters: first.parameters,
      batch: first.batch,
      variants: measurements.map((m, k) => ({ variant: c.variants[k]!, measurement: m, gflops: flops / (m.wallMs.median / 1000) / 1e9 })),
      loadAverage: { before, after: os.loadavg() },
      ...(referenceGflops !== undefined ? { referenceConvGflops: referenceGflops } : {}),
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      ...(heap !== undefined ? { wasmHeapBytes: heap } : {}),
      ...(heapTop ? { wasmHeapTopBytes: heapTop() } : {}),
      baseline,
      setupMs,
    };
  } finally {
    for (const g of games) g.dispose();
    tf.disposeVariables();
  }
}

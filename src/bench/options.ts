/** Command-line options of `npm run bench` (node's parseArgs; the bench is not part of the dsl CLI). */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { BackendName } from '../ml/backend/index.js';
import type { Variant } from './run.js';

export const SECTIONS = ['search', 'train', 'mnist', 'memory', 'paper', 'startup', 'sweep'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  readonly json: boolean;
  readonly sections: readonly Section[];
  readonly sizes: readonly { readonly generator: number; readonly discriminator: number }[];
  readonly backends: readonly BackendName[];
  readonly cpu: boolean;
  readonly iterations: number;
  readonly warmup: number;
  readonly cpuIterations: number;
  readonly trainIterations: number;
  readonly trainWarmup: number;
  /** Training batches G/D of the CIFAR-10 training case, one case each. */
  readonly trainBatches: readonly { readonly generator: number; readonly discriminator: number }[];
  readonly threads?: number;
  readonly variants: readonly Variant[];
  readonly profile: boolean;
  /** Batches of the memory cases, G/D (`16` is 16/16). */
  readonly memoryBatches: readonly { readonly generator: number; readonly discriminator: number }[];
  /** Widths G/D of the memory cases (default: the spec's widths of that stage). */
  readonly memorySizes?: readonly { readonly generator: number; readonly discriminator: number }[];
  /** The stage whose iteration the memory cases run, and its spec under experiments/. */
  readonly memoryStage: 'search' | 'train';
  readonly memorySpec: string;
  readonly startupRuns: number;
  /** Also time each search size in PyTorch (scripts/pytorch-reference/search_iteration.py). */
  readonly pytorch: boolean;
  /** Also time each search size in the authors' own code, imported from this directory (absolute). */
  readonly pytorchAuthors?: string;
  /** The paper's search widths (160/80) at these batches (D and G), on each backend, with --pytorch beside them. */
  readonly paperBatches: readonly number[];
  readonly paperWarmup: number;
  readonly paperIterations: number;
  /** Busy processes (one spinning loop each) kept running beside every case: the busy-neighbour case. */
  readonly neighbours: number;
  /** A case still running after this long is killed and reported as failed. */
  readonly timeoutMinutes: number;
}

export const USAGE = `usage: npm run bench -- [options]

  --json                 print one JSON object instead of the table
  --only LIST            sections: ${SECTIONS.join(',')} (default: search,train,mnist,startup;
                         sweep: 4 tiny trials locally with 1 and 2 workers, and the Redis queue's overhead)
  --sizes LIST           search widths G/D (default 16/16,32/32)
  --backends LIST        wasm, webgpu, tensorflow, tensorflow-gpu, cpu (default: wasm)
  --cpu                  also the cpu backend (pure JavaScript, very slow) with --cpu-iterations
  --iterations N         timed search iterations per case after warm-up (default 10)
  --warmup N             warm-up iterations (default 2)
  --cpu-iterations N     timed iterations on cpu (default 2, warm-up 1)
  --train-iterations N   timed iterations of the training cases (default 3, warm-up 1)
  --train-batches LIST   G/D batches of the CIFAR-10 training case (default 80/40,40/20: the paper's
                         80/40 does not fit the 4 GiB of wasm and fails with a message saying so)
  --threads N            wasm threads, and PyTorch's with --pytorch (default: all cores)
  --compare              A/B: the straightforward path and the fast path, iterations interleaved
  --compare-conv         A/B: the fast path on the wasm convolution kernels ('wasm-conv') and on
                         oneDNN's (where its addon is built), iterations interleaved, with one wasm
                         thread per core unless --threads (auto takes one wasm thread with oneDNN)
  --no-profile           skip the profiled iteration (kernel count, peak tensor bytes)
  --memory-batches LIST  batches of --only memory, G/D or one number for both (default 16,24)
  --memory-sizes LIST    widths G/D of the memory cases (default: the spec's, 160/80 for search)
  --memory-stage NAME    search or train: the iteration the memory cases run (default search;
                         train: the derived network of experiments/genotypes/adversarialnas-cifar10.yaml)
  --memory-spec FILE     the spec under experiments/ of the memory cases (default cifar10.yaml)
  --paper-batches LIST   batches of --only paper: one search iteration at the paper's widths 160/80 on each of
                         --backends (default 120, the paper's; minutes per iteration on a CPU), and with --pytorch
                         the same in PyTorch
  --paper-iterations N   timed iterations of each paper case (default 1, after --paper-warmup, default 1)
  --neighbours N         run every case beside N busy processes (a spinning loop each, normal priority):
                         how the threads hold up when another program takes a core (default 0)
  --startup-runs N       CLI cold starts timed (default 5)
  --pytorch              after the tfjs cases of each search size, the same iteration in PyTorch
                         (scripts/pytorch-reference/search_iteration.py, same warm-up, iterations and
                         threads; it must count our parameters) and each tfjs row's median / PyTorch's.
                         Python: $DSL_BENCH_PYTHON (default python3), which needs torch, e.g.
                         DSL_BENCH_PYTHON=/usr/bin/python3 after \`apt install python3-torch\`
  --pytorch-authors DIR  the same with the authors' code as written, from DIR (a clone of chengaopro/AdversarialNAS)
  --timeout-minutes N    kill a case that runs longer (default 30)
  -h, --help`;

/** A G/D pair as the options write it: `16/16` (the inverse of the --sizes parsing). */
export const pairLabel = (p: { readonly generator: number; readonly discriminator: number }): string => `${p.generator}/${p.discriminator}`;

const list = (text: string) => text.split(',').map((s) => s.trim()).filter(Boolean);

function positive(name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got ${text}`);
  return n;
}

export function parseOptions(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      json: { type: 'boolean' },
      only: { type: 'string' },
      sizes: { type: 'string' },
      backends: { type: 'string' },
      cpu: { type: 'boolean' },
      iterations: { type: 'string' },
      warmup: { type: 'string' },
      'cpu-iterations': { type: 'string' },
      'train-iterations': { type: 'string' },
      'train-batches': { type: 'string' },
      threads: { type: 'string' },
      compare: { type: 'boolean' },
      'compare-conv': { type: 'boolean' },
      'no-profile': { type: 'boolean' },
      'memory-batches': { type: 'string' },
      'memory-sizes': { type: 'string' },
      'memory-stage': { type: 'string' },
      'memory-spec': { type: 'string' },
      'startup-runs': { type: 'string' },
      'paper-batches': { type: 'string' },
      neighbours: { type: 'string' },
      'paper-iterations': { type: 'string' },
      'paper-warmup': { type: 'string' },
      'timeout-minutes': { type: 'string' },
      pytorch: { type: 'boolean' },
      'pytorch-authors': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const sections = values.only ? list(values.only) : ['search', 'train', 'mnist', 'startup'];
  for (const s of sections) if (!(SECTIONS as readonly string[]).includes(s)) throw new Error(`--only: unknown section '${s}' (${SECTIONS.join(', ')})`);
  const pairs = (option: string, text: string) =>
    list(text).map((item) => {
      const m = /^(\d+)\/(\d+)$/.exec(item);
      if (!m) throw new Error(`--${option}: '${item}' is not two numbers a/b, e.g. 16/16`);
      return { generator: Number(m[1]), discriminator: Number(m[2]) };
    });
  const sizes = pairs('sizes', values.sizes ?? '16/16,32/32');
  const memoryStage = values['memory-stage'] ?? 'search';
  if (memoryStage !== 'search' && memoryStage !== 'train') throw new Error(`--memory-stage: '${memoryStage}' is neither search nor train`);
  const memoryBatches = list(values['memory-batches'] ?? '16,24').map((b) => {
    if (/^\d+$/.test(b)) {
      const n = positive('memory-batches', b, 1);
      return { generator: n, discriminator: n };
    }
    return pairs('memory-batches', b)[0]!;
  });
  const trainBatches = pairs('train-batches', values['train-batches'] ?? '80/40,40/20');
  const timesSearch = sections.includes('search') || sections.includes('paper');
  if (values.pytorch && !timesSearch) throw new Error('--pytorch times the search sizes: add search or paper to --only');
  const authors = values['pytorch-authors'];
  if (authors !== undefined && authors.trim() === '') throw new Error('--pytorch-authors needs the directory of a clone of https://github.com/chengaopro/AdversarialNAS');
  if (authors !== undefined && !timesSearch) throw new Error('--pytorch-authors times the search sizes: add search or paper to --only');
  const backends = list(values.backends ?? 'wasm') as BackendName[];
  const known: readonly string[] = ['wasm', 'tensorflow', 'tensorflow-gpu', 'cpu', 'webgpu'];
  for (const b of backends) if (!known.includes(b)) throw new Error(`--backends: unknown backend '${b}'`);
  return {
    json: values.json ?? false,
    sections: sections as Section[],
    sizes,
    backends: values.cpu && !backends.includes('cpu') ? [...backends, 'cpu'] : backends,
    cpu: values.cpu ?? backends.includes('cpu'),
    iterations: positive('iterations', values.iterations, 10),
    warmup: positive('warmup', values.warmup, 2, 0),
    cpuIterations: positive('cpu-iterations', values['cpu-iterations'], 2),
    trainIterations: positive('train-iterations', values['train-iterations'], 3),
    trainWarmup: 1,
    trainBatches,
    ...(values.threads !== undefined ? { threads: positive('threads', values.threads, 1) } : {}),
    variants: [...(values.compare ? (['straight'] as const) : []), ...(values['compare-conv'] ? (['wasm-conv'] as const) : []), 'fast'],
    profile: !values['no-profile'],
    memoryBatches,
    ...(values['memory-sizes'] !== undefined ? { memorySizes: pairs('memory-sizes', values['memory-sizes']) } : {}),
    memoryStage,
    memorySpec: values['memory-spec'] ?? 'cifar10.yaml',
    startupRuns: positive('startup-runs', values['startup-runs'], 5),
    neighbours: positive('neighbours', values.neighbours, 0, 0),
    paperBatches: list(values['paper-batches'] ?? '120').map((b) => positive('paper-batches', b, 2)),
    paperWarmup: positive('paper-warmup', values['paper-warmup'], 1, 0),
    paperIterations: positive('paper-iterations', values['paper-iterations'], 1),
    timeoutMinutes: positive('timeout-minutes', values['timeout-minutes'], 30),
    pytorch: values.pytorch ?? false,
    ...(authors !== undefined ? { pytorchAuthors: resolve(authors) } : {}),
  };
}

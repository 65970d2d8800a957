/** Bench results as the child processes report them, small enough to check the report by hand. */
import type { PytorchCase, PytorchOutput, PytorchResult } from '../../../src/bench/pytorch.js';
import type { BenchReport } from '../../../src/bench/report.js';
import type { CaseResult } from '../../../src/bench/run.js';

const summary = (median: number) => ({ n: 3, median, min: median - 100, max: median + 300, q1: median - 50, q3: median + 150 });
const images = { generator: { forward: 48, backward: 32 }, discriminator: { forward: 64, backward: 64 } };

/** What search_iteration.py prints at 16/16 (3 iterations). */
export const OUTPUT: PytorchOutput = {
  torch: '1.13.0',
  threads: 2,
  widths: { generator: 16, discriminator: 16 },
  batch: { discriminator: 16, split: 0.5, generator: 16 },
  warmup: 1,
  iterations: 3,
  medianMs: 1200.5,
  minMs: 1100,
  maxMs: 1500,
  q1Ms: 1150.25,
  q3Ms: 1350.25,
  phasesMs: { dArch: 250, dWeights: 330, gArch: 280, gWeights: 380 },
  samplesMs: [1500, 1200.5, 1100],
  cpuMs: 2400,
  parameters: { generator: 493_523, discriminator: 451_616 },
  peakRssBytes: 300 * 2 ** 20,
  losses: { dArchLoss: 2, dLoss: 2, gArchLoss: 0.01, gLoss: 0.02 },
};

export const pytorchCase = (width: number): PytorchCase => ({
  name: `search ${width}/${width}`,
  backend: 'pytorch',
  spec: 'cifar10.yaml',
  widths: { generator: width, discriminator: width },
  batch: 16,
  generatorBatch: 16,
  warmup: 1,
  iterations: 3,
});

export function pytorchResult(width: number, medianMs: number): PytorchResult {
  return {
    case: pytorchCase(width),
    output: { ...OUTPUT, widths: { generator: width, discriminator: width }, medianMs },
    macs: { generator: 1e8, discriminator: 1e8 },
    flops: 4e10,
    images,
    loadAverage: { before: [1.5, 1, 1], after: [2, 1, 1] },
  };
}

/** The authors' code timed at `width` (authors_iteration.py imported it from /src/AdversarialNAS). */
export function authorsResult(width: number, medianMs: number): PytorchResult {
  const r = pytorchResult(width, medianMs);
  return {
    ...r,
    case: { ...r.case, authors: '/src/AdversarialNAS' },
    output: { ...r.output, architectureParameters: { generator: 123, discriminator: 188 }, code: '/src/AdversarialNAS', losses: { dLoss: 2, gLoss: 0.02 } },
  };
}

/** A tfjs case result with one variant whose iterations took `medianMs` (median). */
export function caseResult(name: string, medianMs: number, o: { widths?: number; backend?: string } = {}): CaseResult {
  const widths = o.widths === undefined ? undefined : { generator: o.widths, discriminator: o.widths };
  const backend = o.backend ?? 'wasm';
  return {
    case: { name, kind: name.startsWith('train') ? 'train' : 'search', spec: 'cifar10.yaml', backend: backend as 'wasm', ...(widths ? { widths } : {}), warmup: 1, iterations: 3, variants: ['fast'], profile: false },
    backend: { name: backend, summary: backend, threads: 2, simd: true },
    flops: 4e10,
    images,
    macs: { generator: 1e8, discriminator: 1e8 },
    parameters: { generator: 493_523, discriminator: 451_616 },
    batch: { discriminator: 16, split: 0.5, generator: 16 },
    variants: [
      {
        variant: 'fast',
        gflops: 4e10 / (medianMs / 1000) / 1e9,
        measurement: {
          warmup: 1,
          iterations: 3,
          wallMs: summary(medianMs),
          cpuMs: summary(2 * medianMs),
          phasesMs: { dArch: medianMs / 4, dWeights: medianMs / 4, gArch: medianMs / 4, gWeights: medianMs / 4 },
          samples: [],
          tensorBytes: 2 ** 20,
          numTensors: 100,
        },
      },
    ],
    loadAverage: { before: [1, 1, 1], after: [1, 1, 1] },
    peakRssBytes: 500 * 2 ** 20,
    baseline: { rssBytes: 200 * 2 ** 20 },
    setupMs: 100,
  };
}

export function report(results: CaseResult[], pytorch?: PytorchResult[], failures: BenchReport['failures'] = []): BenchReport {
  return {
    meta: { date: '2025-01-01T00:00:00.000Z', node: 'v20.19.0', tfjs: '4.22.0', cpus: 'AMD EPYC', cores: 2, loadAverage: [1, 1, 1], memoryGiB: 24 },
    flopFormula: 'FLOP = ...',
    results,
    failures,
    ...(pytorch ? { pytorch } : {}),
  };
}

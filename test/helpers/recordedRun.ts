import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { compile, type StageGraph } from '../../src/compile/graph.js';
import type { StageName } from '../../src/compile/stages.js';
import { fileContext } from '../../src/io/hash.js';
import type { RunEvent } from '../../src/run/events.js';
import type { ExecuteOptions } from '../../src/run/executor.js';
import { deriveGenotype, type Alphas, type NetworkAlphas } from '../../src/nas/derive.js';
import type { NetworkModel, SpaceModel } from '../../src/nas/space.js';
import { openStore, type ArtifactStore } from '../../src/run/store.js';
import type { ResolvedSpec } from '../../src/spec/types.js';
import { experiment, resolveValid } from './specs.js';

/**
 * A run recorded in the store's real formats (manifests, events.jsonl, alpha-history.jsonl,
 * alphas.json, genotype.json, metrics.json, PNG grids), without training anything: the report
 * is tested on it. Values follow smooth curves so that charts have something to draw.
 */
export interface RecordedRun {
  readonly dir: string;
  readonly specFile: string;
  readonly spec: ResolvedSpec;
  readonly space: SpaceModel;
  readonly graph: StageGraph;
  readonly store: ArtifactStore;
}

export interface RecordOptions {
  /** Stages to record (default: all but the report). */
  readonly stages?: readonly StageName[];
  /** Record the search as interrupted half way. */
  readonly interruptSearch?: boolean;
  readonly overrides?: readonly string[];
  /** Search and train iterations, step events every 5. */
  readonly iterations?: number;
  readonly snapshots?: number;
  readonly untrained?: boolean;
  readonly specFile?: string;
}

export const tempDir = (prefix = 'dsl-report-'): string => mkdtempSync(join(tmpdir(), prefix));

/** What executePlan needs of a recorded run besides its runners, on the cpu backend, never aborted. */
export const planOn = (run: RecordedRun, events: string[]): Pick<ExecuteOptions, 'spec' | 'space' | 'specFile' | 'graph' | 'store' | 'backend' | 'signal' | 'onEvent'> => ({
  spec: run.spec,
  space: run.space,
  specFile: run.specFile,
  graph: run.graph,
  store: run.store,
  backend: { name: 'cpu', requested: 'cpu', threads: 1, simd: null, skipped: [], degraded: null, summary: 'cpu' },
  signal: new AbortController().signal,
  onEvent: (e: RunEvent) => events.push(`${e.type}${'stage' in e ? ` ${e.stage}` : ''}`),
});

export function recordRun(options: RecordOptions = {}): RecordedRun {
  const dir = tempDir();
  const specFile = options.specFile ?? experiment('mnist.yaml');
  const { spec, space } = resolveValid(specFile, [`runtime.outDir=${join(dir, 'runs')}`, ...(options.overrides ?? [])]);
  const graph = compile(spec, space, fileContext);
  const store = openStore(spec.runtime.outDir, spec.name);
  const stages = options.stages ?? ['search', 'derive', 'train', 'evaluate'];
  const iterations = options.iterations ?? 100;
  const snapshots = options.snapshots ?? 6;
  let clock = Date.parse('2025-01-01T00:00:00Z');
  const finalAlphas: Alphas = { generator: alphasFor(space.generator, 1), discriminator: alphasFor(space.discriminator, 1) };
  for (const stage of graph.stages) {
    if (!stages.includes(stage.name)) continue;
    const stageDir = store.stageDir(stage.name, stage.fingerprint);
    mkdirSync(join(stageDir, 'samples'), { recursive: true });
    const interrupted = stage.name === 'search' && options.interruptSearch;
    const seconds = 10 + stage.name.length;
    const startedAt = new Date(clock).toISOString();
    clock += seconds * 1000;
    writeManifest(stageDir, spec, stage.name, stage.fingerprint, interrupted ? 'interrupted' : 'complete', startedAt, new Date(clock).toISOString(), seconds);
    if (stage.name === 'search' || stage.name === 'train') {
      const done = interrupted ? iterations / 2 : iterations;
      writeLoop(stageDir, stage.name, iterations, done, spec.data.channels);
      if (stage.name === 'search') {
        const history = Array.from({ length: interrupted ? snapshots / 2 : snapshots }, (_, k) => {
          const t = (k + 1) / snapshots;
          return JSON.stringify({ iteration: Math.round((k * iterations) / snapshots), epoch: 0, generator: alphasFor(space.generator, t), discriminator: alphasFor(space.discriminator, t) });
        });
        writeFileSync(join(stageDir, 'alpha-history.jsonl'), `${history.join('\n')}\n`);
        if (!interrupted) writeFileSync(join(stageDir, 'alphas.json'), JSON.stringify(finalAlphas));
      }
    }
    if (stage.name === 'derive') {
      const genotype = spec.derive.from ? undefined : deriveGenotype(space, finalAlphas, { repair: spec.derive.repair });
      writeFileSync(join(stageDir, 'genotype.json'), JSON.stringify(genotype ?? givenGenotype(space), null, 2));
    }
    if (stage.name === 'evaluate') {
      writePng(join(stageDir, 'samples/evaluate.png'), 40, spec.data.channels, 0.9);
      const metrics = {
        format: 'dsl-metrics/1',
        extractor: { kind: 'classifier', description: 'an MNIST classifier (97.1% held-out accuracy), 128-d features', comparableToPapers: false, featureDim: 128, classes: 10 },
        dataset: { name: 'mnist', images: 10000, imageSize: 32 },
        samples: 2000,
        generator: { is: { mean: 7.81, std: 0.12 }, fid: 21.4, kid: { mean: 0.0132, std: 0.0011 } },
        ...(options.untrained === false ? {} : { untrained: { is: { mean: 1.02, std: 0.01 }, fid: 310.5, kid: { mean: 0.41, std: 0.02 } } }),
        real: { is: { mean: 9.62, std: 0.08 }, images: 10000 },
        grid: 'samples/evaluate.png',
      };
      writeFileSync(join(stageDir, 'metrics.json'), JSON.stringify(metrics, null, 2));
    }
  }
  return { dir, specFile, spec, space, graph, store };
}

/**
 * Raw alphas as t goes from 0 to 1: every edge drifts towards a preferred op; even edges
 * first prefer another one and change their mind half way, so choices have a history.
 */
function alphasFor(network: NetworkModel, t: number): NetworkAlphas {
  return network.cells.map((cell, c) =>
    cell.edges.map((edge, e) => {
      const n = edge.ops.length;
      const final = (c + e) % n;
      const early = e % 2 === 0 && n > 1 ? (final + 1) % n : final;
      return edge.ops.map((_, o) => (o === final ? 3 * t : 0) + (o === early ? 2 * (1 - t) : 0) + 0.1 * Math.sin(o + e + c + 5 * t));
    }),
  );
}

function givenGenotype(space: SpaceModel) {
  return { generator: space.generator.cells.map((cell) => Object.fromEntries(cell.edges.map((e) => [e.name, e.ops[e.ops.length - 1]!.name]))) };
}

function writeManifest(dir: string, spec: ResolvedSpec, stage: StageName, fingerprint: string, status: string, startedAt: string, finishedAt: string, seconds: number): void {
  const manifest = {
    format: 'dsl-stage/1',
    experiment: spec.name,
    stage,
    fingerprint,
    status,
    config: {},
    inputs: [],
    specFile: '/somewhere/experiments/mnist.yaml',
    seed: spec.runtime.seed,
    backend: { name: 'wasm', threads: 2, summary: 'wasm (SIMD, 2 threads)' },
    machine: { platform: 'linux', arch: 'x64', cpus: 2, cpuModel: 'Test CPU', memoryGb: 8, node: 'v20.20.0' },
    startedAt,
    ...(status === 'complete' ? { finishedAt } : {}),
    seconds,
    attempts: status === 'complete' ? 1 : 2,
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
}

function writeLoop(dir: string, stage: 'search' | 'train', total: number, done: number, channels: number): void {
  const lines: unknown[] = [{ type: 'start', stage, total }];
  for (let i = 0; i < done; i++) {
    if (i % 5 === 0 || i === total - 1) {
      lines.push({
        type: 'step', stage, iteration: i, total, epoch: Math.floor(i / 50),
        dLoss: 2 - i / total + 0.1 * Math.sin(i), gLoss: 1 + i / total,
        ...(stage === 'search' ? { dArchLoss: 1.5 - i / (2 * total), gArchLoss: 0.5 + i / (3 * total), tau: 5 * Math.exp(-i / total) } : {}),
        lrG: 2e-4 * (1 - i / total), lrD: 2e-4, seconds: i * 0.1,
      });
    }
    if ((i + 1) % 25 === 0) {
      const file = `samples/${stage}-${String(i + 1).padStart(7, '0')}.png`;
      writePng(join(dir, file), 16, channels, (i + 1) / total);
      lines.push({ type: 'samples', stage, iteration: i + 1, file });
    }
  }
  writeFileSync(join(dir, 'events.jsonl'), `${lines.map((l) => JSON.stringify({ ...(l as object), time: '2025-01-01T00:00:00Z' })).join('\n')}\n`);
}

/** A grey-level test card: brighter as training progresses. */
function writePng(file: string, size: number, _channels: number, level: number): void {
  const png = new PNG({ width: size * 4, height: size * 4 });
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const i = (y * png.width + x) * 4;
      const v = Math.round(255 * level * (((x >> 3) + (y >> 3)) % 2));
      png.data[i] = v;
      png.data[i + 1] = v;
      png.data[i + 2] = v;
      png.data[i + 3] = 255;
    }
  }
  writeFileSync(file, PNG.sync.write(png));
}

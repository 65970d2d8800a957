import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StageGraph } from '../compile/graph.js';
import type { StageName } from '../compile/stages.js';
import type { Alphas } from '../nas/derive.js';
import type { Genotype } from '../nas/genotype.js';
import type { SpaceModel } from '../nas/space.js';
import { FILES } from '../run/artifacts.js';
import type { MetricsFile } from '../run/stages/evaluate.js';
import type { ArtifactStore } from '../run/store.js';
import type { ResolvedSpec } from '../spec/types.js';
import type { AlphaSnapshot, LoopRecord, MetricsRecord, ReportInput, SampleRecord, StageRecord, StepRecord } from './model/input.js';

/** alpha-history.jsonl (src/run/stages/adversarialLoop.ts writes it; not in FILES yet). */
const ALPHA_HISTORY = 'alpha-history.jsonl';

export interface LoadOptions {
  readonly spec: ResolvedSpec;
  readonly space: SpaceModel;
  readonly graph: StageGraph;
  readonly store: ArtifactStore;
  readonly specFile: string;
  readonly runStartedAt?: string;
}

/** A run as the report sees it, and whether anything at all has run. */
export interface LoadedRun {
  readonly input: ReportInput;
  /** Some stage other than the report has a directory at the current configuration. */
  readonly anyStage: boolean;
}

/**
 * Reads what the store holds for the current stage graph: manifests, events, architecture
 * parameters, genotype, metrics. Tolerant by design: a stage without a directory is "not
 * run"; an interrupted one still shows its curves; a damaged line in a log is skipped, not
 * fatal, because a report on a broken run is when one is needed most.
 */
export function loadRun(options: LoadOptions): LoadedRun {
  const { graph, store } = options;
  const stages: Partial<Record<StageName, StageRecord>> = {};
  const dirs: Partial<Record<StageName, string>> = {};
  const stale: StageName[] = [];
  for (const stage of graph.stages) {
    const manifest = store.manifest(stage.name, stage.fingerprint);
    if (manifest) {
      stages[stage.name] = manifest;
      dirs[stage.name] = store.stageDir(stage.name, stage.fingerprint);
    } else if (store.history(stage.name).length) stale.push(stage.name);
  }
  const search = dirs.search
    ? { loop: readLoop(dirs.search), history: readJsonLines<AlphaSnapshot>(join(dirs.search, ALPHA_HISTORY)), ...optional('alphas', readJson<Alphas>(join(dirs.search, FILES.alphas))) }
    : undefined;
  const genotype = dirs.derive && stages.derive?.status === 'complete' ? readJson<Genotype>(join(dirs.derive, FILES.genotype)) : undefined;
  const metrics = dirs.evaluate && stages.evaluate?.status === 'complete' ? asRecord(readJson<MetricsFile>(join(dirs.evaluate, FILES.metrics))) : undefined;
  const grid = metrics && dirs.evaluate ? join(dirs.evaluate, metrics.grid ?? 'samples/evaluate.png') : undefined;
  const input: ReportInput = {
    spec: options.spec,
    space: options.space,
    graph,
    specFile: options.specFile,
    stages,
    stale,
    ...(search ? { search } : {}),
    ...(genotype ? { derive: { genotype } } : {}),
    ...(dirs.train ? { train: readLoop(dirs.train) } : {}),
    ...(metrics ? { evaluate: { metrics, ...(grid && existsSync(grid) ? { grid } : {}) } } : {}),
    ...(options.runStartedAt ? { runStartedAt: options.runStartedAt } : {}),
  };
  const anyStage = graph.stages.some((s) => s.name !== 'report' && stages[s.name] !== undefined);
  return { input, anyStage };
}

/** The report reads what the evaluate stage writes: this fails to compile when the two drift apart. */
const asRecord = (file: MetricsFile | undefined): MetricsRecord | undefined => file;

const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));

interface LoggedEvent {
  readonly type?: string;
  readonly iteration?: number;
  readonly file?: string;
  readonly total?: number;
}

/** The step events, sample grids that still exist, and the scheduled length of a loop. */
function readLoop(dir: string): LoopRecord {
  const events = readJsonLines<LoggedEvent & Partial<StepRecord>>(join(dir, FILES.events));
  const steps = events.filter((e): e is StepRecord & LoggedEvent => e.type === 'step' && typeof e.iteration === 'number' && typeof e.dLoss === 'number');
  const samples: SampleRecord[] = events
    .filter((e) => e.type === 'samples' && typeof e.file === 'string' && typeof e.iteration === 'number')
    .map((e) => ({ iteration: e.iteration!, source: join(dir, e.file!) }))
    .filter((s) => existsSync(s.source));
  const start = events.find((e) => e.type === 'start' && typeof e.total === 'number');
  const reached = Math.max(0, ...steps.map((s) => s.iteration + 1), ...events.filter((e) => e.type === 'samples' || e.type === 'checkpoint').map((e) => e.iteration ?? 0));
  return { steps, samples, reached, ...(start?.total !== undefined ? { total: start.total } : {}) };
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** JSON lines, skipping any that do not parse (a line cut short by a crash). */
export function readJsonLines<T>(file: string): T[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const values: T[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      values.push(JSON.parse(line) as T);
    } catch {
      // a torn last line: the rest of the log is still worth showing
    }
  }
  return values;
}

import os from 'node:os';
import type { Stage } from '../compile/graph.js';
import type { StageName } from '../compile/stages.js';
import type { BackendName } from '../ml/backend/types.js';
import { MEMORY_CALIBRATIONS } from '../nas/memoryCalibration.js';
import { batchLabel, bytesLabel, verdictMessage } from '../nas/memoryMessage.js';
import type { GameNetworks } from '../nas/memory.js';
import { memoryVerdict, stageBatch, stageNetworks, type GameStage, type MemoryVerdict } from '../nas/stageMemory.js';
import type { SpaceModel } from '../nas/space.js';
import type { SpecPath } from '../spec/problems.js';
import type { BatchDef, ResolvedSpec } from '../spec/types.js';
import { nodeSpecHost } from '../io/specHost.js';
import { loadGenotypeFile } from '../spec/genotypeFile.js';
import { derivedGenotypeIn } from './artifacts.js';
import { StageError } from './errors.js';

/** A wasm32 heap cannot grow past 4 GiB (tfjs-backend-wasm's maximum memory). */
export const WASM_HEAP_LIMIT = 4 * 2 ** 30;

/**
 * The share of a limit kept free of the estimate: among the measured iterations of 2 GiB and
 * more (half a wasm heap and up, where a check's answer can be close), the estimate falls short
 * of the measurement by 2.3% at most (test/unit/bench/memoryFit.test.ts holds the fit under this
 * margin), so one estimated within 2.5% of the limit is taken as not fitting.
 */
export const MEMORY_MARGIN = 0.025;

export interface MemoryLimit {
  /** What the estimate may reach: the limit less MEMORY_MARGIN. */
  readonly bytes: number;
  /** The limit itself, e.g. `4 GiB`. */
  readonly label: string;
  /** How the message says it, e.g. `which holds 4 GiB`. */
  readonly capacity: string;
}

/**
 * What one iteration may use on a backend: wasm its heap (and no more than the machine has),
 * native TensorFlow and the pure-JavaScript backend the machine's memory. Undefined where the
 * limit is a GPU's memory, which is not queried.
 */
export function memoryLimit(backend: BackendName, totalBytes: number = os.totalmem()): MemoryLimit | undefined {
  const usable = (bytes: number) => Math.floor(bytes * (1 - MEMORY_MARGIN));
  const machine = { bytes: usable(totalBytes), label: bytesLabel(totalBytes), capacity: `and this machine has ${bytesLabel(totalBytes)}` };
  if (backend === 'wasm') return totalBytes < WASM_HEAP_LIMIT ? machine : { bytes: usable(WASM_HEAP_LIMIT), label: '4 GiB', capacity: 'which holds 4 GiB' };
  if (backend === 'tensorflow' || backend === 'cpu') return machine;
  return undefined;
}

/**
 * One stage's iteration on a calibrated backend whose limit is known: the verdict and that
 * limit. Undefined on the backends the check does not hold (not calibrated, or a GPU's memory).
 */
export function backendVerdict(nets: GameNetworks, stage: GameStage, batch: BatchDef, backend: BackendName, totalBytes: number = os.totalmem()): { readonly verdict: MemoryVerdict; readonly limit: MemoryLimit } | undefined {
  const calibration = MEMORY_CALIBRATIONS[backend]?.[stage];
  const limit = memoryLimit(backend, totalBytes);
  return calibration && limit ? { verdict: memoryVerdict(nets, stage, batch, calibration, limit.bytes), limit } : undefined;
}

/** Ways out of a stage that does not fit, by backend. */
const ALTERNATIVES: Readonly<Record<BackendName, readonly string[]>> = {
  wasm: ['use --backend tensorflow (`dsl setup tensorflow` installs it) or a GPU backend'],
  cpu: ['use --backend tensorflow or wasm'],
  tensorflow: ['run on a machine with more memory or a GPU'],
  'tensorflow-gpu': [],
  webgpu: [],
};

const GAME_STAGES: ReadonlySet<StageName> = new Set<StageName>(['search', 'train']);

export interface MemoryGuardOptions {
  readonly spec: ResolvedSpec;
  readonly space: SpaceModel;
  readonly backend: BackendName;
  /** Where a spec value is written (`file:line:col`), for the message. */
  readonly locate?: (path: SpecPath) => string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  readonly totalBytes?: number;
}

/**
 * The check before a search or training stage starts (the executor's `beforeStage`): when the
 * estimated peak of one iteration exceeds what the backend holds, the stage stops before it
 * writes anything, with the estimate and the largest batch that fits. The training stage is
 * checked once its genotype exists (after derive). DSL_MEMORY_CHECK=0 turns it off.
 */
export function memoryGuard(o: MemoryGuardOptions): (stage: Stage, inputs: Readonly<Partial<Record<StageName, string>>>) => void {
  return (stage, inputs) => {
    if ((o.env ?? process.env).DSL_MEMORY_CHECK === '0' || !GAME_STAGES.has(stage.name)) return;
    const name = stage.name as GameStage;
    const nets = stageNetworks(o.spec, o.space, name, name === 'train' && inputs.derive !== undefined ? derivedGenotypeIn(inputs.derive) : undefined);
    const checked = nets && backendVerdict(nets, name, stageBatch(o.spec, name), o.backend, o.totalBytes);
    if (!checked || checked.verdict.fits) return;
    const { verdict, limit } = checked;
    const batchAt = o.locate?.([name, 'batch', 'generator']);
    const { message, hint } = verdictMessage(verdict, { backend: o.backend, capacity: limit.capacity, alternatives: ALTERNATIVES[o.backend], ...(batchAt ? { batchAt } : {}) });
    throw new StageError(message, hint);
  };
}

/**
 * The backends whose memory cannot hold one iteration of a stage the spec will run, with why:
 * what `auto` passes over (backendOptions.ts), so that the paper's batch never lands on a wasm
 * heap it cannot fit. That is the search, or, where `derive.from` skips it, the training of the
 * genotype read from there. Otherwise training is checked when it starts: its networks are
 * known after derive.
 */
export function unfitBackends(spec: ResolvedSpec, space: SpaceModel, env: NodeJS.ProcessEnv = process.env, totalBytes: number = os.totalmem()): Partial<Record<BackendName, string>> {
  const unfit: Partial<Record<BackendName, string>> = {};
  if (env.DSL_MEMORY_CHECK === '0') return unfit;
  const stage: GameStage = spec.derive.from === undefined ? 'search' : 'train';
  const genotype = stage === 'train' ? loadGenotypeFile(spec.derive.from!, nodeSpecHost, space).genotype : undefined;
  const nets = stage === 'search' || genotype ? stageNetworks(spec, space, stage, genotype) : undefined;
  if (!nets) return unfit;
  for (const backend of Object.keys(MEMORY_CALIBRATIONS) as BackendName[]) {
    const checked = backendVerdict(nets, stage, stageBatch(spec, stage), backend, totalBytes);
    if (checked && !checked.verdict.fits) unfit[backend] = `one ${stage} iteration at batch ${batchLabel(checked.verdict.batch, true)} needs about ${bytesLabel(checked.verdict.estimate.bytes)} on ${backend}, ${checked.limit.capacity}`;
  }
  return unfit;
}

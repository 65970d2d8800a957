import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { Stage } from '../compile/graph.js';
import type { StageName } from '../compile/stages.js';
import type { BackendName } from '../ml/backend/types.js';
import type { Genotype } from '../nas/genotype.js';
import { MEMORY_CALIBRATIONS } from '../nas/memoryCalibration.js';
import { bytesLabel, verdictMessage } from '../nas/memoryMessage.js';
import { memoryVerdict, stageBatch, stageNetworks, type GameStage } from '../nas/stageMemory.js';
import type { SpaceModel } from '../nas/space.js';
import type { SpecPath } from '../spec/problems.js';
import type { ResolvedSpec } from '../spec/types.js';
import { FILES } from './artifacts.js';
import { StageError } from './errors.js';

/** A wasm32 heap cannot grow past 4 GiB (tfjs-backend-wasm's maximum memory). */
export const WASM_HEAP_LIMIT = 4 * 2 ** 30;

export interface MemoryLimit {
  readonly bytes: number;
  /** How the message says it, e.g. `which holds 4 GiB`. */
  readonly capacity: string;
}

/**
 * What one iteration may use on a backend: wasm its heap (and no more than the machine has),
 * native TensorFlow and the pure-JavaScript backend the machine's memory. Undefined where the
 * limit is a GPU's memory, which is not queried.
 */
export function memoryLimit(backend: BackendName, totalBytes: number = os.totalmem()): MemoryLimit | undefined {
  if (backend === 'wasm') return totalBytes < WASM_HEAP_LIMIT ? { bytes: totalBytes, capacity: `and this machine has ${bytesLabel(totalBytes)}` } : { bytes: WASM_HEAP_LIMIT, capacity: 'which holds 4 GiB' };
  if (backend === 'tensorflow' || backend === 'cpu') return { bytes: totalBytes, capacity: `and this machine has ${bytesLabel(totalBytes)}` };
  return undefined;
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
    const calibration = MEMORY_CALIBRATIONS[o.backend];
    const limit = memoryLimit(o.backend, o.totalBytes);
    if (!calibration || !limit) return;
    const name = stage.name as GameStage;
    const nets = stageNetworks(o.spec, o.space, name, name === 'train' ? derivedGenotype(inputs.derive) : undefined);
    if (!nets) return;
    const verdict = memoryVerdict(nets, name, stageBatch(o.spec, name), calibration, limit.bytes);
    if (verdict.fits) return;
    const batchAt = o.locate?.([name, 'batch', 'generator']);
    const { message, hint } = verdictMessage(verdict, { backend: o.backend, capacity: limit.capacity, alternatives: ALTERNATIVES[o.backend], ...(batchAt ? { batchAt } : {}) });
    throw new StageError(message, hint);
  };
}

function derivedGenotype(dir: string | undefined): Genotype | undefined {
  const file = dir === undefined ? undefined : join(dir, FILES.genotype);
  if (!file || !existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as Genotype;
}

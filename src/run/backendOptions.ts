/**
 * What a command hands to selectBackend for a spec: its thread setting, its search
 * iteration's work, by which `auto` ranks the CPU routes (src/ml/backend/choose.ts), and the
 * backends whose memory cannot hold an iteration of its search or training (memoryGuard.ts),
 * which `auto` passes over.
 */
import type { SelectBackendOptions } from '../ml/backend/types.js';
import { searchIterationFlops } from '../nas/iterationWork.js';
import { buildSpace, type SpaceModel } from '../nas/space.js';
import type { ResolvedSpec } from '../spec/types.js';
import { unfitBackends } from './memoryGuard.js';

export function backendOptionsFor(spec: ResolvedSpec, space: SpaceModel = buildSpace(spec), threads: SelectBackendOptions['threads'] = spec.runtime.threads): SelectBackendOptions {
  const unfit = unfitBackends(spec, space);
  return { threads, workload: { gflop: searchIterationFlops(spec, space) / 1e9 }, ...(Object.keys(unfit).length ? { unfit } : {}) };
}

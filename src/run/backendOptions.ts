/**
 * What a command hands to selectBackend for a spec: its thread setting, and its search
 * iteration's work, by which `auto` ranks the CPU routes (src/ml/backend/choose.ts).
 */
import type { SelectBackendOptions } from '../ml/backend/types.js';
import { searchIterationFlops } from '../nas/iterationWork.js';
import { buildSpace, type SpaceModel } from '../nas/space.js';
import type { ResolvedSpec } from '../spec/types.js';

export function backendOptionsFor(spec: ResolvedSpec, space: SpaceModel = buildSpace(spec), threads: SelectBackendOptions['threads'] = spec.runtime.threads): SelectBackendOptions {
  return { threads, workload: { gflop: searchIterationFlops(spec, space) / 1e9 } };
}

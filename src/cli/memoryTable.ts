import type { Genotype } from '../nas/genotype.js';
import { MEMORY_CALIBRATIONS } from '../nas/memoryCalibration.js';
import { bytesLabel } from '../nas/memoryMessage.js';
import { stageBatch, stageNetworks, type GameStage } from '../nas/stageMemory.js';
import type { SpaceModel } from '../nas/space.js';
import { backendVerdict } from '../run/memoryGuard.js';
import type { ResolvedSpec } from '../spec/types.js';
import type { BackendName } from '../ml/backend/types.js';

/** One game stage's estimated peak per calibrated backend (bytes), and whether it fits there. */
export interface StageMemoryRow {
  readonly stage: GameStage;
  readonly batch: { readonly discriminator: number; readonly generator: number };
  readonly backends: Readonly<Record<string, { readonly bytes: number; readonly limitBytes: number; readonly limit: string; readonly fits: boolean }>>;
}

/**
 * The memory estimate of each game stage whose networks are known (training: once a genotype
 * is), for `dsl inspect` and `dsl plan`: one iteration's peak on every calibrated backend.
 */
export function stageMemoryRows(spec: ResolvedSpec, space: SpaceModel, genotype?: Genotype): StageMemoryRow[] {
  const rows: StageMemoryRow[] = [];
  for (const stage of ['search', 'train'] as const) {
    const nets = stageNetworks(spec, space, stage, genotype);
    if (!nets) continue;
    const batch = stageBatch(spec, stage);
    const backends: Record<string, { bytes: number; limitBytes: number; limit: string; fits: boolean }> = {};
    for (const backend of Object.keys(MEMORY_CALIBRATIONS) as BackendName[]) {
      const checked = backendVerdict(nets, stage, batch, backend);
      if (checked) backends[backend] = { bytes: checked.verdict.estimate.bytes, limitBytes: checked.limit.bytes, limit: checked.limit.label, fits: checked.verdict.fits };
    }
    rows.push({ stage, batch: { discriminator: batch.discriminator, generator: batch.generator }, backends });
  }
  return rows;
}

/** `about 3.1 GB on wasm (fits its 4 GiB), 3.4 GB on tensorflow`: one stage's row as a phrase. */
export function memoryPhrase(row: StageMemoryRow): string {
  const parts = Object.entries(row.backends).map(([backend, m]) => `${bytesLabel(m.bytes)} on ${backend}${m.fits ? '' : ` (more than its ${m.limit})`}`);
  return `about ${parts.join(', ')}`;
}

import type { BatchDef } from '../spec/types.js';
import type { MemoryVerdict } from './stageMemory.js';

/** 19.8e9 → "19.8 GB", 850e6 → "850 MB" (decimal units: what a machine's RAM is sold in). */
export function bytesLabel(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  return `${Math.max(1, Math.round(bytes / 1e6))} MB`;
}

/** A batch as a person reads it: `120`, or `40/80 (discriminator/generator)` when they differ. */
export function batchLabel(batch: Pick<BatchDef, 'discriminator' | 'generator'>, short = false): string {
  if (batch.discriminator === batch.generator) return String(batch.generator);
  return short ? `${batch.discriminator}/${batch.generator}` : `${batch.discriminator}/${batch.generator} (discriminator/generator)`;
}

export interface VerdictWording {
  /** The backend, e.g. `wasm`. */
  readonly backend: string;
  /** What holds the limit, e.g. `which holds 4 GiB`, `and this machine has 24.6 GB`. */
  readonly capacity: string;
  /** Where the stage's batch is written, e.g. `experiments/base/adversarialnas.yaml:127:5`. */
  readonly batchAt?: string;
  /** Other ways out, e.g. `use --backend tensorflow (dsl setup tensorflow installs it)`. */
  readonly alternatives: readonly string[];
}

/**
 * The one message of a stage that does not fit: what one iteration needs, what the backend
 * holds, the largest batch that fits, and (as the hint) how to get there.
 */
export function verdictMessage(verdict: MemoryVerdict, w: VerdictWording): { readonly message: string; readonly hint: string } {
  const { stage, batch, largest } = verdict;
  const needs = `${stage}: one iteration at batch ${batchLabel(batch)} needs about ${bytesLabel(verdict.estimate.bytes)} on ${w.backend}, ${w.capacity}`;
  const keys = batch.discriminator === batch.generator ? `${stage}.batch.discriminator and .generator to ${largest?.generator}` : `${stage}.batch to ${batchLabel(largest ?? batch, true)}`;
  const at = w.batchAt ? ` (${w.batchAt})` : '';
  const ways = [...(largest ? [`set ${keys}${at}`] : [`use narrower networks (${stage === 'search' ? 'searchSpace' : 'train'}.*.channels)`]), ...w.alternatives];
  const message = largest ? `${needs}; the largest batch that fits is ${batchLabel(largest, true)}` : `${needs}; not even batch 1 fits`;
  return { message, hint: `${ways.join(', or ')}; DSL_MEMORY_CHECK=0 skips this check` };
}

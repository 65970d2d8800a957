import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from '../compile/graph.js';
import { fileContext } from '../io/hash.js';
import type { Genotype } from '../nas/genotype.js';
import { buildSpace } from '../nas/space.js';
import type { ResolvedSpec } from '../spec/types.js';
import { openStore } from './store.js';

/** File names of the artifacts stages hand each other, inside their stage directories. */
export const FILES = {
  genotype: 'genotype.json',
  genotypeReference: (network: 'G' | 'D') => `genotype_${network}.npy`,
  alphas: 'alphas.json',
  alphaHistory: 'alpha-history.jsonl',
  events: 'events.jsonl',
  metrics: 'metrics.json',
  /** The re-trained generator for evaluation: EMA weights and batch-norm statistics. */
  generator: 'generator.bin',
} as const;

/** The genotype of this spec's completed derive stage, if it has run. */
export function storedGenotype(spec: ResolvedSpec): { genotype: Genotype; file: string } | undefined {
  const graph = compile(spec, buildSpace(spec), fileContext);
  const derive = graph.stages.find((s) => s.name === 'derive');
  if (!derive) return undefined;
  const store = openStore(spec.runtime.outDir, spec.name);
  if (store.state('derive', derive.fingerprint) !== 'complete') return undefined;
  const dir = store.stageDir('derive', derive.fingerprint);
  const genotype = derivedGenotypeIn(dir);
  return genotype ? { genotype, file: join(dir, FILES.genotype) } : undefined;
}

/** The genotype a derive stage wrote in `dir`, or undefined where it has not (yet). */
export function derivedGenotypeIn(dir: string): Genotype | undefined {
  const file = join(dir, FILES.genotype);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Genotype) : undefined;
}

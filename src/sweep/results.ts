import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StageGraph } from '../compile/graph.js';
import type { StageName } from '../compile/stages.js';
import type { Genotype } from '../nas/genotype.js';
import { inspect } from '../nas/inspect.js';
import type { SpaceModel } from '../nas/space.js';
import { FILES } from '../run/artifacts.js';
import type { ArtifactStore } from '../run/store.js';
import type { ResolvedSpec } from '../spec/types.js';

export interface Results {
  readonly metrics: { readonly is?: number; readonly fid?: number; readonly kid?: number };
  readonly generator?: { readonly parameters: number; readonly macs: number };
  /** Compute seconds of the stages, from their manifests (every attempt). */
  readonly computeSeconds: number;
  /** Stages whose results are in the store. */
  readonly complete: readonly StageName[];
}

interface MetricsFile {
  readonly generator?: { readonly is?: { readonly mean: number }; readonly fid?: number; readonly kid?: { readonly mean: number } };
}

const readJson = <T>(file: string): T | undefined => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
};

/** What the store holds for a compiled spec: metrics of its evaluation, cost of its derived generator, time spent. */
export function storedResults(spec: ResolvedSpec, space: SpaceModel, graph: StageGraph, store: ArtifactStore): Results {
  const complete = graph.stages.filter((s) => store.state(s.name, s.fingerprint) === 'complete');
  const dir = (name: StageName) => {
    const stage = complete.find((s) => s.name === name);
    return stage && store.stageDir(stage.name, stage.fingerprint);
  };
  const evaluate = dir('evaluate');
  const derive = dir('derive');
  const metrics = evaluate ? readJson<MetricsFile>(join(evaluate, FILES.metrics))?.generator : undefined;
  const genotype = derive ? readJson<Genotype>(join(derive, FILES.genotype)) : undefined;
  const cost = genotype ? inspect(spec, space, genotype).train?.generator : undefined;
  return {
    metrics: {
      ...(metrics?.is ? { is: metrics.is.mean } : {}),
      ...(metrics?.fid !== undefined ? { fid: metrics.fid } : {}),
      ...(metrics?.kid ? { kid: metrics.kid.mean } : {}),
    },
    ...(cost ? { generator: { parameters: cost.parameters, macs: cost.macs } } : {}),
    computeSeconds: complete.reduce((sum, s) => sum + (store.manifest(s.name, s.fingerprint)?.seconds ?? 0), 0),
    complete: complete.map((s) => s.name),
  };
}

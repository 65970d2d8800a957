import { cpus, totalmem } from 'node:os';
import type { Stage, StageGraph } from '../compile/graph.js';
import type { BackendInfo } from '../ml/backend/types.js';
import type { ResolvedSpec } from '../spec/types.js';
import type { StageAttempt, StageManifest } from './manifest.js';

const machine = () => ({
  platform: process.platform,
  arch: process.arch,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
  memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  node: process.version,
});

/** The attempts before this one; one still `running` was killed. Manifests without a log count as one attempt. */
function earlierAttempts(previous: StageManifest | undefined): StageAttempt[] {
  if (!previous) return [];
  const log = previous.attemptLog ?? [{ startedAt: previous.startedAt, seconds: previous.seconds, outcome: previous.status }];
  return log.map((a) => (a.outcome === 'running' ? { ...a, outcome: 'killed' } : a));
}

export interface RecordContext {
  readonly spec: ResolvedSpec;
  readonly graph: StageGraph;
  readonly stage: Stage;
  readonly specFile: string;
  readonly backend: BackendInfo;
  /** The manifest this stage directory held before this attempt (a resume), if any. */
  readonly previous: StageManifest | undefined;
}

/**
 * The manifest of one attempt at a stage: what it is (config, inputs, machine, backend) and its
 * time, this attempt's added to those before it. `manifest()` is called at each write.
 */
export function stageRecord(ctx: RecordContext): { manifest: (status: StageManifest['status'], extra?: Partial<StageManifest>) => StageManifest; seconds: () => number } {
  const { spec, graph, stage } = ctx;
  const earlier = earlierAttempts(ctx.previous);
  const before = earlier.reduce((sum, a) => sum + a.seconds, 0);
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const current = () => (performance.now() - started) / 1000;
  const manifest = (status: StageManifest['status'], extra: Partial<StageManifest> = {}): StageManifest => {
    const now = current();
    return {
      format: 'dsl-stage/1',
      experiment: spec.name,
      stage: stage.name,
      fingerprint: stage.fingerprint,
      status,
      config: stage.config,
      inputs: stage.dependsOn.map((d) => ({ stage: d, artifact: stage.inputs.find((i) => i.stage === d)?.artifact ?? 'all', fingerprint: graph.stages.find((s) => s.name === d)!.fingerprint })),
      specFile: ctx.specFile,
      seed: spec.runtime.seed,
      backend: { name: ctx.backend.name, threads: ctx.backend.threads, summary: ctx.backend.summary },
      machine: machine(),
      startedAt: earlier[0]?.startedAt ?? startedAt,
      seconds: before + now,
      attempts: earlier.length + 1,
      attemptLog: [...earlier, { startedAt, seconds: now, outcome: status }],
      ...extra,
    };
  };
  return { manifest, seconds: () => before + current() };
}

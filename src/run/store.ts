import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { shortFingerprint } from '../compile/fingerprint.js';
import type { StageState, StageStore } from '../compile/plan.js';
import type { StageName } from '../compile/stages.js';
import type { StageManifest } from './manifest.js';
import { CHECKPOINT_FILE } from '../io/checkpoint.js';

/**
 * Where stages keep their artifacts: `<outDir>/<experiment>/<stage>-<fingerprint>/`, each
 * with a manifest.json. A stage is complete when its manifest says so (written last, so a
 * crash never leaves a directory that looks complete); partial when it has a checkpoint.
 */
export interface ArtifactStore extends StageStore {
  readonly root: string;
  stageDir(stage: StageName, fingerprint: string): string;
  manifest(stage: StageName, fingerprint: string): StageManifest | undefined;
  /** Every directory of a stage, newest first (reports on stale runs, `dsl status`). */
  history(stage: StageName): { dir: string; manifest: StageManifest }[];
}

export const MANIFEST = 'manifest.json';
export { CHECKPOINT_FILE } from '../io/checkpoint.js';

export function openStore(outDir: string, experiment: string): ArtifactStore {
  const root = join(outDir, experiment);
  const stageDir = (stage: StageName, fingerprint: string) => join(root, `${stage}-${shortFingerprint(fingerprint)}`);
  const readManifest = (dir: string): StageManifest | undefined => {
    try {
      return JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as StageManifest;
    } catch {
      return undefined;
    }
  };
  const manifest = (stage: StageName, fingerprint: string) => {
    const m = readManifest(stageDir(stage, fingerprint));
    return m && m.fingerprint === fingerprint ? m : undefined;
  };
  const state = (stage: StageName, fingerprint: string): StageState => {
    const m = manifest(stage, fingerprint);
    if (m?.status === 'complete') return 'complete';
    return existsSync(join(stageDir(stage, fingerprint), CHECKPOINT_FILE)) ? 'partial' : 'missing';
  };
  const history = (stage: StageName) => {
    if (!existsSync(root)) return [];
    return readdirSync(root)
      .filter((d) => d.startsWith(`${stage}-`))
      .map((d) => ({ dir: join(root, d), manifest: readManifest(join(root, d)) }))
      .filter((e): e is { dir: string; manifest: StageManifest } => e.manifest !== undefined)
      .sort((a, b) => (b.manifest.startedAt ?? '').localeCompare(a.manifest.startedAt ?? ''));
  };
  return { root, stageDir, manifest, state, history };
}

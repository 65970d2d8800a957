import type { SpaceModel } from '../nas/space.js';
import { templateFile } from '../spec/assets.js';
import type { ResolvedSpec } from '../spec/types.js';
import { ENGINE_VERSION, fingerprintOf } from './fingerprint.js';
import { ARTIFACTS, STAGE_DESCRIPTIONS, type ArtifactRef, type StageName } from './stages.js';

/** One node of the compiled plan: what it needs, what it makes, and its cache key. */
export interface Stage {
  readonly name: StageName;
  readonly description: string;
  readonly inputs: readonly ArtifactRef[];
  readonly outputs: readonly string[];
  readonly dependsOn: readonly StageName[];
  /** The canonical slice of the spec this stage's result depends on. */
  readonly config: unknown;
  /** sha256 of the config, the engine version and the fingerprints of the stages it depends on. */
  readonly fingerprint: string;
}

export interface StageGraph {
  readonly experiment: string;
  /** What the data is (content hash, or package and version): part of every fingerprint that reads it. */
  readonly data: { readonly hash: string; readonly summary: string };
  /** Stages in execution order; `search` is absent when `derive.from` names a genotype. */
  readonly stages: readonly Stage[];
}

export interface CompileContext {
  /** Content hash of a file the spec reads (a genotype): edits to it change fingerprints. */
  readonly contentHash: (path: string) => string;
  /** Content hash of a report template and the partials it can include. */
  readonly templateHash: (template: string) => string;
  /** Identity of the data a spec reads (its files' contents, or the package that ships it). */
  readonly dataIdentity: (data: ResolvedSpec['data'], cacheDir: string) => { hash: string; summary: string };
}

/** Labels are for people; they never change what is computed. */
function structural(space: SpaceModel): unknown {
  return JSON.parse(JSON.stringify(space, (key, value) => (key === 'label' ? undefined : value)));
}

/** Where the data lies is not part of it (moving it keeps the cache); what it holds is. */
const dataSlice = (spec: ResolvedSpec, identity: string) => {
  const { root: _root, ...rest } = spec.data;
  return { ...rest, identity };
};

/** `checkpointEvery` says how often to save, not what is computed: not part of fingerprints. */
const loopSlice = <T extends { checkpointEvery: number }>(loop: T) => {
  const { checkpointEvery: _every, ...rest } = loop;
  return rest;
};

/**
 * Compiles a resolved spec into its stage graph. Pure: file contents enter only through
 * `context.contentHash`. A stage's fingerprint covers its own config slice and, through its
 * inputs' fingerprints, everything upstream, so an edit invalidates exactly the stages after
 * the first one it touches.
 */
export function compile(spec: ResolvedSpec, space: SpaceModel, context: CompileContext): StageGraph {
  const stages: Stage[] = [];
  const make = (name: StageName, config: unknown, dependsOn: StageName[], inputs: ArtifactRef[]): Stage => {
    const upstream = dependsOn.map((d) => stages.find((s) => s.name === d)!.fingerprint);
    const stage: Stage = {
      name,
      description: STAGE_DESCRIPTIONS[name],
      inputs,
      outputs: ARTIFACTS[name],
      dependsOn,
      config,
      fingerprint: fingerprintOf({ stage: name, engine: ENGINE_VERSION, config, upstream }),
    };
    stages.push(stage);
    return stage;
  };
  const seed = spec.runtime.seed;
  const data = context.dataIdentity(spec.data, `${spec.runtime.outDir}/.cache`);
  const from = spec.derive.from;
  if (from === undefined) {
    make('search', { data: dataSlice(spec, data.hash), space: structural(space), search: loopSlice(spec.search), seed }, [], []);
    make('derive', { derive: { rule: spec.derive.rule, repair: spec.derive.repair, snapshots: spec.derive.snapshots } }, ['search'], [{ stage: 'search', artifact: 'alphaHistory' }]);
  } else {
    make('derive', { derive: { rule: spec.derive.rule, genotype: context.contentHash(from) }, space: structural(space) }, [], []);
  }
  make('train', { data: dataSlice(spec, data.hash), space: structural(space), train: loopSlice(spec.train), seed }, ['derive'], [{ stage: 'derive', artifact: 'genotype' }]);
  make('evaluate', { data: dataSlice(spec, data.hash), evaluate: spec.evaluate, seed }, ['train'], [{ stage: 'train', artifact: 'generator' }]);
  const reportInputs: ArtifactRef[] = [
    ...(from === undefined ? [{ stage: 'search', artifact: 'alphaHistory' } as const, { stage: 'search', artifact: 'events' } as const] : []),
    { stage: 'derive', artifact: 'genotype' },
    { stage: 'train', artifact: 'events' },
    { stage: 'evaluate', artifact: 'metrics' },
  ];
  make(
    'report',
    // The whole spec: the report shows its description, labels and settings, which no other
    // stage's fingerprint covers, and re-rendering costs a second.
    { report: spec.report, spec, data: data.summary, template: context.templateHash(templateFile(spec.report.template)) },
    stages.map((s) => s.name),
    reportInputs,
  );
  return { experiment: spec.name, data, stages };
}

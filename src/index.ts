/**
 * The library entry of `dsl`: the pure core (spec, compile, derivation, counts) and the metrics
 * on plain arrays. The CLI (`dsl`) is built on these; TensorFlow.js is loaded only by the
 * modules that train (import them from their paths when needed).
 */
export { resolveSpec, type Resolution, type ResolveOptions } from './spec/resolve.js';
export { memoryHost, type SpecHost } from './spec/host.js';
export { formatProblem, formatProblems } from './spec/format.js';
export { SpecError, type Problem, type Location } from './spec/problems.js';
export type { ExperimentSpec, ResolvedSpec } from './spec/types.js';
export { experimentSchema, genotypeSchema } from './spec/schema.js';

export { compile, plan, toMermaid, fingerprintOf, STAGE_NAMES, type StageGraph, type Stage, type StageName, type PlannedStage } from './compile/index.js';

export { buildSpace, type SpaceModel, type NetworkModel, type CellModel, type EdgeModel } from './nas/space.js';
export { deriveGenotype, deriveNetwork, fromReferenceAlphas, type Alphas, type NetworkAlphas } from './nas/derive.js';
export { checkGenotype, toReferenceMatrix, fromReferenceMatrix, type Genotype, type NetworkGenotype } from './nas/genotype.js';
export { networkCost, autoganCost, type NetworkCost } from './nas/count.js';
export { inspect } from './nas/inspect.js';

export { frechetDistance, inceptionScore, kernelInceptionDistance, statistics } from './metrics/index.js';
export { parseNpy, encodeNpy } from './util/npy.js';

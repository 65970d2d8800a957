export { compile, type CompileContext, type Stage, type StageGraph } from './graph.js';
export { ENGINE_VERSION, fingerprintOf, shortFingerprint } from './fingerprint.js';
export { plan, type Action, type PlannedStage, type PlanOptions, type StageState, type StageStore } from './plan.js';
export { toMermaid } from './mermaid.js';
export { ARTIFACTS, STAGE_NAMES, STAGE_DESCRIPTIONS, type StageName } from './stages.js';

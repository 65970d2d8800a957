import type { Stage, StageGraph } from '../../compile/graph.js';
import type { StageName } from '../../compile/stages.js';
import type { BackendInfo } from '../../ml/backend/types.js';
import type { SpaceModel } from '../../nas/space.js';
import type { ResolvedSpec } from '../../spec/types.js';
import type { StageEvent } from '../events.js';
import type { EventLog } from '../eventLog.js';

/** What a stage runner gets from the executor. */
export interface StageContext {
  readonly spec: ResolvedSpec;
  readonly space: SpaceModel;
  readonly graph: StageGraph;
  readonly stage: Stage;
  /** This stage's directory (created, empty unless resuming). */
  readonly dir: string;
  /** Directories of the completed upstream stages. */
  readonly inputs: Readonly<Partial<Record<StageName, string>>>;
  /** Resume from the checkpoint in `dir`. */
  readonly resume: boolean;
  /** Aborted to stop at the next step boundary (a checkpoint is written first). */
  readonly signal: AbortSignal;
  readonly backend: BackendInfo;
  /** Shared across experiments: real-data statistics, trained classifiers. */
  readonly cacheDir: string;
  readonly log: EventLog;
  emit(event: StageEvent): void;
}

/** A stage's implementation: does the work, writes its artifacts into ctx.dir, returns a summary for the manifest. */
export type StageRunner = (ctx: StageContext) => Promise<Record<string, unknown>>;

import type { StageName } from '../compile/stages.js';
import type { NetworkAlphas } from '../nas/derive.js';
import type { StepRecord } from '../report/model/input.js';

/**
 * What stages report while they run. Loops emit these; the runner appends each to the stage's
 * events.jsonl (the report reads them) and the CLI draws progress from them. Nothing in a
 * stage prints.
 */
export type StageEvent =
  | { readonly type: 'start'; readonly stage: StageName; readonly total?: number; readonly resumedFrom?: number }
  | ({
      readonly type: 'step';
      readonly stage: StageName;
      readonly total: number;
      /** Seconds since the stage (or its resumption) started. */
      readonly seconds: number;
    } & StepRecord)
  | { readonly type: 'snapshot'; readonly stage: StageName; readonly iteration: number; readonly epoch: number; readonly generator: NetworkAlphas; readonly discriminator: NetworkAlphas }
  | { readonly type: 'samples'; readonly stage: StageName; readonly iteration: number; readonly file: string }
  | { readonly type: 'checkpoint'; readonly stage: StageName; readonly iteration: number }
  | { readonly type: 'metric'; readonly stage: StageName; readonly name: string; readonly value: number; readonly std?: number; readonly iteration?: number }
  | { readonly type: 'progress'; readonly stage: StageName; readonly task: string; readonly done: number; readonly total: number }
  | { readonly type: 'warning'; readonly stage: StageName; readonly message: string }
  | { readonly type: 'end'; readonly stage: StageName; readonly seconds: number };

/** Events about the run as a whole, for the CLI. */
export type RunEvent =
  | StageEvent
  | { readonly type: 'backend'; readonly summary: string }
  | { readonly type: 'plan'; readonly stages: readonly { readonly stage: StageName; readonly action: string; readonly reason: string; readonly fingerprint: string }[] }
  | { readonly type: 'cache-hit'; readonly stage: StageName; readonly dir: string }
  | { readonly type: 'stage-failed'; readonly stage: StageName; readonly message: string }
  | { readonly type: 'interrupted'; readonly stage: StageName; readonly iteration?: number }
  | { readonly type: 'report'; readonly file: string };

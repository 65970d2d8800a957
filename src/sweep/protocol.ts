import type { RunEvent } from '../run/events.js';
import type { TrialRecord } from './trialRecord.js';

/** What a sweep sends a trial process: enough to resolve the sweep again and pick one trial. */
export interface TrialRequest {
  readonly type: 'trial';
  readonly specFile: string;
  readonly set: readonly string[];
  readonly cwd: string;
  /** The trial's fingerprint: the process checks it resolves to the same trial. */
  readonly fingerprint: string;
  /** wasm threads for this process (several share the machine). */
  readonly threads?: number;
}

export type ToTrialProcess = TrialRequest | { readonly type: 'stop' };

export type FromTrialProcess =
  | { readonly type: 'event'; readonly fingerprint: string; readonly event: RunEvent }
  | { readonly type: 'done'; readonly fingerprint: string; readonly record: TrialRecord }
  | { readonly type: 'refused'; readonly fingerprint: string; readonly message: string };

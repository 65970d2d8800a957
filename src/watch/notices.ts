import type { StageName } from '../compile/stages.js';
import type { RunEvent } from '../run/events.js';
import type { Problem } from '../spec/problems.js';
import type { SourceText } from '../spec/source.js';

/**
 * What watch mode tells the person at the terminal, besides the run's own events. The driver
 * emits these; the CLI decides how they look.
 */
export type WatchNotice =
  | { readonly type: 'watching'; readonly files: number }
  | { readonly type: 'changed'; readonly files: readonly string[] }
  /** Result of parsing and validating the spec after a change (or at start). */
  | { readonly type: 'checked'; readonly valid: boolean; readonly problems: readonly Problem[]; readonly sources: readonly SourceText[] }
  /** A valid edit: what each stage will do now. */
  | { readonly type: 'replanned'; readonly stages: readonly { readonly stage: StageName; readonly action: string }[] }
  | { readonly type: 'aborting'; readonly stage: StageName; readonly reason: 'invalidated' | 'stopping' }
  | { readonly type: 'waiting'; readonly reason: 'invalid' | 'failed' }
  | { readonly type: 'up-to-date' }
  | { readonly type: 'error'; readonly message: string; readonly hint?: string }
  | { readonly type: 'stopped' };

export type WatchOutput = RunEvent | WatchNotice;

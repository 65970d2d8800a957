import { mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { LockError } from './errors.js';
import { acquireLock, lockOwner, type LockOwner } from './lock.js';

/** How long a lock on another machine may go without a heartbeat before it is taken over. */
const STALE_MS = 60_000;
const POLL_MS = 200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Lock directories live apart from the stage directories, so the store never lists them as stages. */
export const stageLockPath = (stageDir: string): string => join(dirname(stageDir), '.locks', `${basename(stageDir)}.lock`);

/**
 * An exclusive lock on one stage directory, for trials of a sweep that share a run directory:
 * the first process to need a stage computes it, the others wait here and then find it complete
 * (a cache hit). It is the run lock's design (an atomic rename, a takeover inside its own
 * mutex): on this machine a holder that died (kill -9) is taken over at once and a live one
 * never, and a holder on another machine once its heartbeat is STALE_MS old.
 */
export async function acquireStageLock(stageDir: string, options: { signal?: AbortSignal; onWait?: (owner: LockOwner | undefined) => void } = {}): Promise<() => void> {
  const lock = stageLockPath(stageDir);
  mkdirSync(dirname(lock), { recursive: true });
  let told = false;
  for (;;) {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
    try {
      return acquireLock(lock, { staleMs: STALE_MS, holder: 'another trial' });
    } catch (error) {
      if (!(error instanceof LockError)) throw error;
    }
    if (!told) {
      told = true;
      options.onWait?.(lockOwner(lock));
    }
    await sleep(POLL_MS);
  }
}

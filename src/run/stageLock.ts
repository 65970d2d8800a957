import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import lockfile from 'proper-lockfile';

interface Owner {
  readonly pid: number;
  readonly host: string;
}

/** How long a lock on another machine may go without a heartbeat before it is taken over. */
const STALE_MS = 60_000;
const POLL_MS = 200;

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Lock directories live apart from the stage directories, so the store never lists them as stages. */
export const stageLockPath = (stageDir: string): string => join(dirname(stageDir), '.locks', `${basename(stageDir)}.lock`);

function readOwner(lock: string): Owner | undefined {
  try {
    return JSON.parse(readFileSync(join(lock, 'owner.json'), 'utf8')) as Owner;
  } catch {
    return undefined;
  }
}

/**
 * An exclusive lock on one stage directory, for trials of a sweep that share a run directory:
 * the first process to need a stage computes it, the others wait here and then find it complete
 * (a cache hit). proper-lockfile's mkdir lock works across machines on a shared file system,
 * with an mtime heartbeat; a holder on another machine that stops beating for STALE_MS is taken
 * over. On this machine the holder's pid decides at once: a lock whose process died (kill -9)
 * is taken over without waiting, and one whose process lives is never taken over, even when a
 * long synchronous kernel has delayed its heartbeat.
 */
export async function acquireStageLock(stageDir: string, options: { signal?: AbortSignal; onWait?: (owner: Owner | undefined) => void } = {}): Promise<() => void> {
  const lock = stageLockPath(stageDir);
  mkdirSync(dirname(lock), { recursive: true });
  let told = false;
  for (;;) {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
    const owner = readOwner(lock);
    const local = owner?.host === hostname();
    if (owner && local && !alive(owner.pid)) rmSync(lock, { recursive: true, force: true });
    if (!(owner && local && alive(owner.pid))) {
      try {
        const release = await lockfile.lock(stageDir, {
          lockfilePath: lock,
          realpath: false,
          stale: STALE_MS,
          retries: 0,
          // A missed heartbeat is not fatal: the pid check above keeps local waiters off, and
          // the stage's manifest is written last, so a takeover can only redo the work.
          onCompromised: () => undefined,
        });
        writeFileSync(join(lock, 'owner.json'), JSON.stringify({ pid: process.pid, host: hostname() } satisfies Owner));
        return () => {
          // proper-lockfile removes the lock with rmdir, which needs it empty.
          rmSync(join(lock, 'owner.json'), { force: true });
          release().catch(() => undefined);
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      }
    }
    if (!told) {
      told = true;
      options.onWait?.(readOwner(lock));
    }
    await sleep(POLL_MS);
  }
}

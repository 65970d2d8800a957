import { mkdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { LockError } from './errors.js';

export type LockOwner = Owner;

interface Owner {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
  /** Tells one holder from the next, even when a pid is reused. */
  readonly token: string;
}

export interface LockOptions {
  /** What the lock protects, for the message when it is held (e.g. `dsl run`). */
  readonly holder?: string;
  /**
   * A lock held from another machine (a shared file system) cannot be probed by pid; it is
   * stale when its heartbeat is older than this. Generous, because a long synchronous kernel
   * delays the heartbeat.
   */
  readonly staleMs?: number;
  readonly heartbeatMs?: number;
  /** Test seam: runs inside the takeover's critical section, to widen race windows. */
  readonly duringTakeover?: () => void;
}

const OWNER = 'owner.json';
const TAKEOVER_STALE_MS = 5_000;
const ATTEMPTS = 200;

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const code = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code;

const sleepSync = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

function readOwner(lock: string): Owner | undefined {
  try {
    return JSON.parse(readFileSync(`${lock}/${OWNER}`, 'utf8')) as Owner;
  } catch {
    return undefined;
  }
}

/**
 * An exclusive lock, taken atomically: the owner record is written into a private directory
 * that is then renamed onto the lock's path, which fails while another lock (a non-empty
 * directory) is there. So a lock always names its owner; there is no window in which it exists
 * empty.
 *
 * A lock whose owner is gone (same host: its pid no longer runs, so `dsl run` after a SIGKILL
 * resumes at once; another host: its heartbeat is older than `staleMs`) is taken over inside a
 * second lock, the takeover mutex, and only if it is still the same stale owner there. Two
 * processes that both saw the stale owner cannot both remove it (a remove-then-create takeover
 * lets the slower one delete the faster one's fresh lock: both then hold it), and a process that
 * sees the lock change under it backs off and reads the new owner.
 */
export function acquireLock(lock: string, options: LockOptions = {}): () => void {
  const staleMs = options.staleMs ?? 10 * 60_000;
  const token = randomUUID();
  const me: Owner = { pid: process.pid, host: hostname(), since: new Date().toISOString(), token };
  const staging = `${lock}.${token}.tmp`;
  mkdirSync(staging);
  writeFileSync(`${staging}/${OWNER}`, JSON.stringify(me));
  try {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        renameSync(staging, lock);
        return holding(lock, token, options.heartbeatMs ?? 15_000);
      } catch (error) {
        if (!['ENOTEMPTY', 'EEXIST', 'ENOTDIR', 'EISDIR'].includes(code(error) ?? '')) throw error;
      }
      const owner = readOwner(lock);
      if (owner && !isStale(owner, lock, staleMs)) {
        throw new LockError(`${options.holder ?? 'another `dsl` process'} (pid ${owner.pid} on ${owner.host}, since ${owner.since}) holds ${lock.replace(/\.lock$/, '')}`);
      }
      takeOver(lock, owner?.token, options);
    }
    throw new LockError(`could not lock ${lock}: it kept changing hands`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function isStale(owner: Owner, lock: string, staleMs: number): boolean {
  if (owner.host === hostname()) return !alive(owner.pid);
  try {
    return Date.now() - statSync(`${lock}/${OWNER}`).mtimeMs > staleMs;
  } catch {
    return true;
  }
}

/** Removes the lock if it still belongs to `stale` (undefined: an unreadable or legacy lock). */
function takeOver(lock: string, stale: string | undefined, options: LockOptions): void {
  const mutex = `${lock}.takeover`;
  try {
    mkdirSync(mutex);
  } catch (error) {
    if (code(error) !== 'EEXIST') throw error;
    // Held by a process killed inside the few milliseconds of a takeover: clear it, and retry.
    if (ageMs(mutex) > TAKEOVER_STALE_MS) rmSync(mutex, { recursive: true, force: true });
    else sleepSync(2);
    return;
  }
  try {
    options.duringTakeover?.();
    if (readOwner(lock)?.token !== stale) return;
    // An unreadable owner may be a lock written by an older dsl (a plain file) or one being
    // torn down: remove it only once it has been unreadable for a moment.
    if (stale === undefined && ageMs(lock) < 1_000) return sleepSync(5);
    // Moved away in one step: removed in place, it would be an empty directory for a moment,
    // and a rename onto an empty directory succeeds.
    const grave = `${lock}.${randomUUID()}.stale`;
    try {
      renameSync(lock, grave);
    } catch (error) {
      if (code(error) === 'ENOENT') return;
      throw error;
    }
    rmSync(grave, { recursive: true, force: true });
  } finally {
    rmSync(mutex, { recursive: true, force: true });
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return Infinity;
  }
}

/** The release function of a held lock; a heartbeat keeps its mtime fresh for other hosts. */
function holding(lock: string, token: string, heartbeatMs: number): () => void {
  const beat = setInterval(() => {
    const now = new Date();
    try {
      utimesSync(`${lock}/${OWNER}`, now, now);
    } catch {
      // Gone (taken over as stale after a very long stall): the release below checks the owner.
    }
  }, heartbeatMs);
  beat.unref();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    clearInterval(beat);
    if (readOwner(lock)?.token !== token) return;
    const grave = `${lock}.${token}.released`;
    try {
      renameSync(lock, grave);
      rmSync(grave, { recursive: true, force: true });
    } catch {
      // Already gone: nothing to release.
    }
  };
}

/**
 * Whether a lock is held by a process that still runs (no lock: nobody). One taken on another
 * machine is judged by its heartbeat, as a takeover would judge it.
 */
export function lockHeld(lock: string, staleMs = 10 * 60_000): boolean {
  const owner = readOwner(lock);
  return owner !== undefined && !isStale(owner, lock, staleMs);
}

/** Who holds a lock (pid, host, since), if anyone. */
export const lockOwner = (lock: string): LockOwner | undefined => readOwner(lock);

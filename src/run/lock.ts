import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { LockError } from './errors.js';

interface Owner {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * An exclusive lock on an experiment's run directory: a file created with O_EXCL holding the
 * owner's pid. A lock left by a process that no longer exists (killed, crashed) is taken over
 * at once, so `dsl run` after a SIGKILL resumes immediately; mtime-based locks would make it
 * wait, and would misfire when a long synchronous kernel delays their heartbeat.
 */
export function acquireLock(file: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() } satisfies Owner));
      closeSync(fd);
      return () => {
        try {
          unlinkSync(file);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner: Owner | undefined;
      try {
        owner = JSON.parse(readFileSync(file, 'utf8')) as Owner;
      } catch {
        owner = undefined; // half-written by a process killed while locking: stale
      }
      if (owner && (owner.host !== hostname() || alive(owner.pid))) {
        throw new LockError(`another \`dsl run\` (pid ${owner.pid} on ${owner.host}, since ${owner.since}) is writing ${file.replace(/\.lock$/, '')}`);
      }
      unlinkSync(file);
    }
  }
  throw new LockError(`cannot lock ${file}`);
}

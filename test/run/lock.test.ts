import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/run/lock.js';
import { LockError } from '../../src/run/errors.js';
import { repoRoot } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'dsl-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A pid that runs nothing: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => child.on('close', r));
  return child.pid!;
}

const staleLock = (lock: string, pid: number) => {
  mkdirSync(lock);
  writeFileSync(join(lock, 'owner.json'), JSON.stringify({ pid, host: hostname(), since: '2026-01-01T00:00:00Z', token: `dead-${pid}` }));
};

/** A process that tries the lock (the built module, as `dsl run` does) and says whether it got it. */
function contender(lock: string, delayMs: number): Promise<string> {
  const script = `
    import { acquireLock } from ${JSON.stringify(`${repoRoot}dist/run/lock.js`)};
    const wait = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    try {
      const release = acquireLock(${JSON.stringify(lock)}, { duringTakeover: () => wait(${delayMs}) });
      console.log('held');
      wait(150);
      release();
    } catch (e) { console.log(e.name === 'LockError' ? 'refused' : 'crashed: ' + e.message); }`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', () => resolve(out.trim()));
  });
}

describe('run lock', () => {
  it('is exclusive and released', () => {
    const lock = join(dir, 'a.lock');
    const release = acquireLock(lock);
    expect(() => acquireLock(lock)).toThrow(LockError);
    release();
    expect(existsSync(lock)).toBe(false);
    acquireLock(lock)();
  });

  it('takes over a lock whose owner is dead, and a lock file of an older dsl', async () => {
    const lock = join(dir, 'b.lock');
    staleLock(lock, await deadPid());
    acquireLock(lock)();
    writeFileSync(lock, JSON.stringify({ pid: await deadPid(), host: hostname(), since: 'x' }));
    acquireLock(lock)();
    expect(readdirSync(dir).filter((f) => f.startsWith('b.lock'))).toEqual([]);
  });

  it('refuses a live owner on another host until its heartbeat is stale', () => {
    const lock = join(dir, 'c.lock');
    mkdirSync(lock);
    writeFileSync(join(lock, 'owner.json'), JSON.stringify({ pid: 1, host: 'elsewhere', since: 'x', token: 't' }));
    expect(() => acquireLock(lock)).toThrow(/pid 1 on elsewhere/);
    acquireLock(lock, { staleMs: -1 })();
  });

  // Two runs started together over a lock left by a killed run, with the takeover's window
  // widened to 30 ms: exactly one of them may hold it, every round.
  it('lets exactly one of two racing processes take over a stale lock, in every round', async () => {
    const pid = await deadPid();
    const outcomes: string[] = [];
    for (let round = 0; round < 40; round++) {
      const lock = join(dir, `race-${round}.lock`);
      staleLock(lock, pid);
      const results = await Promise.all([contender(lock, round % 2 ? 30 : 0), contender(lock, round % 2 ? 30 : 0)]);
      outcomes.push(results.sort().join('+'));
    }
    expect(new Set(outcomes)).toEqual(new Set(['held+refused']));
  }, 120_000);
});

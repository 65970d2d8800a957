import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireStageLock, stageLockPath } from '../../src/run/stageLock.js';
import { repoRoot } from '../helpers/cli.js';
import { tempDir } from '../helpers/recordedRun.js';

/** A process that takes the stage lock (the built module) and says so, then holds it until killed. */
function holder(stageDir: string): Promise<ChildProcess> {
  const module = join(repoRoot, 'dist/run/stageLock.js');
  const child = spawn(process.execPath, ['--input-type=module', '-e', `const { acquireStageLock } = await import(${JSON.stringify(module)}); await acquireStageLock(${JSON.stringify(stageDir)}); console.log('locked'); setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve(child));
    child.on('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
}

describe('stage locks', () => {
  it('makes a second taker wait for a live holder, and takes over at once from one killed with -9', async () => {
    const root = tempDir('dsl-stagelock-');
    const stageDir = join(root, 'exp', 'search-0123456789');
    mkdirSync(join(root, 'exp'), { recursive: true });
    const child = await holder(stageDir);
    expect(existsSync(stageLockPath(stageDir))).toBe(true);

    let waited = false;
    let acquired = false;
    const taking = acquireStageLock(stageDir, { onWait: () => (waited = true) }).then((release) => {
      acquired = true;
      return release;
    });
    await new Promise((r) => setTimeout(r, 600));
    expect(waited).toBe(true);
    expect(acquired).toBe(false);

    const killedAt = performance.now();
    child.kill('SIGKILL');
    const release = await taking;
    // Far sooner than the cross-machine staleness (a minute): the dead pid decides.
    expect(performance.now() - killedAt).toBeLessThan(5_000);
    release();
    await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(stageLockPath(stageDir))).toBe(false);
  }, 20_000);
});

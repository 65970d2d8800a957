import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasStackTrace, runDsl } from '../helpers/cli.js';
import { setArgs, TINY } from '../helpers/tiny.js';

const dir = mkdtempSync(join(tmpdir(), 'dsl-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (outDir: string, env: NodeJS.ProcessEnv = {}, extra: string[] = []) =>
  runDsl(['run', 'experiments/mnist.yaml', '--until', 'search', ...setArgs([...TINY, ...extra, `runtime.outDir=${outDir}`])], { env, timeoutMs: 120_000 });

/** Every file under `root`, relative. */
const files = (root: string): string[] =>
  readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1));

describe('a run directory that cannot be used', () => {
  const file = join(dir, 'a-file');
  writeFileSync(file, 'not a directory');
  const cases: [string, string, RegExp][] = [
    ['an existing file', file, /a-file is a file, not a directory \(ENOTDIR\)/],
    ['/etc/passwd', '/etc/passwd', /\/etc\/passwd is a file, not a directory \(ENOTDIR\)/],
    ['a folder under a file', join(file, 'runs'), /a-file is a file, not a directory \(ENOTDIR\)/],
    ['/proc/self', '/proc/self/runs', /\/proc\/\d+ is on a kernel file system \(proc\), not a disk/],
    ['/sys', '/sys/kernel/dsl-runs', /\/sys\/kernel is on a kernel file system \(sys\), not a disk/],
  ];
  it.each(cases)('%s: one line naming the path and the cause, exit 1', async (_, outDir, cause) => {
    const result = await run(outDir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`error: cannot use runtime\\.outDir ${outDir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `));
    expect(result.stderr).toMatch(cause);
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(result.stderr).not.toContain('internal error');
  });

  it.each([
    ['read-only', 'EROFS', 'the file system is read-only (EROFS)'],
    ['not writable', 'EACCES', 'permission denied (EACCES)'],
    ['full', 'ENOSPC', 'no space left on the device (ENOSPC)'],
  ])('a %s directory: refused before any stage, nothing left behind', async (_, code, cause) => {
    const outDir = join(dir, `runs-${code}`);
    const result = await run(outDir, { DSL_TEST_WRITE_FAULT: `${code}:.dsl-probe` });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: cannot use runtime.outDir ${outDir}: ${join(outDir, 'mnist')}: ${cause}`);
    expect(files(outDir)).toEqual([]);
  });
});

describe('a disk that fills during a stage', () => {
  it('stops with the file and the cause, keeps the stage resumable, leaves no temporary file', async () => {
    const outDir = join(dir, 'runs-full');
    const result = await run(outDir, { DSL_TEST_WRITE_FAULT: 'ENOSPC:checkpoint.bin' }, ['search.checkpointEvery=1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: cannot write \S+\/search-[0-9a-f]+\/checkpoint\.bin: no space left on the device \(ENOSPC\)/);
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(files(outDir).filter((f) => f.includes('.tmp'))).toEqual([]);
    const manifest = files(outDir).find((f) => /search-.*manifest\.json$/.test(f))!;
    expect(JSON.parse(readFileSync(join(outDir, manifest), 'utf8')).status).toBe('failed');
    // Space again: the same command finishes the stage.
    expect((await run(outDir, {}, ['search.checkpointEvery=1'])).code).toBe(0);
  }, 240_000);
});

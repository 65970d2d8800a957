import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const hook = path.join(root, 'scripts', 'build-native.mjs');

/** Runs the install hook with `env` added; never builds (each case stops at a missing piece). */
function install(env: Record<string, string>) {
  const result = spawnSync(process.execPath, [hook], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
  return { status: result.status, lines: result.stdout.trim().split('\n'), stderr: result.stderr };
}

describe('the install hook of the oneDNN addon', () => {
  it('says in one line why it does not build, and succeeds, when it is turned off', () => {
    const r = install({ DSL_ONEDNN: '0' });
    expect(r.status).toBe(0);
    expect(r.lines).toEqual([expect.stringMatching(/^dsl: oneDNN convolutions not built \(DSL_ONEDNN=0\); the wasm kernels are used\. For the native ones: apt-get install/)]);
  });

  it('names a missing compiler instead of failing the install', () => {
    const r = install({ CXX: 'no-such-compiler-dsl' });
    expect(r.status).toBe(0);
    expect(r.lines).toHaveLength(1);
    // Without oneDNN's headers it stops one check earlier, and says that instead.
    expect(r.lines[0]).toMatch(/^dsl: oneDNN convolutions not built \((no C\+\+ compiler \(no-such-compiler-dsl\)|no oneDNN headers .*)\)/);
    expect(r.stderr).toBe('');
  });
});

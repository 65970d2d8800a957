import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

/**
 * The pure core (spec, compile, nas, report model) turns data into data: it must not import
 * TensorFlow.js, touch the file system, spawn processes or print. I/O reaches it through
 * injected hosts (SpecHost, CompileContext).
 */
const PURE = ['src/spec', 'src/compile', 'src/nas', 'src/report/model', 'src/sweep/core'];
const FORBIDDEN = [/@tensorflow\//, /['"](node:)?fs(\/promises)?['"]/, /['"](node:)?child_process['"]/, /\bconsole\./, /['"]\.\.\/(ml|run|cli|io|data|watch)\//];

function files(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(join(repoRoot, dir));
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(repoRoot, path)).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the pure core', () => {
  const sources = PURE.flatMap(files);

  it('has the modules we expect to check', () => {
    expect(sources.length).toBeGreaterThan(20);
  });

  it.each(sources)('%s imports no tfjs, file system, process or console', (file) => {
    const text = readFileSync(join(repoRoot, file), 'utf8');
    for (const pattern of FORBIDDEN) expect(text, `${file} matches ${pattern}`).not.toMatch(pattern);
  });
});

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

/** One concept per file: no source file over about 400 lines (generated types excepted). */
const LIMIT = 400;
const GENERATED = new Set(['src/spec/types.generated.ts']);

function sources(dir: string): string[] {
  return readdirSync(join(repoRoot, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(repoRoot, path)).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('source files', () => {
  it(`stay under ${LIMIT} lines`, () => {
    const files = sources('src').filter((f) => !GENERATED.has(f));
    expect(files.length).toBeGreaterThan(100);
    const long = files.map((f) => `${f}: ${readFileSync(join(repoRoot, f), 'utf8').split('\n').length} lines`).filter((l) => Number(/(\d+) lines$/.exec(l)![1]) > LIMIT);
    expect(long).toEqual([]);
  });
});

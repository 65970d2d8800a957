import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasStackTrace, runDsl } from '../helpers/cli.js';
import { setArgs, TINY } from '../helpers/tiny.js';

const stageDirs = (root: string) => readdirSync(join(root, 'mnist')).filter((d) => /^(search|derive|train|evaluate|report)-[0-9a-f]{10}$/.test(d)).sort();
const events = (root: string, prefix: string) =>
  stageDirs(root)
    .filter((d) => d.startsWith(prefix))
    .flatMap((d) => readFileSync(join(root, 'mnist', d, 'events.jsonl'), 'utf8').trim().split('\n'))
    .map((l) => JSON.parse(l) as { type: string });

describe('dsl run caching', () => {
  it('runs every stage, then does no work on an unchanged spec, then reruns only what a train edit invalidates', async () => {
    const out = mkdtempSync(join(tmpdir(), 'dsl-cache-'));
    const args = ['run', 'experiments/mnist.yaml', ...setArgs([...TINY, `runtime.outDir=${out}`])];

    const first = await runDsl(args, { timeoutMs: 600_000 });
    expect(first.code, first.stderr).toBe(0);
    expect(hasStackTrace(first.stderr)).toBe(false);
    expect(stageDirs(out).map((d) => d.split('-')[0])).toEqual(['derive', 'evaluate', 'report', 'search', 'train']);
    for (const stage of ['search', 'derive', 'train', 'evaluate', 'report']) expect(first.stderr).toMatch(new RegExp(`✓ ${stage}\\s+done`));
    const steps = events(out, 'train').filter((e) => e.type === 'step').length;

    const second = await runDsl(args, { timeoutMs: 600_000 });
    expect(second.code).toBe(0);
    for (const stage of ['search', 'derive', 'train', 'evaluate', 'report']) expect(second.stderr).toMatch(new RegExp(`✓ ${stage}\\s+up to date \\(cache hit\\)`));
    expect(second.stderr).not.toMatch(/done in/);
    expect(events(out, 'train').filter((e) => e.type === 'step').length).toBe(steps); // nothing trained

    const third = await runDsl([...args, '--set', 'train.optimizers.generator.lr=0.0001'], { timeoutMs: 600_000 });
    expect(third.code).toBe(0);
    for (const stage of ['search', 'derive']) expect(third.stderr).toMatch(new RegExp(`✓ ${stage}\\s+up to date`));
    for (const stage of ['train', 'evaluate', 'report']) expect(third.stderr).toMatch(new RegExp(`✓ ${stage}\\s+done`));
    expect(stageDirs(out).filter((d) => d.startsWith('train-'))).toHaveLength(2);
    expect(stageDirs(out).filter((d) => d.startsWith('search-'))).toHaveLength(1);
  }, 900_000);
});

import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasStackTrace, repoRoot, runDsl } from '../helpers/cli.js';
import { recordRun, tempDir, type RecordedRun } from '../helpers/recordedRun.js';

/** `dsl report` through the real binary, on runs recorded in the store's formats. */
describe('dsl report', () => {
  let run: RecordedRun;
  beforeAll(() => {
    run = recordRun();
  });
  afterAll(() => rmSync(run.dir, { recursive: true, force: true }));
  const outDir = () => `runtime.outDir=${run.spec.runtime.outDir}`;

  it('says plainly that nothing has run, without a stack trace', async () => {
    const empty = tempDir();
    try {
      const result = await runDsl(['report', 'experiments/mnist.yaml', '--set', `runtime.outDir=${empty}`]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('error: nothing has run for `mnist` yet');
      expect(result.stderr).toContain('hint: `dsl run experiments/mnist.yaml` runs the experiment');
      expect(hasStackTrace(result.stderr)).toBe(false);
      expect(existsSync(join(empty, 'mnist', 'report.md'))).toBe(false);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('renders the report of a run without running anything', async () => {
    const result = await runDsl(['report', 'experiments/mnist.yaml', '--set', outDir()]);
    expect(result.stderr).toMatch(/\d+ charts and images in /);
    expect(result.code).toBe(0);
    const file = join(run.spec.runtime.outDir, 'mnist', 'report.md');
    expect(result.stdout.trim()).toBe(file);
    expect(readFileSync(file, 'utf8')).toContain('## Metrics');
    expect(existsSync(join(dirname(file), 'report-assets', 'search-losses.svg'))).toBe(true);
  });

  it('writes where --out says, with the assets beside it', async () => {
    const out = join(run.dir, 'elsewhere', 'mnist-report.md');
    const result = await runDsl(['report', 'experiments/mnist.yaml', '--set', outDir(), '--out', out]);
    expect(result.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('](mnist-report-assets/search-losses.svg)');
    expect(existsSync(join(dirname(out), 'mnist-report-assets', 'search-losses.svg'))).toBe(true);
  });

  it('names the template file and line of a template error, without a stack trace', async () => {
    // A template must sit beside the spec (or in the project's templates/): a spec beside it.
    const template = join(run.dir, 'broken.md.njk');
    writeFileSync(template, '# {{ title }}\n\n{% for x in %}\n');
    const spec = join(run.dir, 'mnist.yaml');
    writeFileSync(spec, `extends: ${join(repoRoot, 'experiments/mnist.yaml')}\nreport: { template: ./broken.md.njk }\n`);
    const result = await runDsl(['report', spec, '--set', outDir()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: \S*broken\.md\.njk:3:\d+: template error: /);
    expect(hasStackTrace(result.stderr)).toBe(false);
  });
});

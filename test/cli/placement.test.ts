import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/run/lock.js';
import { hasStackTrace, repoRoot, runDsl } from '../helpers/cli.js';
import { recordRun, tempDir, type RecordedRun } from '../helpers/recordedRun.js';

/** Where dsl writes and what it reads as a template: never outside the run, never a system file. */
describe('paths the report writes and reads', () => {
  let run: RecordedRun;
  let spec: string;
  let victim: string;
  beforeAll(() => {
    run = recordRun();
    victim = join(run.dir, 'victim');
    mkdirSync(victim);
    writeFileSync(join(victim, 'keep.txt'), 'mine');
    mkdirSync(join(victim, 'notes-assets'));
    writeFileSync(join(victim, 'notes-assets', 'figure.png'), 'mine too');
    spec = join(run.dir, 'mnist.yaml');
  });
  afterAll(() => rmSync(run.dir, { recursive: true, force: true }));
  const outDir = () => `runtime.outDir=${run.spec.runtime.outDir}`;
  const writeSpec = (report: string) => writeFileSync(spec, `extends: ${join(repoRoot, 'experiments/mnist.yaml')}\nreport:\n${report}\n`);
  const untouched = () => {
    expect(readdirSync(victim).sort()).toEqual(['keep.txt', 'notes-assets']);
    expect(readFileSync(join(victim, 'notes-assets', 'figure.png'), 'utf8')).toBe('mine too');
  };

  it('refuses a report.output that leaves the run directory, at its line', async () => {
    writeSpec('  output: ../../victim/notes.md');
    for (const command of ['validate', 'report']) {
      const result = await runDsl([command, spec, '--set', outDir()]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/mnist\.yaml:3:\d+: error: report\.output `\.\.\/\.\.\/victim\/notes\.md` is outside the run directory/);
      expect(hasStackTrace(result.stderr)).toBe(false);
    }
    untouched();
  });

  it('refuses a report.output that goes out through a symbolic link, and writes nothing there', async () => {
    symlinkSync(victim, join(run.store.root, 'linked'));
    writeSpec('  output: linked/notes.md');
    const result = await runDsl(['report', spec, '--set', outDir()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`report.output resolves to ${join(victim, 'notes.md')}, outside the run directory`);
    untouched();
    rmSync(join(run.store.root, 'linked'));
  });

  it('replaces only files that dsl wrote', async () => {
    writeFileSync(join(run.store.root, 'notes.md'), 'my own notes');
    writeSpec('  output: notes.md');
    const refused = await runDsl(['report', spec, '--set', outDir()]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`report.output would replace ${join(run.store.root, 'notes.md')}, which dsl did not write`);
    expect(readFileSync(join(run.store.root, 'notes.md'), 'utf8')).toBe('my own notes');
    rmSync(join(run.store.root, 'notes.md'));
    // Once dsl has written it, it may replace it; a file added to its assets folder stops that.
    expect((await runDsl(['report', spec, '--set', outDir()])).code).toBe(0);
    expect((await runDsl(['report', spec, '--set', outDir()])).code).toBe(0);
    writeFileSync(join(run.store.root, 'notes-assets', 'mine.txt'), 'x');
    const again = await runDsl(['report', spec, '--set', outDir()]);
    expect(again.stderr).toContain('notes-assets/mine.txt, which dsl did not write');
    expect(existsSync(join(run.store.root, 'notes-assets', 'mine.txt'))).toBe(true);
  });

  it('refuses a template outside the project and the spec folder, at its line', async () => {
    writeSpec('  template: /etc/passwd');
    let result = await runDsl(['validate', spec]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/mnist\.yaml:3:\d+: error: report template \/etc\/passwd is not a \.njk or \.md file/);
    const elsewhere = tempDir('dsl-elsewhere-');
    const outside = join(elsewhere, 'x.md.njk');
    writeFileSync(outside, '{{ title }}');
    writeSpec(`  template: ${outside}`);
    result = await runDsl(['validate', spec]);
    expect(result.stderr).toMatch(/mnist\.yaml:3:\d+: error: report template .*x\.md\.njk is outside the project's templates\/ folder and the spec's folder/);
    // A link beside the spec that points out is judged by where it points.
    symlinkSync(outside, join(run.dir, 'linked.md.njk'));
    writeSpec('  template: ./linked.md.njk');
    expect((await runDsl(['validate', spec])).stderr).toContain("is outside the project's templates/ folder");
    writeFileSync(join(run.dir, 'own.md.njk'), '# {{ title }}\n');
    writeSpec('  template: ./own.md.njk');
    expect((await runDsl(['validate', spec])).code).toBe(0);
    rmSync(elsewhere, { recursive: true, force: true });
  });

  it('dsl report is refused while a run holds the experiment', async () => {
    writeSpec('  output: report.md');
    const release = acquireLock(`${run.store.root}.lock`);
    try {
      const result = await runDsl(['report', spec, '--set', outDir()]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/error: a `dsl run` or `dsl watch` of this experiment \(pid \d+ on .*\) holds /);
    } finally {
      release();
    }
  });
});

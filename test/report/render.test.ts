import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportFile, renderRunReport, type ReportResult } from '../../src/report/report.js';
import { planOn, recordRun, type RecordedRun } from '../helpers/recordedRun.js';
import { checkWellFormed, linePaths, pointsOf, rectMarks } from '../helpers/svg.js';

/** Links of a Markdown text: ![alt](path) and [text](path). */
const links = (markdown: string): string[] => [...markdown.matchAll(/!?\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]!);
const headings = (markdown: string): string[] => [...markdown.matchAll(/^(#{1,4}) (.+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
const mermaidBlocks = (markdown: string): string[] => [...markdown.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('a report rendered from a recorded run', () => {
  let run: RecordedRun;
  let written: ReportResult;
  let text: string;
  beforeAll(async () => {
    run = recordRun();
    written = await renderRunReport({ ...run, file: reportFile(run.spec) });
    text = readFileSync(written.file, 'utf8');
  });
  afterAll(() => rmSync(run.dir, { recursive: true, force: true }));

  it('lands at <outDir>/<experiment>/report.md with its assets beside it', () => {
    expect(written.file).toBe(join(run.spec.runtime.outDir, 'mnist', 'report.md'));
    expect(written.assetsDir).toBe(join(dirname(written.file), 'report-assets'));
  });

  it('has every section', () => {
    const h = headings(text);
    for (const section of ['# mnist', '## Experiment', '## Pipeline', '## Search', '## Architecture weights', '## Derived architecture', '## Size', '## Re-training', '## Samples', '## Metrics']) {
      expect(h).toContain(section);
    }
    expect(h).toContain('### Generator (G)');
    expect(h).toContain('### Discriminator (D)');
    expect(text).toMatch(/<details>[\s\S]*```yaml\n[\s\S]*searchSpace:[\s\S]*```[\s\S]*<\/details>/);
    expect(text).toContain('**not comparable**');
  });

  it('links only relative paths to files that exist', () => {
    const all = links(text);
    expect(all.length).toBeGreaterThan(20);
    for (const link of all) {
      expect(link.startsWith('/') || /^[a-z]+:/.test(link), link).toBe(false);
      expect(existsSync(join(dirname(written.file), link)), link).toBe(true);
    }
    // nothing in the assets folder that the report does not show
    expect(readdirSync(written.assetsDir).sort()).toEqual(all.map((l) => l.replace('report-assets/', '')).sort());
  });

  it('draws charts as valid SVG with one line per series and one point per logged step', () => {
    const svg = (name: string) => readFileSync(join(written.assetsDir, name), 'utf8');
    for (const name of readdirSync(written.assetsDir).filter((f) => f.endsWith('.svg'))) {
      expect(checkWellFormed(svg(name)), name).toEqual([]);
    }
    const losses = linePaths(svg('search-losses.svg'));
    expect(losses).toHaveLength(2);
    expect(losses.map(pointsOf)).toEqual([21, 21]);
    expect(linePaths(svg('search-arch-losses.svg'))).toHaveLength(2);
    expect(linePaths(svg('search-tau.svg'))).toHaveLength(1);
    expect(linePaths(svg('search-lr.svg'))).toHaveLength(2);
    expect(linePaths(svg('train-losses.svg')).map(pointsOf)).toEqual([21, 21]);
    const evolution = linePaths(svg('evolution-G-cell0.svg'));
    expect(evolution).toHaveLength(7);
    expect(evolution.map(pointsOf)).toEqual(Array(7).fill(6));
  });

  it('draws a heatmap per cell with a rectangle per edge and candidate operation', () => {
    // G up_cell: 2 up edges × 3 ops + 5 normal edges × 7 ops; D's first cell: 3 stem × 5 + 2 normal × 7 + 2 down × 6
    expect(rectMarks(readFileSync(join(written.assetsDir, 'weights-G-cell0.svg'), 'utf8'))).toBe(41);
    expect(rectMarks(readFileSync(join(written.assetsDir, 'weights-D-cell0.svg'), 'utf8'))).toBe(41);
    expect(rectMarks(readFileSync(join(written.assetsDir, 'weights-D-cell1.svg'), 'utf8'))).toBe(47);
  });

  it('has Mermaid blocks for the stage graph and every derived cell', () => {
    const blocks = mermaidBlocks(text);
    expect(blocks).toHaveLength(1 + 3 + 4);
    expect(blocks[0]).toContain('search -->|alphaHistory| derive');
    for (const block of blocks) expect(block.startsWith('flowchart LR')).toBe(true);
  });

  it('puts the metrics table next to what the numbers mean', () => {
    expect(text).toMatch(/\| this run: re-trained EMA generator \(2,000 samples\) \| 7\.81 ± 0\.12 \| 21\.40 \| 0\.0132 ± 0\.0011 \|/);
    expect(text).toContain('the same generator untrained');
    expect(text).toMatch(/\| real data \(10,000 images\) \| 9\.62 ± 0\.08 \|/);
    expect(text).toContain('No AdversarialNAS or AutoGAN numbers are published for mnist.');
  });

  it('still works after the run folder is moved', () => {
    const moved = join(run.dir, 'moved');
    mkdirSync(moved);
    renameSync(dirname(written.file), join(moved, 'mnist'));
    const file = join(moved, 'mnist', 'report.md');
    for (const link of links(readFileSync(file, 'utf8'))) expect(existsSync(join(dirname(file), link)), link).toBe(true);
    renameSync(join(moved, 'mnist'), dirname(written.file));
  });
});

describe('a report on a partial run', () => {
  it('says which stages have not run and links nothing missing', async () => {
    const run = recordRun({ stages: ['search'], interruptSearch: true });
    try {
      const written = await renderRunReport({ ...run, file: reportFile(run.spec) });
      const text = readFileSync(written.file, 'utf8');
      expect(text).toContain('The search stage was interrupted after 50 of 100 iterations');
      expect(text).toContain('The derive stage has not run with this configuration yet.');
      expect(text).toContain('The train stage has not run with this configuration yet.');
      expect(text).toContain('The evaluate stage has not run with this configuration yet.');
      expect(text).toMatch(/\| search \| [^|]+ \| interrupted \|/);
      for (const link of links(text)) expect(existsSync(join(dirname(written.file), link)), link).toBe(true);
    } finally {
      rmSync(run.dir, { recursive: true, force: true });
    }
  });

  it('re-renders a second time from cached charts, quickly', async () => {
    const run = recordRun();
    try {
      await renderRunReport({ ...run, file: reportFile(run.spec) });
      const started = performance.now();
      await renderRunReport({ ...run, file: reportFile(run.spec) });
      expect(performance.now() - started).toBeLessThan(1000);
    } finally {
      rmSync(run.dir, { recursive: true, force: true });
    }
  });
});

describe('a custom template', () => {
  it('can include the built-in partials', async () => {
    const run = recordRun({ stages: ['search', 'derive'] });
    try {
      const template = join(run.dir, 'mine.md.njk');
      writeFileSync(template, '# Custom {{ experiment.name }}\n\n{% include "partials/cost.njk" %}\n');
      const written = await renderRunReport({ ...run, spec: { ...run.spec, report: { ...run.spec.report, template } }, file: reportFile(run.spec) });
      const text = readFileSync(written.file, 'utf8');
      expect(text).toMatch(/^# Custom mnist/);
      expect(text).toContain('## Size');
    } finally {
      rmSync(run.dir, { recursive: true, force: true });
    }
  });
});

describe('the report stage', () => {
  it('runs in the executor after cache hits, into its directory and the run folder', async () => {
    const { executePlan } = await import('../../src/run/executor.js');
    const { runReport } = await import('../../src/run/stages/report.js');
    const run = recordRun();
    try {
      const notAgain = async (): Promise<Record<string, unknown>> => {
        throw new Error('a recorded stage ran again');
      };
      const events: string[] = [];
      const result = await executePlan({
        ...planOn(run, events),
        runners: { search: notAgain, derive: notAgain, train: notAgain, evaluate: notAgain, report: runReport },
      });
      expect(result.status).toBe('complete');
      expect(events.filter((e) => e.startsWith('cache-hit'))).toHaveLength(4);
      const report = run.graph.stages.find((s) => s.name === 'report')!;
      const stageDir = run.store.stageDir('report', report.fingerprint);
      expect(run.store.manifest('report', report.fingerprint)?.status).toBe('complete');
      expect(existsSync(join(stageDir, 'report.md'))).toBe(true);
      expect(existsSync(join(stageDir, 'report-assets', 'search-losses.svg'))).toBe(true);
      const final = reportFile(run.spec);
      const text = readFileSync(final, 'utf8');
      expect(text).toBe(readFileSync(join(stageDir, 'report.md'), 'utf8'));
      expect(text).toMatch(/\| search \| [^|]+ \| complete \(cache hit\) \|/);
      expect(text).toMatch(/\| report \| [^|]+ \| complete \|.*this report/);
      for (const link of links(text)) expect(existsSync(join(dirname(final), link)), link).toBe(true);
    } finally {
      rmSync(run.dir, { recursive: true, force: true });
    }
  });
});

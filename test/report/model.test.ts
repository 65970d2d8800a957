import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRun } from '../../src/report/load.js';
import { buildReportModel } from '../../src/report/model/build.js';
import { thin } from '../../src/report/model/curves.js';
import type { ReportInput } from '../../src/report/model/input.js';
import type { ChartModel } from '../../src/report/model/types.js';
import { experiment } from '../helpers/specs.js';
import { recordRun, type RecordedRun } from '../helpers/recordedRun.js';

const runs: RecordedRun[] = [];
const load = (options: Parameters<typeof recordRun>[0] = {}): ReportInput => {
  const run = recordRun(options);
  runs.push(run);
  return loadRun({ ...run, specFile: 'experiments/mnist.yaml' }).input;
};
afterAll(() => runs.forEach((r) => rmSync(r.dir, { recursive: true, force: true })));

const options = { assets: 'report-assets' };
const seriesCount = (chart: ChartModel | undefined) => chart?.series.length;
const STEPS = 21; // iterations 0, 5, …, 95 and the last one (99)

describe('the report model of a complete run', () => {
  const input = load();
  const model = buildReportModel(input, options);

  it('describes the experiment and every stage', () => {
    expect(model.title).toBe('mnist');
    expect(model.experiment).toMatchObject({ name: 'mnist', seed: 1, dataset: 'mnist', backend: 'wasm, 2 threads', specFile: 'experiments/mnist.yaml' });
    expect(model.experiment.machine).toContain('Test CPU');
    expect(model.experiment.resolvedYaml).toContain('searchSpace:');
    expect(model.pipeline.stages.map((s) => [s.name, s.state])).toEqual([
      ['search', 'complete'],
      ['derive', 'complete'],
      ['train', 'complete'],
      ['evaluate', 'complete'],
      ['report', 'not run'],
    ]);
    expect(model.pipeline.mermaid).toMatch(/^flowchart LR/);
  });

  it('charts the search losses, the architecture losses, tau and the learning rates', () => {
    expect(model.search.state).toBe('complete');
    expect(seriesCount(model.search.losses)).toBe(2);
    expect(seriesCount(model.search.archLosses)).toBe(2);
    expect(seriesCount(model.search.temperature)).toBe(1);
    expect(seriesCount(model.search.learningRates)).toBe(2);
    for (const s of model.search.losses!.series) expect(s.points).toHaveLength(STEPS);
  });

  it('draws a heatmap per cell of G and D, with one chosen operation per edge', () => {
    const [g, d] = model.architecture.networks;
    expect(g!.cells).toHaveLength(3);
    expect(d!.cells).toHaveLength(4);
    for (const cell of [...g!.cells, ...d!.cells]) {
      expect(cell.heatmap.rows).toHaveLength(7);
      for (const row of cell.heatmap.rows) {
        const entries = cell.heatmap.cells.filter((c) => c.row === row);
        expect(entries.filter((c) => c.chosen)).toHaveLength(1);
        expect(entries.reduce((sum, c) => sum + c.value, 0)).toBeCloseTo(1, 6);
      }
      expect(cell.evolution?.series).toHaveLength(7);
      for (const s of cell.evolution!.series) expect(s.points).toHaveLength(6);
    }
  });

  it("tells how each edge's choice changed over the snapshots", () => {
    const changes = model.architecture.networks[0]!.cells[0]!.changes;
    expect(changes[0]!.changes).toBe(1); // even edges change their mind half way
    expect(changes[0]!.history).toMatch(/ → /);
    expect(changes[1]!.changes).toBe(0);
  });

  it('draws the derived cells with operation labels and gives the reference matrix', () => {
    const [g, d] = model.derived.networks;
    expect(g!.cells).toHaveLength(3);
    expect(d!.cells).toHaveLength(4);
    expect(g!.cells[0]!.mermaid).toMatch(/^flowchart LR/);
    const edgeLines = g!.cells[0]!.mermaid.split('\n').filter((l) => /-->|-\.->/.test(l));
    expect(edgeLines).toHaveLength(7);
    // labels, not operation names: the D stem ops show as conv_1x1 etc.
    expect(d!.cells[0]!.mermaid).not.toContain('stem_');
    expect(g!.matrix.split('\n')).toHaveLength(3);
  });

  it('counts parameters and MACs of the super-networks and the re-trained networks', () => {
    expect(model.cost.rows.map((r) => r.stage)).toEqual(['search', 'search', 'train', 'train']);
    for (const r of model.cost.rows) expect(r.parameters).toBeGreaterThan(0);
  });

  it('shows training curves and sample grids of both loops and the final grid', () => {
    expect(seriesCount(model.training.losses)).toBe(2);
    expect(model.training.losses!.series[0]!.points).toHaveLength(STEPS);
    expect(model.samples.search.map((s) => s.iteration)).toEqual([25, 50, 75, 100]);
    expect(model.samples.train).toHaveLength(4);
    expect(model.samples.final?.path).toBe('report-assets/evaluate-samples.png');
  });

  it('says the metrics are domain metrics, with the untrained and real-data rows', () => {
    const e = model.evaluation;
    expect(e.comparable).toBe(false);
    expect(e.comparability).toContain('not comparable');
    expect(e.extractor).toContain('MNIST classifier');
    expect(e.rows.map((r) => r.kind)).toEqual(['ours', 'untrained', 'real']);
    expect(e.rows[0]!.is.text).toBe('7.81 ± 0.12');
    expect(e.rows[0]!.kid.text).toBe('0.0132 ± 0.0011');
    expect(e.published).toEqual([]);
    expect(e.publishedNote).toContain('No AdversarialNAS');
  });

  it('lists every chart and image exactly once, all under the assets folder', () => {
    const paths = model.assets.map((a) => a.path);
    expect(new Set(paths).size).toBe(paths.length);
    for (const p of paths) expect(p.startsWith('report-assets/')).toBe(true);
    // 4 search charts, 7 heatmaps, 7 evolution charts, 2 training charts, 4 + 4 grids, the final grid
    expect(paths).toHaveLength(4 + 7 + 7 + 2 + 4 + 4 + 1);
  });
});

describe('the report model of an unfinished run', () => {
  it('says what has not run', () => {
    const model = buildReportModel(load({ stages: ['search'] }), options);
    expect(model.search.state).toBe('complete');
    expect(model.derived.state).toBe('not run');
    expect(model.derived.note).toContain('has not run');
    expect(model.training.note).toContain('The train stage has not run');
    expect(model.evaluation.note).toContain('The evaluate stage has not run');
    expect(model.evaluation.rows).toEqual([]);
    expect(model.cost.rows).toHaveLength(2);
    expect(model.samples.final).toBeUndefined();
    // without a derived genotype, the heatmaps outline the argmax
    expect(model.architecture.networks).toHaveLength(2);
  });

  it('shows an interrupted search up to where it stopped', () => {
    const model = buildReportModel(load({ stages: ['search'], interruptSearch: true }), options);
    expect(model.search.state).toBe('interrupted');
    expect(model.search.note).toMatch(/interrupted after 50 of 100 iterations/);
    expect(model.search.losses!.series[0]!.points).toHaveLength(10);
    expect(model.architecture.snapshots).toBe(3);
    expect(model.architecture.networks[0]!.cells).toHaveLength(3);
    expect(model.pipeline.stages[0]!.note).toContain('interrupted');
  });

  it('says the genotype was given when derive.from skips the search', () => {
    const from = experiment('genotypes/adversarialnas-cifar10.yaml');
    const model = buildReportModel(load({ stages: ['derive'], overrides: [`derive.from=${from}`] }), options);
    expect(model.pipeline.stages.map((s) => s.name)).not.toContain('search');
    expect(model.search.state).toBe('given');
    expect(model.search.note).toContain('genotype was given');
    expect(model.architecture.state).toBe('given');
    expect(model.derived.source).toContain('given');
    expect(model.derived.networks[0]!.cells).toHaveLength(3);
    expect(model.cost.rows.map((r) => r.stage)).toEqual(['train', 'train']);
  });
});

describe('published numbers', () => {
  it('stand next to comparable CIFAR-10 metrics', () => {
    const input = load();
    const metrics = input.evaluate!.metrics;
    const cifar: ReportInput = {
      ...input,
      spec: { ...input.spec, data: { ...input.spec.data, dataset: 'cifar10' } },
      evaluate: { metrics: { ...metrics, samples: 50_000, extractor: { ...metrics.extractor, comparableToPapers: true, description: 'Inception-v3 (pytorch-fid weights)' } } },
    };
    const e = buildReportModel(cifar, options).evaluation;
    expect(e.comparable).toBe(true);
    expect(e.comparability).toContain('**comparable**');
    expect(e.published.map((r) => [r.label, r.is.value, r.fid.value])).toEqual([
      ['AdversarialNAS (published)', 8.74, 10.87],
      ['AutoGAN (published)', 8.55, 12.42],
    ]);
  });
});

describe('thin', () => {
  it('keeps at most the limit, the first and the last point', () => {
    const values = Array.from({ length: 5003 }, (_, i) => i);
    const kept = thin(values, 500);
    expect(kept.length).toBeLessThanOrEqual(501);
    expect(kept[0]).toBe(0);
    expect(kept[kept.length - 1]).toBe(5002);
  });
});

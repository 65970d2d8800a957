import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, plan, type StageGraph, type StageName, type StageStore } from '../../../src/compile/index.js';
import { fileContext } from '../../../src/io/hash.js';
import { experiment, resolveValid } from '../../helpers/specs.js';

const graphOf = (file: string, overrides: string[] = []): StageGraph => {
  const { spec, space } = resolveValid(file, overrides);
  return compile(spec, space, fileContext);
};
const fingerprints = (g: StageGraph) => Object.fromEntries(g.stages.map((s) => [s.name, s.fingerprint]));
const changed = (a: StageGraph, b: StageGraph) => {
  const fa = fingerprints(a);
  const fb = fingerprints(b);
  return Object.keys(fa).filter((k) => fa[k] !== fb[k]);
};

describe('compile', () => {
  const mnist = experiment('mnist.yaml');

  it('builds search → derive → train → evaluate → report with typed inputs', () => {
    const g = graphOf(mnist);
    expect(g.stages.map((s) => s.name)).toEqual(['search', 'derive', 'train', 'evaluate', 'report']);
    expect(g.stages.find((s) => s.name === 'train')!.inputs).toEqual([{ stage: 'derive', artifact: 'genotype' }]);
    expect(new Set(g.stages.map((s) => s.fingerprint)).size).toBe(5);
  });

  it('is deterministic', () => {
    expect(fingerprints(graphOf(mnist))).toEqual(fingerprints(graphOf(mnist)));
  });

  it('changing only the report template changes only the report fingerprint', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dsl-template-'));
    const template = join(dir, 'mine.md.njk');
    writeFileSync(template, '# {{ experiment.name }}\n');
    const a = graphOf(mnist, [`report.template=${template}`]);
    writeFileSync(template, '# {{ experiment.name }} (edited)\n');
    const b = graphOf(mnist, [`report.template=${template}`]);
    expect(changed(a, b)).toEqual(['report']);
    expect(changed(graphOf(mnist), a)).toEqual(['report']);
  });

  it('editing a partial the template can include changes only the report fingerprint', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dsl-partials-'));
    mkdirSync(join(dir, 'partials'));
    const template = join(dir, 'mine.md.njk');
    writeFileSync(template, "{% include 'partials/part.njk' %}\n");
    writeFileSync(join(dir, 'partials', 'part.njk'), 'one\n');
    writeFileSync(join(dir, 'notes.txt'), 'not a template\n');
    const a = graphOf(mnist, [`report.template=${template}`]);
    writeFileSync(join(dir, 'notes.txt'), 'other files beside it do not matter\n');
    expect(changed(a, graphOf(mnist, [`report.template=${template}`]))).toEqual([]);
    writeFileSync(join(dir, 'partials', 'part.njk'), 'two\n');
    expect(changed(a, graphOf(mnist, [`report.template=${template}`]))).toEqual(['report']);
  });

  it('changing an operation set changes search and everything after it', () => {
    const a = graphOf(mnist);
    const b = graphOf(mnist, ['operationSets.up=[nearest, bilinear]']);
    expect(changed(a, b)).toEqual(['search', 'derive', 'train', 'evaluate', 'report']);
  });

  it('changing train settings changes train, evaluate and report only', () => {
    expect(changed(graphOf(mnist), graphOf(mnist, ['train.optimizers.generator.lr=0.0001']))).toEqual(['train', 'evaluate', 'report']);
  });

  it('changing evaluation changes evaluate and report only', () => {
    expect(changed(graphOf(mnist), graphOf(mnist, ['evaluate.samples=500']))).toEqual(['evaluate', 'report']);
  });

  it('ignores what does not change results: labels, checkpoint interval, run directory, backend', () => {
    const a = graphOf(mnist);
    for (const set of ['operations.conv_3x3.label=three', 'search.checkpointEvery=7', 'runtime.outDir=/tmp/elsewhere', 'runtime.backend=cpu']) {
      expect(changed(a, graphOf(mnist, [set])), set).toEqual([]);
    }
  });

  it('the seed changes every computing stage', () => {
    expect(changed(graphOf(mnist), graphOf(mnist, ['runtime.seed=2']))).toEqual(['search', 'derive', 'train', 'evaluate', 'report']);
  });

  it('derive.from removes the search stage, and the genotype file content is part of derive', () => {
    const g = graphOf(experiment('stl10.yaml'));
    expect(g.stages.map((s) => s.name)).toEqual(['derive', 'train', 'evaluate', 'report']);
    const dir = mkdtempSync(join(tmpdir(), 'dsl-genotype-'));
    const file = join(dir, 'g.yaml');
    const rows = (c4: string) =>
      `generator:\n${[0, 1, 2].map(() => `  - { up0: bilinear, up1: bilinear, c0: skip_connect, c1: none, c2: conv_3x3, c3: conv_3x3, c4: ${c4} }`).join('\n')}\n`;
    writeFileSync(file, rows('skip_connect'));
    const a = graphOf(experiment('stl10.yaml'), [`derive.from=${file}`]);
    writeFileSync(file, rows('conv_1x1'));
    const b = graphOf(experiment('stl10.yaml'), [`derive.from=${file}`]);
    expect(changed(a, b)).toEqual(['derive', 'train', 'evaluate', 'report']);
  });
});

describe('plan', () => {
  const g = graphOf(experiment('mnist.yaml'));
  const storeWith = (states: Partial<Record<StageName, 'complete' | 'partial'>>): StageStore => ({
    state: (stage, fingerprint) => (g.stages.find((s) => s.name === stage)!.fingerprint === fingerprint ? (states[stage] ?? 'missing') : 'missing'),
  });

  it('runs everything the first time', () => {
    expect(plan(g, storeWith({})).map((p) => p.action)).toEqual(['run', 'run', 'run', 'run', 'run']);
  });

  it('skips complete stages and resumes interrupted ones', () => {
    const p = plan(g, storeWith({ search: 'complete', derive: 'complete', train: 'partial' }));
    expect(p.map((s) => s.action)).toEqual(['skip', 'skip', 'resume', 'run', 'run']);
    expect(p[0]!.reason).toContain('cache hit');
  });

  it('--force reruns a stage and those after it', () => {
    const all = { search: 'complete', derive: 'complete', train: 'complete', evaluate: 'complete', report: 'complete' } as const;
    expect(plan(g, storeWith(all)).map((p) => p.action)).toEqual(['skip', 'skip', 'skip', 'skip', 'skip']);
    expect(plan(g, storeWith(all), { force: ['train'] }).map((p) => p.action)).toEqual(['skip', 'skip', 'run', 'run', 'run']);
  });
});

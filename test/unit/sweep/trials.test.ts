import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblems } from '../../../src/spec/format.js';
import { resolveSweep } from '../../../src/sweep/core/resolveTrials.js';
import { expandSweep, shortKeys, trialLabel } from '../../../src/sweep/core/trials.js';
import { repoRoot } from '../../helpers/cli.js';
import { overlayHost } from '../../helpers/specs.js';

const file = join(repoRoot, 'experiments', 'sweep-test.yaml');
const specWith = (sweep: string) => ({ [file]: `extends: ./mnist.yaml\nname: sweep-test\n${sweep}` });
const resolve = (sweep: string, overrides: string[] = []) => resolveSweep(file, { host: overlayHost(specWith(sweep)), overrides });

describe('expandSweep', () => {
  it('crosses the grid in file order, seeds innermost, then the explicit trials', () => {
    const trials = expandSweep({ parameters: { 'a.lr': [1, 2, 3], 'b.n': [1, 5] }, seeds: [7, 8], trials: [{ 'c.x': true }] });
    expect(trials).toHaveLength(3 * 2 * 2 + 2);
    expect(trials.slice(0, 4).map((t) => [t.values.map((v) => v.value), t.seed])).toEqual([
      [[1, 1], 7],
      [[1, 1], 8],
      [[1, 5], 7],
      [[1, 5], 8],
    ]);
    expect(trials[12]!.values).toEqual([{ key: 'c.x', value: true, where: ['sweep', 'trials', 0, 'c.x'], keyWhere: ['sweep', 'trials', 0, 'c.x'] }]);
    expect(trials.map((t) => t.number)).toEqual(trials.map((_, i) => i + 1));
    // Trials of one combination share a group, whatever their seed.
    expect(new Set(trials.map((t) => t.group)).size).toBe(7);
  });

  it('makes a seeds-only sweep one trial per seed', () => {
    expect(expandSweep({ seeds: [1, 2, 3] }).map((t) => [t.values.length, t.seed])).toEqual([[0, 1], [0, 2], [0, 3]]);
  });

  it('labels trials by the shortest suffix that tells keys apart', () => {
    expect(shortKeys(['train.optimizers.generator.lr', 'train.optimizers.discriminator.lr', 'search.nCritic'])).toEqual(
      new Map([['train.optimizers.generator.lr', 'generator.lr'], ['train.optimizers.discriminator.lr', 'discriminator.lr'], ['search.nCritic', 'nCritic']]),
    );
    const [first] = expandSweep({ parameters: { 'search.nCritic': [5] }, seeds: [2] });
    expect(trialLabel(first!)).toBe('nCritic=5 seed=2');
  });
});

describe('resolveSweep', () => {
  it('applies each trial like --set, after the command line, and leaves the base untouched', () => {
    const sweep = resolve('sweep:\n  parameters:\n    train.optimizers.generator.lr: [0.0001, 0.0002]\n    search.nCritic: [1, 5]\n  seeds: [1, 2]\n', ['search.nCritic=3']);
    expect(sweep.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(sweep.trials).toHaveLength(8);
    expect(sweep.base.spec!.search.nCritic).toBe(3);
    const specs = sweep.trials.map((t) => t.resolution.spec!);
    expect(specs.map((s) => [s.train.optimizers.generator.lr, s.search.nCritic, s.runtime.seed])).toEqual([
      [0.0001, 1, 1], [0.0001, 1, 2], [0.0001, 5, 1], [0.0001, 5, 2],
      [0.0002, 1, 1], [0.0002, 1, 2], [0.0002, 5, 1], [0.0002, 5, 2],
    ]);
    // Defaults still fill what the trial does not set.
    expect(specs[0]!.train.optimizers.generator.betas).toHaveLength(2);
    expect(specs[0]!.train.optimizers.generator.betas).toEqual(sweep.base.spec!.train.optimizers.generator.betas);
    expect(sweep.trials[3]!.overrides).toEqual({ 'train.optimizers.generator.lr': 0.0001, 'search.nCritic': 5, 'runtime.seed': 2 });
    expect(sweep.swept).toEqual(['train.optimizers.generator.lr', 'search.nCritic']);
  });

  it('locates a badly typed value at its line in the sweep section and names the trial', () => {
    const sweep = resolve('sweep:\n  parameters:\n    search.nCritic: [1, two]\n');
    const errors = sweep.problems.filter((p) => p.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/^trial 2 \(nCritic=two\): `search.nCritic` should be a whole number, not "two"/);
    expect(errors[0]!.location).toMatchObject({ file, start: { line: 5, column: 25 } });
    const text = formatProblems(errors, sweep.sources);
    expect(text).toContain('> 5 |     search.nCritic: [1, two]');
  });

  it('reports a path the schema does not have at its key, with a did-you-mean', () => {
    const sweep = resolve('sweep:\n  trials:\n    - { search.nCritc: 5 }\n');
    const [error] = sweep.problems.filter((p) => p.severity === 'error');
    expect(error!.message).toBe('trial 1 (nCritc=5): unknown key `nCritc` in `search`');
    expect(error!.hint).toBe('did you mean `nCritic`?');
    expect(error!.location).toMatchObject({ file, start: { line: 5, column: 9 } });
  });

  it('checks trials semantically too, not only against the schema', () => {
    // A generator batch the split cannot divide is a semantic error, found per trial.
    const good = resolve('sweep:\n  parameters:\n    searchSpace.generator.bottomWidth: [2, 3]\n');
    const errors = good.problems.filter((p) => p.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.message.startsWith('trial 2 (bottomWidth=3): '))).toBe(true);
    expect(good.trials[0]!.resolution.spec).toBeDefined();
    expect(good.trials[1]!.resolution.spec).toBeUndefined();
  });

  it('has no trials when the spec has no sweep section', () => {
    const sweep = resolve('');
    expect(sweep.base.spec).toBeDefined();
    expect(sweep.trials).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import type { StageGraph } from '../../../src/compile/graph.js';
import { describeSharing, stageSharing, sweepFingerprint, trialFingerprint } from '../../../src/sweep/core/identity.js';
import { buildSweepSummary, paretoFront, stat, type SummaryInput } from '../../../src/sweep/core/summary.js';

const trial = (id: string, group: string, overrides: Record<string, unknown>, extra: Partial<SummaryInput> = {}): SummaryInput => ({
  id,
  number: 0,
  label: id,
  overrides,
  seed: Number(overrides['runtime.seed'] ?? 1),
  group,
  status: 'complete',
  metrics: {},
  runDir: `/runs/x/trials/${id}`,
  ...extra,
});

describe('sweep summary model', () => {
  it('takes the sample standard deviation over seeds', () => {
    expect(stat([1, 3])).toEqual({ mean: 2, std: Math.SQRT2, n: 2 });
    expect(stat([5])).toEqual({ mean: 5, std: 0, n: 1 });
    expect(stat([])).toBeUndefined();
  });

  it('keeps on the Pareto front only the points nothing beats on both FID and cost', () => {
    const front = paretoFront([
      { id: 'small-bad', quality: 30, cost: 1 },
      { id: 'mid-good', quality: 20, cost: 2 },
      { id: 'dominated', quality: 25, cost: 3 },
      { id: 'big-best', quality: 10, cost: 5 },
      { id: 'tie-worse', quality: 20, cost: 2.5 },
    ]);
    expect(front).toEqual(['small-bad', 'mid-good', 'big-best']);
  });

  it('aggregates combinations over seeds, draws each metric against each parameter, and counts chosen operations', () => {
    const g = (op: string) => ({ generator: [{ c0: op, c1: 'conv_3x3' }] });
    const trials = [
      trial('a1', 'grid-0', { lr: 1, 'runtime.seed': 1 }, { metrics: { fid: 10, is: 2 }, generator: { parameters: 100, macs: 1000 }, genotype: g('skip') }),
      trial('a2', 'grid-0', { lr: 1, 'runtime.seed': 2 }, { metrics: { fid: 14, is: 2 }, generator: { parameters: 100, macs: 1000 }, genotype: g('conv_5x5') }),
      trial('b1', 'grid-1', { lr: 2, 'runtime.seed': 1 }, { metrics: { fid: 8, is: 3 }, generator: { parameters: 300, macs: 500 }, genotype: g('skip') }),
      trial('b2', 'grid-1', { lr: 2, 'runtime.seed': 2 }, { status: 'failed', error: 'boom' }),
    ];
    const model = buildSweepSummary({ experiment: 'x', fingerprint: 'f', swept: ['lr'], trials });
    expect(model.counts).toEqual({ complete: 3, failed: 1 });
    expect(model.combinations.map((c) => [c.label, c.seeds, c.complete, c.metrics.fid?.mean, c.metrics.fid?.n])).toEqual([
      ['lr=1', [1, 2], 2, 12, 2],
      ['lr=2', [1, 2], 1, 8, 1],
    ]);
    const fid = model.charts.find((c) => c.metric === 'fid' && c.key === 'lr')!;
    expect(fid.numeric).toBe(true);
    expect(fid.points.map((p) => [p.x, p.mean, p.n])).toEqual([[1, 12, 2], [2, 8, 1]]);
    // KID was never measured: no chart for it.
    expect(model.charts.some((c) => c.metric === 'kid')).toBe(false);
    // By parameters a1 (100, FID 10) and b1 (300, FID 8) are both on the front; by MACs b1 beats everything.
    expect(model.pareto).toEqual({ parameters: ['a1', 'b1'], macs: ['b1'] });
    expect(model.trials.find((t) => t.id === 'a2')!.pareto).toEqual({ parameters: false, macs: false });
    const c0 = model.genotypes.find((e) => e.edge === 'cells.0.c0')!;
    expect(c0.byGroup).toEqual({ 'grid-0': { skip: 1, conv_5x5: 1 }, 'grid-1': { skip: 1 } });
    expect(c0.all).toEqual({ skip: 2, conv_5x5: 1 });
    expect(c0.stable).toBe(false);
    expect(model.genotypes.find((e) => e.edge === 'cells.0.c1')!.stable).toBe(true);
  });
});

describe('sweep identity and sharing', () => {
  const graph = (fps: Record<string, string>): StageGraph =>
    ({ experiment: 'x', stages: Object.entries(fps).map(([name, fingerprint]) => ({ name, fingerprint })) }) as unknown as StageGraph;

  it('names a trial by its computing stages, not its report', () => {
    expect(trialFingerprint(graph({ search: 's', train: 't', report: 'r1' }))).toBe(trialFingerprint(graph({ search: 's', train: 't', report: 'r2' })));
    expect(trialFingerprint(graph({ search: 's', train: 't' }))).not.toBe(trialFingerprint(graph({ search: 's', train: 'u' })));
    expect(sweepFingerprint(['a', 'b'])).not.toBe(sweepFingerprint(['a', 'b', 'c']));
  });

  it('counts distinct computations per stage and names what the trials sharing one differ in', () => {
    const trials = [1, 2].flatMap((seed) =>
      [1e-4, 2e-4, 4e-4].map((lr) => ({ overrides: { lr, 'runtime.seed': seed }, graph: graph({ search: `s${seed}`, train: `t${seed}-${lr}` }) })),
    );
    const [search, train] = stageSharing(trials);
    expect(search).toMatchObject({ stage: 'search', distinct: 2, trials: 6, groupSize: [3, 3], sharedAcross: ['lr'] });
    expect(describeSharing(search!)).toBe('search: 2 (each shared by the 3 trials that differ only in lr)');
    expect(describeSharing(train!)).toBe('train: 6 (one per trial)');
  });
});

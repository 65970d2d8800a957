import { describe, expect, it } from 'vitest';
import { choiceReason, estimateMs, rankRoutes } from '../../../src/ml/backend/choose.js';
import { MEASURED_SEARCH, type MeasuredIteration } from '../../../src/ml/backend/measured.js';

const table: MeasuredIteration[] = [
  { widths: 'a', gflop: 10, ms: { wasm: 100, 'wasm+onednn': 80, tensorflow: 200 } },
  { widths: 'b', gflop: 100, ms: { wasm: 1000, 'wasm+onednn': 400, tensorflow: 500 } },
  { widths: 'c', gflop: 1000, ms: { wasm: 10000, 'wasm+onednn': 4000, tensorflow: 2000 } },
];

describe('auto among the CPU routes', () => {
  it('gives the measured time at a measured size, and interpolates on log-log between sizes', () => {
    expect(estimateMs('tensorflow', 100, table)).toBeCloseTo(500, 6);
    // Halfway between 10 and 100 GFLOP on a log scale: the geometric mean of the two times.
    expect(estimateMs('wasm+onednn', Math.sqrt(10 * 100), table)).toBeCloseTo(Math.sqrt(80 * 400), 6);
    expect(estimateMs('tensorflow', Math.sqrt(100 * 1000), table)).toBeCloseTo(Math.sqrt(500 * 2000), 6);
  });

  it('carries the end segments on beyond the table', () => {
    // tensorflow: x4 per decade from 100 to 1000 GFLOP, so x4 again to 10,000.
    expect(estimateMs('tensorflow', 10_000, table)).toBeCloseTo(8000, 6);
    // Below the table, in proportion to the work: the smallest row's ranking holds.
    expect(estimateMs('wasm+onednn', 1, table)).toBeCloseTo(8, 6);
    expect(estimateMs('tensorflow', 1, table)).toBeCloseTo(20, 6);
  });

  it("a route without a figure at a size is estimated from its own rows", () => {
    const partial: MeasuredIteration[] = [...table, { widths: 'd', gflop: 10_000, ms: { tensorflow: 4000 } }];
    expect(estimateMs('tensorflow', 10_000, partial)).toBeCloseTo(4000, 6);
    // Beyond its own last figure (1000 GFLOP, 10 s), wasm scales as tensorflow does there (x2).
    expect(estimateMs('wasm', 10_000, partial)).toBeCloseTo(20_000, 6);
    expect(estimateMs('wasm', 1000, partial)).toBeCloseTo(10_000, 6);
  });

  it('ranks the routes that are installed, fastest first, and the ranking turns with the size', () => {
    expect(rankRoutes(['wasm', 'tensorflow'], { gflop: 10 }, table).map((r) => r.route)).toEqual(['wasm', 'tensorflow']);
    expect(rankRoutes(['wasm', 'tensorflow'], { gflop: 100 }, table).map((r) => r.route)).toEqual(['tensorflow', 'wasm']);
    expect(rankRoutes(['wasm+onednn', 'tensorflow'], { gflop: 100 }, table).map((r) => r.route)).toEqual(['wasm+onednn', 'tensorflow']);
    expect(rankRoutes(['wasm+onednn', 'tensorflow'], { gflop: 1000 }, table).map((r) => r.route)).toEqual(['tensorflow', 'wasm+onednn']);
  });

  it('says why, with the times compared', () => {
    const ranked = rankRoutes(['wasm+onednn', 'tensorflow'], { gflop: 100 }, table);
    expect(choiceReason('wasm+onednn', ranked, { gflop: 100 })).toBe(
      "auto: measured fastest for this spec's search iteration (100 GFLOP): about 0.4 s, against 0.5 s on tensorflow",
    );
    expect(choiceReason('tensorflow', ranked, { gflop: 100 })).toMatch(/^auto: the fastest that started .*about 0\.5 s, against 0\.4 s on wasm with oneDNN convolutions$/);
    expect(choiceReason('tensorflow', ranked, { gflop: 100 }, new Set(['wasm+onednn']))).toMatch(/^auto: the fastest that can hold this spec's search iteration .*about 0\.5 s, against 0\.4 s on wasm with oneDNN convolutions, which cannot hold it$/);
    expect(choiceReason('wasm', rankRoutes(['wasm'], { gflop: 10 }, table), { gflop: 10 })).toBe("auto: the only CPU route here; about 0.1 s per this spec's search iteration (10 GFLOP)");
  });

  it('the shipped table is ordered by work and measured on every route', () => {
    const gflop = MEASURED_SEARCH.map((m) => m.gflop);
    expect(gflop).toEqual([...gflop].sort((p, q) => p - q));
    for (const m of MEASURED_SEARCH) for (const ms of Object.values(m.ms)) expect(ms).toBeGreaterThan(0);
    // Every route has figures at two sizes at least, to interpolate between.
    for (const route of ['wasm', 'wasm+onednn', 'tensorflow'] as const) expect(MEASURED_SEARCH.filter((m) => m.ms[route] !== undefined).length).toBeGreaterThanOrEqual(2);
    // What the table says today: oneDNN's wasm route wins the small sizes, where per-op costs weigh most.
    expect(rankRoutes(['wasm+onednn', 'tensorflow'], { gflop: 61.5 })[0]!.route).toBe('wasm+onednn');
    expect(rankRoutes(['wasm', 'tensorflow'], { gflop: 237 })[0]!.route).toBe('tensorflow');
  });
});

import { describe, expect, it } from 'vitest';
import { toJson, toText, vsPytorch } from '../../../src/bench/report.js';
import { caseResult, pytorchResult, report } from './helpers.js';

type Row = Record<string, unknown>;
const searchRows = (r: ReturnType<typeof report>) => (toJson(r) as { searchIteration: Row[] }).searchIteration;

describe('tfjs against PyTorch in the bench report', () => {
  it('the ratio: how many times PyTorch\'s time tfjs takes, unknown when either is', () => {
    expect(vsPytorch(3000, 1200)).toBe(2.5);
    expect(vsPytorch(1000, 1500)).toBe(0.67);
    expect(vsPytorch(null, 1200)).toBeNull();
    expect(vsPytorch(1000, null)).toBeNull();
    expect(vsPytorch(1000, 0)).toBeNull();
  });

  const results = [
    caseResult('search 16/16', 3000, { widths: 16 }),
    caseResult('search 16/16', 1500, { widths: 16, backend: 'webgpu' }),
    caseResult('search 32/32', 6000, { widths: 32 }),
    caseResult('train 256/128 batch 40/20', 9000),
  ];

  it('JSON: each size\'s pytorch row after its tfjs rows, which carry vsPytorch', () => {
    const rows = searchRows(report(results, [pytorchResult(16, 1200), pytorchResult(32, 2000)]));
    expect(rows.map((r) => `${r.name} ${r.backend}`)).toEqual(['search 16/16 wasm', 'search 16/16 webgpu', 'search 16/16 pytorch', 'search 32/32 wasm', 'search 32/32 pytorch']);
    expect(rows.map((r) => r.vsPytorch)).toEqual([2.5, 1.25, undefined, 3, undefined]);
  });

  it('JSON: the pytorch row has the fields that apply', () => {
    const row = searchRows(report(results, [pytorchResult(16, 1200)])).find((r) => r.backend === 'pytorch')!;
    expect(row).toMatchObject({
      name: 'search 16/16',
      size: '16/16',
      backend: 'pytorch',
      torch: '1.13.0',
      threads: 2,
      medianMs: 1200,
      minMs: 1100,
      maxMs: 1500,
      q1Ms: 1150.3,
      q3Ms: 1350.3,
      iterations: 3,
      warmup: 1,
      phasesMs: { dArch: 250, dWeights: 330, gArch: 280, gWeights: 380 },
      cpuMs: 2400,
      gflops: 33.33,
      usefulGflop: 40,
      parameters: { generator: 493_523, discriminator: 451_616 },
      samplesMs: [1500, 1200.5, 1100],
      peakRssMB: 300,
    });
    expect(row).not.toHaveProperty('variant');
    expect(row).not.toHaveProperty('vsPytorch');
  });

  it('JSON: a size whose PyTorch run failed gets vsPytorch null; one whose tfjs cases failed still has its pytorch row', () => {
    const failures = [{ name: 'search 32/32', backend: 'pytorch', error: 'python3 has no torch' }];
    const rows = searchRows(report(results.slice(0, 3), [pytorchResult(16, 1200), pytorchResult(64, 9000)], failures));
    expect(rows.map((r) => [r.size, r.backend, r.vsPytorch])).toEqual([
      ['16/16', 'wasm', 2.5],
      ['16/16', 'webgpu', 1.25],
      ['16/16', 'pytorch', undefined],
      ['32/32', 'wasm', null],
      ['64/64', 'pytorch', undefined],
    ]);
  });

  it('JSON: without --pytorch nothing changes', () => {
    const rows = searchRows(report(results));
    expect(rows.map((r) => r.backend)).toEqual(['wasm', 'webgpu', 'wasm']);
    for (const r of rows) expect(r).not.toHaveProperty('vsPytorch');
  });

  it('text: the pytorch rows and an "x PyTorch" column', () => {
    const text = toText(report(results, [pytorchResult(16, 1200)], [{ name: 'search 32/32', backend: 'pytorch', error: 'python3 has no torch: set DSL_BENCH_PYTHON ...' }]));
    const lines = text.split('\n');
    const header = lines.find((l) => l.startsWith('case'))!;
    expect(header).toMatch(/median ms\s+x PyTorch\s+min-max ms/);
    const table = lines.map((l) => l.split(/\s{2,}/));
    const cells = (name: string, backend: string) => table.find((c) => c[0] === name && c[1] === backend)!;
    expect(cells('search 16/16', 'wasm').slice(0, 6)).toEqual(['search 16/16', 'wasm', 'fast', '2', '3000', '2.50']);
    expect(cells('search 16/16', 'pytorch').slice(0, 7)).toEqual(['search 16/16', 'pytorch', 'torch 1.13.0', '2', '1200', '-', '1100-1500']);
    expect(cells('search 32/32', 'wasm')[5]).toBe('-');
    expect(cells('train 256/128 batch 40/20', 'wasm')[5]).toBe('-');
    // The pytorch row right after the tfjs rows of its size.
    expect(table.findIndex((c) => c[1] === 'pytorch')).toBe(table.findIndex((c) => c[0] === 'search 16/16' && c[1] === 'webgpu') + 1);
    expect(text).toContain('x PyTorch: the median / the median of the same iteration');
    expect(text).toContain('FAILED search 32/32 (pytorch): python3 has no torch: set DSL_BENCH_PYTHON ...');
  });

  it('text: without --pytorch, no ratio column', () => {
    const text = toText(report(results));
    expect(text).not.toContain('x PyTorch');
    expect(text).not.toContain('pytorch');
  });
});

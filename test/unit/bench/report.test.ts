import { describe, expect, it } from 'vitest';
import { toJson, toText, vsPytorch } from '../../../src/bench/report.js';
import { authorsResult, caseResult, pytorchResult, report } from './helpers.js';

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

  it('names the cases skipped for memory in the text and the JSON', () => {
    const skipped = [{ name: 'paper 160/80 batch 120', backend: 'wasm', reason: 'one iteration needs about 14.0 GB on wasm, which holds 4 GiB (the largest batch that fits is 26)' }];
    const withSkipped = { ...report(results), skipped };
    expect(toText(withSkipped)).toContain('SKIPPED paper 160/80 batch 120 (wasm): one iteration needs about 14.0 GB on wasm');
    expect((toJson(withSkipped) as { skipped: unknown }).skipped).toEqual(skipped);
    expect(toJson(report(results))).not.toHaveProperty('skipped');
  });

  it('text: without --pytorch, no ratio column', () => {
    const text = toText(report(results));
    expect(text).not.toContain('x PyTorch');
    expect(text).not.toContain('pytorch');
  });
});

describe("tfjs against the authors' code in the bench report", () => {
  const results = [caseResult('search 16/16', 3000, { widths: 16 }), caseResult('search 32/32', 6000, { widths: 32 })];
  const withAuthors = (pytorch: ReturnType<typeof pytorchResult>[] | undefined, authors: ReturnType<typeof authorsResult>[], failures: Parameters<typeof report>[2] = []) => ({
    ...report(results, pytorch, failures),
    pytorchAuthors: authors,
  });

  it("JSON: each size's like-for-like row, then the authors' row; the tfjs rows carry vsPytorch and vsAuthors", () => {
    const rows = searchRows(withAuthors([pytorchResult(16, 1200), pytorchResult(32, 2000)], [authorsResult(16, 2000), authorsResult(32, 4000)]));
    expect(rows.map((r) => [r.size, r.backend, r.variant, r.vsPytorch, r.vsAuthors])).toEqual([
      ['16/16', 'wasm', 'fast', 2.5, 1.5],
      ['16/16', 'pytorch', undefined, undefined, undefined],
      ['16/16', 'pytorch', "authors' code", undefined, undefined],
      ['32/32', 'wasm', 'fast', 3, 1.5],
      ['32/32', 'pytorch', undefined, undefined, undefined],
      ['32/32', 'pytorch', "authors' code", undefined, undefined],
    ]);
  });

  it("JSON: the authors' row says whose code and where it came from, with both parameter counts", () => {
    const row = searchRows(withAuthors(undefined, [authorsResult(16, 2000)])).find((r) => r.backend === 'pytorch')!;
    expect(row).toMatchObject({
      size: '16/16',
      backend: 'pytorch',
      variant: "authors' code",
      code: '/src/AdversarialNAS',
      torch: '1.13.0',
      medianMs: 2000,
      parameters: { generator: 493_523, discriminator: 451_616 },
      architectureParameters: { generator: 123, discriminator: 188 },
    });
  });

  it('JSON: --pytorch-authors alone: vsAuthors only; a size whose run failed gets null', () => {
    const rows = searchRows(withAuthors(undefined, [authorsResult(16, 2000)]));
    expect(rows.map((r) => [r.size, r.backend, r.vsAuthors])).toEqual([
      ['16/16', 'wasm', 1.5],
      ['16/16', 'pytorch', undefined],
      ['32/32', 'wasm', null],
    ]);
    for (const r of rows) expect(r).not.toHaveProperty('vsPytorch');
  });

  it("JSON: a size whose tfjs cases failed still has both its PyTorch rows, in order", () => {
    const rows = searchRows({ ...report(results.slice(0, 1), [pytorchResult(64, 9000)]), pytorchAuthors: [authorsResult(64, 12000)] });
    expect(rows.map((r) => [r.size, r.backend, r.variant])).toEqual([
      ['16/16', 'wasm', 'fast'],
      ['64/64', 'pytorch', undefined],
      ['64/64', 'pytorch', "authors' code"],
    ]);
  });

  it('text: an "x authors" column after "x PyTorch", the authors\' rows named, the footnote, failures', () => {
    const failures = [{ name: 'search 32/32', backend: "pytorch, authors' code", error: 'exited with 5: authors_iteration.py: /x is not a directory: pass --code ...' }];
    const text = toText(withAuthors([pytorchResult(16, 1200)], [authorsResult(16, 2000)], failures));
    const lines = text.split('\n');
    expect(lines.find((l) => l.startsWith('case'))).toMatch(/median ms\s+x PyTorch\s+x authors\s+min-max ms/);
    const table = lines.map((l) => l.split(/\s{2,}/));
    const rowsOf = (name: string, backend: string) => table.filter((c) => c[0] === name && c[1] === backend);
    expect(rowsOf('search 16/16', 'wasm')[0]!.slice(0, 7)).toEqual(['search 16/16', 'wasm', 'fast', '2', '3000', '2.50', '1.50']);
    expect(rowsOf('search 16/16', 'pytorch').map((c) => c.slice(0, 8))).toEqual([
      ['search 16/16', 'pytorch', 'torch 1.13.0', '2', '1200', '-', '-', '1100-1500'],
      ['search 16/16', 'pytorch', "authors' code", '2', '2000', '-', '-', '1100-1500'],
    ]);
    expect(rowsOf('search 32/32', 'wasm')[0]!.slice(5, 7)).toEqual(['-', '-']);
    expect(text).toContain("x authors: the median / that of the authors' code as written");
    expect(text).toContain("FAILED search 32/32 (pytorch, authors' code): exited with 5: authors_iteration.py: /x is not a directory");
  });

  it('text: --pytorch-authors alone has "x authors" and not "x PyTorch"', () => {
    const text = toText(withAuthors(undefined, [authorsResult(16, 2000)]));
    expect(text.split('\n').find((l) => l.startsWith('case'))).toMatch(/median ms\s+x authors\s+min-max ms/);
    expect(text).not.toContain('x PyTorch');
    expect(text).toContain('compare at low load');
  });
});

describe('the paper-size cases in the bench report', () => {
  it("JSON: `paper` holds each batch's tfjs rows, then its PyTorch row, matched by case name and not by widths", () => {
    const paper = (batch: number, ms: number, backend?: string) => caseResult(`paper 160/80 batch ${batch}`, ms, { widths: 160, ...(backend ? { backend } : {}) });
    const reference = (batch: number, ms: number) => {
      const r = pytorchResult(160, ms);
      return { ...r, case: { ...r.case, name: `paper 160/80 batch ${batch}`, batch, generatorBatch: batch } };
    };
    const json = toJson(report([caseResult('search 16/16', 3000, { widths: 16 }), paper(16, 20_000), paper(120, 200_000, 'tensorflow')], [pytorchResult(16, 1500), reference(120, 100_000), reference(16, 10_000)])) as {
      searchIteration: Row[];
      paper: Row[];
    };
    expect(json.searchIteration.map((r) => `${r.name} ${r.backend}`)).toEqual(['search 16/16 wasm', 'search 16/16 pytorch']);
    expect(json.paper.map((r) => `${r.name} ${r.backend} ${r.vsPytorch ?? '-'}`)).toEqual([
      'paper 160/80 batch 16 wasm 2',
      'paper 160/80 batch 16 pytorch -',
      'paper 160/80 batch 120 tensorflow 2',
      'paper 160/80 batch 120 pytorch -',
    ]);
    expect(toText(report([paper(120, 200_000, 'tensorflow')], [reference(120, 100_000)]))).toMatch(/paper 160\/80 batch 120 +tensorflow .* 200000 +2\.00 /);
  });
});

/** The benchmark's output: a plain-text table, or one JSON object (`--json`). */
import type { CaseResult } from './run.js';
import type { StartupMeasurement } from './startup.js';
import { sweepText, type SweepBench } from './sweep.js';
import { FLOP_FORMULA } from '../nas/iterationWork.js';
import { pairLabel } from './options.js';
import { AUTHORS_VARIANT, type PytorchResult } from './pytorch.js';

export interface SkippedCase {
  readonly name: string;
  readonly backend: string;
  readonly reason: string;
}

export interface BenchReport {
  readonly meta: {
    readonly date: string;
    readonly node: string;
    readonly tfjs: string;
    readonly cpus: string;
    readonly cores: number;
    readonly loadAverage: readonly number[];
    readonly memoryGiB: number;
    /** --neighbours: busy processes beside every case. */
    readonly busyNeighbours?: number;
  };
  readonly flopFormula: string;
  readonly results: readonly CaseResult[];
  readonly failures: readonly { readonly name: string; readonly backend: string; readonly error: string }[];
  /** Cases not run: the backend cannot hold them (the memory estimate). */
  readonly skipped?: readonly SkippedCase[];
  readonly startup?: StartupMeasurement;
  readonly sweep?: SweepBench;
  /** With --pytorch: the PyTorch reference of each search size that ran (empty when none did). */
  readonly pytorch?: readonly PytorchResult[];
  /** With --pytorch-authors: the authors' own code timed at each search size that ran. */
  readonly pytorchAuthors?: readonly PytorchResult[];
}

const mb = (bytes: number | undefined) => (bytes === undefined ? undefined : Math.round(bytes / 2 ** 20));
const round = (x: number, digits = 1) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : null);
type LoadAverage = { readonly before: readonly number[]; readonly after: readonly number[] };
const roundedLoad = (l: LoadAverage) => ({ before: l.before.map((x) => round(x, 2)), after: l.after.map((x) => round(x, 2)) });

/** One row per case, backend and variant: the `searchIteration` array of the JSON output and its kin. */
function rows(results: readonly CaseResult[], kind: (r: CaseResult) => boolean) {
  return results.filter(kind).flatMap((r) =>
    r.variants.map((v) => {
      const m = v.measurement;
      const size = r.case.widths ? pairLabel(r.case.widths) : undefined;
      return {
        name: r.case.name,
        ...(size ? { size } : {}),
        backend: r.backend.name,
        variant: v.variant,
        threads: r.backend.threads,
        medianMs: round(m.wallMs.median),
        minMs: round(m.wallMs.min),
        maxMs: round(m.wallMs.max),
        q1Ms: round(m.wallMs.q1),
        q3Ms: round(m.wallMs.q3),
        iterations: m.iterations,
        warmup: m.warmup,
        phasesMs: Object.fromEntries(Object.entries(m.phasesMs).map(([k, x]) => [k, round(x)])),
        cpuMs: round(m.cpuMs.median),
        gflops: round(v.gflops, 2),
        usefulGflop: round(r.flops / 1e9, 2),
        batch: r.batch,
        images: r.images,
        macsPerImage: r.macs,
        parameters: r.parameters,
        ...(m.kernels !== undefined ? { kernels: m.kernels } : {}),
        ...(m.profiledWallMs !== undefined ? { profiledIterationMs: round(m.profiledWallMs) } : {}),
        tensorMB: mb(m.tensorBytes),
        peakRssMB: mb(r.peakRssBytes),
        ...(r.wasmHeapBytes !== undefined ? { wasmHeapMB: mb(r.wasmHeapBytes) } : {}),
        ...(r.wasmHeapTopBytes !== undefined ? { wasmHeapTopMB: mb(r.wasmHeapTopBytes) } : {}),
        baselineRssMB: mb(r.baseline.rssBytes),
        ...(r.baseline.wasmHeapBytes !== undefined ? { baselineWasmHeapMB: mb(r.baseline.wasmHeapBytes) } : {}),
        setupMs: round(r.setupMs, 0),
        loadAverage: roundedLoad(r.loadAverage),
        ...(r.referenceConvGflops !== undefined ? { referenceConvGflops: round(r.referenceConvGflops) } : {}),
        losses: m.samples[m.samples.length - 1]?.losses,
      };
    }),
  );
}

const isSearch = (prefix: string) => (r: CaseResult) => r.case.name.startsWith(prefix);

const time = (ms: number | null) => round(ms ?? Number.NaN);

/**
 * The PyTorch reference of one search size: a `searchIteration` row with the fields that apply to
 * it; the authors' code's has the variant AUTHORS_VARIANT and the directory it came from.
 */
function pytorchRow(p: PytorchResult) {
  const o = p.output;
  return {
    name: p.case.name,
    size: pairLabel(p.case.widths),
    backend: 'pytorch' as const,
    ...(p.case.authors !== undefined ? { variant: AUTHORS_VARIANT, code: p.case.authors } : {}),
    torch: o.torch,
    threads: o.threads,
    medianMs: time(o.medianMs),
    minMs: time(o.minMs),
    maxMs: time(o.maxMs),
    q1Ms: time(o.q1Ms),
    q3Ms: time(o.q3Ms),
    iterations: o.iterations,
    warmup: o.warmup,
    phasesMs: Object.fromEntries(Object.entries(o.phasesMs).map(([k, x]) => [k, time(x)])),
    cpuMs: time(o.cpuMs),
    gflops: round(o.medianMs ? p.flops / (o.medianMs / 1000) / 1e9 : Number.NaN, 2),
    usefulGflop: round(p.flops / 1e9, 2),
    batch: o.batch,
    images: p.images,
    macsPerImage: p.macs,
    parameters: o.parameters,
    ...(o.architectureParameters ? { architectureParameters: o.architectureParameters } : {}),
    samplesMs: o.samplesMs.map((x) => round(x)),
    ...(o.peakRssBytes != null ? { peakRssMB: mb(o.peakRssBytes) } : {}),
    loadAverage: roundedLoad(p.loadAverage),
    losses: o.losses,
  };
}

type TfjsRow = ReturnType<typeof rows>[number] & { readonly vsPytorch?: number | null; readonly vsAuthors?: number | null };
type PytorchRow = ReturnType<typeof pytorchRow>;
const isPytorchRow = (r: TfjsRow | PytorchRow): r is PytorchRow => r.backend === 'pytorch';

/** How many times PyTorch's time tfjs takes (the target: 1.5 at most); null when either is unknown. */
export function vsPytorch(tfjsMs: number | null, pytorchMs: number | null): number | null {
  return tfjsMs !== null && pytorchMs !== null && pytorchMs > 0 ? round(tfjsMs / pytorchMs, 2) : null;
}

/**
 * The search rows (of the cases named `prefix`…) in the order they ran: each case's PyTorch rows
 * (--pytorch, then --pytorch-authors) after its tfjs rows, which get `vsPytorch` and `vsAuthors`
 * (null when that case's run failed), each only when it was asked for. A tfjs case and its
 * PyTorch reference share their name (`search 16/16`, `paper 160/80 batch 120`).
 */
function searchRows(report: BenchReport, prefix = 'search '): (TfjsRow | PytorchRow)[] {
  const tfjs: TfjsRow[] = rows(report.results, isSearch(prefix));
  const byName = (results: readonly PytorchResult[] | undefined) =>
    results === undefined ? undefined : new Map(results.filter((p) => p.case.name.startsWith(prefix)).map((p) => [p.case.name, pytorchRow(p)]));
  const references = byName(report.pytorch);
  const authors = byName(report.pytorchAuthors);
  if (references === undefined && authors === undefined) return tfjs;
  const out: (TfjsRow | PytorchRow)[] = [];
  /** The PyTorch rows of a case, once. */
  const flush = (name: string) =>
    [references, authors].forEach((m) => {
      const row = m?.get(name);
      if (row) out.push(row);
      m?.delete(name);
    });
  tfjs.forEach((r, i) => {
    const ratio = (m: typeof references) => vsPytorch(r.medianMs, m?.get(r.name)?.medianMs ?? null);
    out.push({ ...r, ...(references ? { vsPytorch: ratio(references) } : {}), ...(authors ? { vsAuthors: ratio(authors) } : {}) });
    if (!tfjs.slice(i + 1).some((next) => next.name === r.name)) flush(r.name);
  });
  // Cases whose tfjs runs all failed still show their PyTorch times.
  for (const name of new Set([...(references?.keys() ?? []), ...(authors?.keys() ?? [])])) flush(name);
  return out;
}

export function toJson(report: BenchReport): object {
  return {
    meta: report.meta,
    flopFormula: report.flopFormula,
    searchIteration: searchRows(report),
    training: rows(report.results, isSearch('train ')),
    mnist: rows(report.results, isSearch('mnist ')),
    memory: rows(report.results, isSearch('memory ')),
    paper: searchRows(report, 'paper '),
    ...(report.startup ? { startup: report.startup } : {}),
    ...(report.sweep ? { sweep: report.sweep } : {}),
    failures: report.failures,
    ...(report.skipped ? { skipped: report.skipped } : {}),
  };
}

function table(headers: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

const fmt = (x: number | null | undefined, digits = 0) => (x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));

export function toText(report: BenchReport): string {
  const m = report.meta;
  const out: string[] = [];
  out.push(`AdversarialNAS benchmark, ${m.date}`);
  out.push(`node ${m.node}, tfjs ${m.tfjs}, ${m.cores} x ${m.cpus}, ${m.memoryGiB} GiB; load average at start ${m.loadAverage.map((x) => x.toFixed(2)).join(' ')}`);
  if (m.busyNeighbours) out.push(`every case ran beside ${m.busyNeighbours} busy process${m.busyNeighbours > 1 ? 'es' : ''} (--neighbours)`);
  out.push(`useful GFLOP/s: ${report.flopFormula}`);
  const all: (TfjsRow | PytorchRow)[] = [...searchRows(report), ...rows(report.results, (r) => !isSearch('search ')(r) && !isSearch('paper ')(r)), ...searchRows(report, 'paper ')];
  // Each ratio column only when its reference was asked for.
  const ratio = report.pytorch !== undefined;
  const authorsRatio = report.pytorchAuthors !== undefined;
  if (all.length > 0) {
    out.push('');
    out.push(
      table(
        ['case', 'backend', 'variant', 'thr', 'median ms', ...(ratio ? ['x PyTorch'] : []), ...(authorsRatio ? ['x authors'] : []), 'min-max ms', 'IQR ms', 'dArch', 'dWeights', 'gArch', 'gWeights', 'cpu ms', 'GFLOP', 'GFLOP/s', 'kernels', 'peak RSS MB', 'wasm heap MB', 'load', 'ref conv GF/s'],
        all.map((r) => {
          const pytorch = isPytorchRow(r);
          const iterations = r.iterations > 0;
          return [
            r.name,
            r.backend,
            pytorch ? (r.variant ?? `torch ${r.torch}`) : r.variant,
            r.threads === null ? '-' : String(r.threads),
            fmt(r.medianMs),
            ...(ratio ? [pytorch ? '-' : fmt(r.vsPytorch, 2)] : []),
            ...(authorsRatio ? [pytorch ? '-' : fmt(r.vsAuthors, 2)] : []),
            iterations ? `${fmt(r.minMs)}-${fmt(r.maxMs)}` : pytorch ? '-' : `(1 profiled: ${fmt(r.profiledIterationMs)})`,
            iterations ? `${fmt(r.q1Ms)}-${fmt(r.q3Ms)}` : '-',
            fmt(r.phasesMs.dArch),
            fmt(r.phasesMs.dWeights),
            fmt(r.phasesMs.gArch),
            fmt(r.phasesMs.gWeights),
            fmt(r.cpuMs),
            fmt(r.usefulGflop, 1),
            fmt(r.gflops, 1),
            pytorch || r.kernels === undefined ? '-' : String(r.kernels),
            fmt(r.peakRssMB),
            pytorch ? '-' : fmt(r.wasmHeapMB),
            `${r.loadAverage.before[0] ?? '-'}`,
            pytorch ? '-' : fmt(r.referenceConvGflops),
          ];
        }),
      ),
    );
    out.push('');
    out.push('median/min-max/IQR: wall time of one iteration (n_critic 1: D architecture, D weight, G architecture, G weight steps); phases: medians of');
    out.push('AdversarialGame.times; cpu ms: process CPU time (all threads); kernels: one extra profiled iteration; peak RSS: the case\'s process');
    out.push('(all its variants); wasm heap: size of the linear memory, its high-water mark (4 GiB at most); load: 1-minute load average when');
    out.push('the case started; ref conv: GFLOP/s of a conv 3x3 [16,32,32,64]->64 forward just before (79 with 2 threads on a quiet');
    out.push('machine): other processes slow everything down.');
    if (ratio) {
      out.push('x PyTorch: the median / the median of the same iteration of the same networks (parameter counts checked) in eager');
      out.push('PyTorch on the same machine (scripts/pytorch-reference/search_iteration.py, the rows torch x.y); the target is 1.5 at most.');
    }
    if (authorsRatio) out.push("x authors: the median / that of the authors' code as written (chengaopro/AdversarialNAS: same weights, every backward pass over all), the rows authors' code.");
    if (ratio || authorsRatio) out.push('Other processes on the cores slow PyTorch (OpenMP threads waiting on each other) far more than tfjs: compare at low load.');
  }
  for (const f of report.skipped ?? []) out.push(`SKIPPED ${f.name} (${f.backend}): ${f.reason}`);
  for (const f of report.failures) out.push(`FAILED ${f.name} (${f.backend}): ${f.error}`);
  if (report.startup) {
    const s = report.startup;
    out.push('');
    out.push(`spec validation in-process (resolveSpec ${s.validateInProcessMs.spec}, warm): median ${fmt(s.validateInProcessMs.median, 1)} ms [${fmt(s.validateInProcessMs.min, 1)}-${fmt(s.validateInProcessMs.max, 1)}] over ${s.validateInProcessMs.n} runs`);
    if (s.cliColdStartMs) out.push(`CLI cold start (${s.cliColdStartMs.command}): median ${fmt(s.cliColdStartMs.median)} ms [${fmt(s.cliColdStartMs.min)}-${fmt(s.cliColdStartMs.max)}] over ${s.cliColdStartMs.n} runs`);
    if (s.cliError) out.push(`CLI cold start: not measured (${s.cliError})`);
  }
  if (report.sweep) out.push(...sweepText(report.sweep));
  return `${out.join('\n')}\n`;
}

export { FLOP_FORMULA };

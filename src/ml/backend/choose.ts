/**
 * `auto` among the CPU backends: the route measured fastest for the spec's search iteration.
 * Times between measured sizes are interpolated on log(time) against log(work), close to straight
 * for each route between the rows. Above the table the last segment's slope carries on (there the
 * convolutions dominate and scale with the work); below it every route scales in proportion to
 * the work, so the ranking is the smallest row's: per-op costs dominate there, and a slope
 * measured between larger sizes says nothing about them. A route with no figure at a size (wasm's
 * heap cannot hold the paper's batch) scales beyond its last figure as a route measured there does.
 * Pure: the caller says what is installed.
 */
import { MEASURED_SEARCH, ROUTE_LABELS, type CpuRoute, type MeasuredIteration } from './measured.js';

/** How much work the spec's iterations are, for the choice (from src/nas/iterationWork.ts). */
export interface Workload {
  /** Useful GFLOP of one search iteration. */
  readonly gflop: number;
}

export interface RouteEstimate {
  readonly route: CpuRoute;
  readonly ms: number;
}

/** Estimated milliseconds per iteration of this much work on a route, from the measured rows. */
export function estimateMs(route: CpuRoute, gflop: number, measured: readonly MeasuredIteration[] = MEASURED_SEARCH): number {
  const own = rowsOf(route, measured);
  const last = own[own.length - 1];
  if (!last) throw new RangeError(`no measured iterations on ${route}`);
  // Above a route's last figure (wasm stops at its 4 GiB), it scales as a route measured beyond it does.
  if (gflop > last.gflop) {
    const other = ROUTES.find((r) => r !== route && rowsOf(r, measured).some((m) => m.gflop > last.gflop));
    if (other !== undefined) return (last.ms * along(rowsOf(other, measured), gflop)) / along(rowsOf(other, measured), last.gflop);
  }
  return along(own, gflop);
}

const ROUTES: readonly CpuRoute[] = ['tensorflow', 'wasm+onednn', 'wasm'];

const rowsOf = (route: CpuRoute, measured: readonly MeasuredIteration[]) =>
  measured.flatMap((m) => (m.ms[route] === undefined ? [] : [{ gflop: m.gflop, ms: m.ms[route]! }]));

/** One route's time at `gflop`, from its rows (ordered by work, at least one). */
function along(table: readonly { readonly gflop: number; readonly ms: number }[], gflop: number): number {
  const first = table[0]!;
  if (table.length === 1 || !(gflop > 0)) return first.ms;
  if (gflop < first.gflop) return (first.ms * gflop) / first.gflop;
  const x = Math.log(gflop);
  let k = 0;
  while (k < table.length - 2 && x > Math.log(table[k + 1]!.gflop)) k++;
  const a = table[k]!;
  const b = table[k + 1]!;
  const slope = (Math.log(b.ms) - Math.log(a.ms)) / (Math.log(b.gflop) - Math.log(a.gflop));
  return Math.exp(Math.log(a.ms) + slope * (x - Math.log(a.gflop)));
}

/** The available routes, fastest first for this workload. */
export function rankRoutes(available: readonly CpuRoute[], workload: Workload, table: readonly MeasuredIteration[] = MEASURED_SEARCH): RouteEstimate[] {
  return available.map((route) => ({ route, ms: estimateMs(route, workload.gflop, table) })).sort((p, q) => p.ms - q.ms);
}

const seconds = (ms: number) => (ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`);

/**
 * The clause of auto's first line that says why it took `chosen`, e.g. `auto: measured fastest
 * for this spec's search iteration (62 GFLOP): about 1.2 s against tensorflow's 1.6 s`. Routes in
 * `tooSmall` were passed over for memory (their reasons are in the skipped list).
 */
export function choiceReason(chosen: CpuRoute, ranked: readonly RouteEstimate[], workload: Workload, tooSmall: ReadonlySet<CpuRoute> = new Set()): string {
  const mine = ranked.find((r) => r.route === chosen);
  const others = ranked.filter((r) => r.route !== chosen);
  const work = `this spec's search iteration (${Math.round(workload.gflop)} GFLOP)`;
  if (!mine) return `auto: the first CPU route that started for ${work}`;
  const against = others.map((r) => `${seconds(r.ms)} on ${ROUTE_LABELS[r.route]}${tooSmall.has(r.route) ? ', which cannot hold it' : ''}`).join(', ');
  if (others.length === 0) return `auto: the only CPU route here; about ${seconds(mine.ms)} per ${work}`;
  const faster = ranked.slice(0, ranked.indexOf(mine));
  const how = faster.length === 0 ? 'measured fastest for' : faster.every((r) => tooSmall.has(r.route)) ? 'the fastest that can hold' : 'the fastest that started for';
  return `auto: ${how} ${work}: about ${seconds(mine.ms)}, against ${against}`;
}

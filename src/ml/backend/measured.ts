/**
 * Measured search-iteration times behind `auto`'s choice among the CPU backends
 * (README section "Which backend for which size"). One quiet 2-core machine (AMD EPYC, AVX-512), tfjs 4.22,
 * TensorFlow 2.21, oneDNN 2.6; batch 16 (D split 8/8, G 16), n_critic 1, each route as `auto`
 * starts it (wasm with oneDNN on one wasm thread, see select.ts): `npm run bench -- --only search
 * --backends wasm,tensorflow` and `--only paper --paper-batches 16`, and with DSL_ONEDNN=0 for wasm.
 * The work of an iteration is its useful FLOP (src/nas/iterationWork.ts), so a spec of any size is
 * placed between the rows.
 */

/** A CPU route `auto` can take: wasm with XNNPACK's or oneDNN's convolutions, or native TensorFlow. */
export type CpuRoute = 'wasm' | 'wasm+onednn' | 'tensorflow';

export interface MeasuredIteration {
  /** Super-network widths G/D. */
  readonly widths: string;
  /** Useful GFLOP of the iteration. */
  readonly gflop: number;
  /** Median milliseconds per iteration on each route; absent where the route cannot run it (wasm's 4 GiB). */
  readonly ms: Readonly<Partial<Record<CpuRoute, number>>>;
}

/** Ordered by work. */
export const MEASURED_SEARCH: readonly MeasuredIteration[] = [
  { widths: '16/16', gflop: 61.5, ms: { wasm: 1743, 'wasm+onednn': 882, tensorflow: 1453 } },
  { widths: '32/32', gflop: 237, ms: { wasm: 4618, 'wasm+onednn': 1465, tensorflow: 3040 } },
  { widths: '160/80', gflop: 3488, ms: { wasm: 46172, 'wasm+onednn': 12150, tensorflow: 12412 } },
  // The paper's batch 120 (`--only paper`): wasm's heap cannot hold it.
  { widths: '160/80 batch 120', gflop: 26160, ms: { tensorflow: 71608 } },
];

export const ROUTE_LABELS: Readonly<Record<CpuRoute, string>> = {
  wasm: 'wasm',
  'wasm+onednn': 'wasm with oneDNN convolutions',
  tensorflow: 'tensorflow',
};

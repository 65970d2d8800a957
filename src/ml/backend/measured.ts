/**
 * Measured search-iteration times behind `auto`'s order on the CPU
 * (README section "Native TensorFlow: dsl setup tensorflow"): `npm run bench -- --only search --backends wasm,tensorflow --sizes 16/16,32/32`,
 * batch 16, 2 cores (AVX-512) under a load average of about 4, tfjs 4.22, TF 2.21.
 */
export interface MeasuredIteration {
  readonly widths: string;
  readonly wasmMs: number;
  readonly tensorflowMs: number;
}

export const MEASURED_SEARCH: readonly MeasuredIteration[] = [
  { widths: '16/16', wasmMs: 2640, tensorflowMs: 2010 },
  { widths: '32/32', wasmMs: 10476, tensorflowMs: 4613 },
];

/** Why auto takes tensorflow over wasm, from the figures: e.g. `2.3x wasm's speed at 32/32`. */
export function tensorflowOverWasm(): string {
  const ratios = MEASURED_SEARCH.map((m) => `${(m.wasmMs / m.tensorflowMs).toFixed(1)}x at ${m.widths}`);
  return `measured faster than wasm per search iteration: ${ratios.join(', ')}`;
}

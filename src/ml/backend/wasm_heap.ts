/**
 * A clear error instead of a hang when the wasm heap is full.
 *
 * tfjs-backend-wasm allocates every tensor with the module's malloc and does not check the
 * result: once the 4 GiB linear memory (wasm32) is exhausted, malloc returns 0 and the backend
 * goes on writing at address 0, corrupting the heap (measured: a 160/80 search iteration at
 * batch 16 spun for over 15 minutes instead of failing). The guard wraps the module's malloc
 * so that a failed allocation throws.
 */
export class WasmHeapExhaustedError extends Error {
  override readonly name = 'WasmHeapExhaustedError';

  constructor(
    readonly requestedBytes: number,
    readonly heapBytes: number,
  ) {
    super(
      `the wasm backend's memory is full: ${Math.round(requestedBytes / 2 ** 20)} MiB more were requested with ` +
        `${Math.round(heapBytes / 2 ** 20)} MiB in use (wasm is limited to 4 GiB). Use a smaller batch or narrower networks, ` +
        'or a native backend.',
    );
  }
}

interface EmscriptenModule {
  _malloc?: (size: number) => number;
  asm?: { malloc?: (size: number) => number };
  HEAPU8?: Uint8Array;
}

const GUARDED = Symbol('dsl.wasmHeapGuard');

/** Wraps the malloc of a BackendWasm's module (idempotent). */
export function guardWasmHeap(backend: unknown): void {
  const module = (backend as { wasm?: EmscriptenModule & { [GUARDED]?: true } } | null)?.wasm;
  if (!module || module[GUARDED]) return;
  // The module's own _malloc is a stub that replaces itself with asm.malloc on first call;
  // wrapping the stub would be undone by that, so the raw export is wrapped when available.
  const raw = module.asm?.malloc ?? module._malloc;
  if (!raw) return;
  module._malloc = (size: number) => {
    const pointer = raw(size);
    if (pointer === 0 && size > 0) throw new WasmHeapExhaustedError(size, module.HEAPU8?.buffer.byteLength ?? 0);
    return pointer;
  };
  module[GUARDED] = true;
}

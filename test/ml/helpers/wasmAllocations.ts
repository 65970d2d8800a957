import { tf } from '../../../src/ml/tf.js';

/** The parts of tfjs-backend-wasm's emscripten module that tensor memory goes through. */
interface HeapModule {
  _malloc: (bytes: number) => number;
  _free: (pointer: number) => void;
  asm?: { free?: (pointer: number) => void };
}

/**
 * Counts the bytes of tensor data live on the wasm heap: every tensor's buffer is allocated with
 * the module's malloc and released with its free (backend_wasm.js), so wrapping both gives the
 * exact memory of live tensors (buffers shared by views counted once). Allocations made inside
 * the C++ kernels are not seen. Call on the wasm backend; `restore` undoes the wrapping.
 */
export function trackWasmAllocations(): { live: () => number; high: () => number; resetHigh: () => void; restore: () => void } {
  const module = (tf.backend() as unknown as { wasm: HeapModule }).wasm;
  const malloc = module._malloc;
  // The module's own _free is a stub that replaces itself with the raw export on first call,
  // which would undo a plain assignment: the raw export is wrapped, and the property pinned.
  const free = module.asm?.free ?? module._free;
  const sizes = new Map<number, number>();
  let live = 0;
  let high = 0;
  module._malloc = (bytes) => {
    const pointer = malloc(bytes);
    sizes.set(pointer >>> 0, bytes);
    live += bytes;
    high = Math.max(high, live);
    return pointer;
  };
  const tracked = (pointer: number) => {
    const bytes = sizes.get(pointer >>> 0);
    if (bytes !== undefined) {
      live -= bytes;
      sizes.delete(pointer >>> 0);
    }
    free(pointer);
  };
  Object.defineProperty(module, '_free', { get: () => tracked, set: () => {}, configurable: true });
  return {
    live: () => live,
    high: () => high,
    resetHigh: () => {
      high = live;
    },
    restore: () => {
      module._malloc = malloc;
      Object.defineProperty(module, '_free', { value: free, writable: true, configurable: true });
    },
  };
}

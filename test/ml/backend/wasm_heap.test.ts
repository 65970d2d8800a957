import { describe, expect, it } from 'vitest';
import { guardWasmHeap, WasmHeapExhaustedError } from '../../../src/ml/backend/wasm_heap.js';

/** The guard on a stand-in for an emscripten module (the real heap would take 4 GiB to fill). */
describe('wasm heap guard', () => {
  const fakeBackend = () => {
    let next = 8;
    const malloc = (size: number) => (size > 1000 ? 0 : (next += size));
    // Like emscripten's: a stub that replaces itself with the raw export on first use.
    const module: { asm: { malloc: (n: number) => number }; _malloc: (n: number) => number; HEAPU8: Uint8Array } = {
      asm: { malloc },
      _malloc: (n) => (module._malloc = malloc)(n),
      HEAPU8: new Uint8Array(64),
    };
    return { wasm: module };
  };

  it('turns a failed allocation into an error and leaves successful ones alone', () => {
    const backend = fakeBackend();
    guardWasmHeap(backend);
    expect(backend.wasm._malloc(10)).toBeGreaterThan(0);
    expect(backend.wasm._malloc(10)).toBeGreaterThan(0); // the guard survives the stub's first call
    expect(() => backend.wasm._malloc(5000)).toThrow(WasmHeapExhaustedError);
    expect(() => backend.wasm._malloc(5000)).toThrow(/memory is full.*4 GiB/);
  });

  it('wraps once', () => {
    const backend = fakeBackend();
    guardWasmHeap(backend);
    const guarded = backend.wasm._malloc;
    guardWasmHeap(backend);
    expect(backend.wasm._malloc).toBe(guarded);
  });
});

/**
 * Starts the wasm backend on all cores: the shipped threaded-SIMD build when more than one
 * thread is wanted, otherwise (or when threading fails) tfjs-backend-wasm's own single-threaded
 * SIMD build. The outcome is memoised: a wasm module is instantiated once per process.
 */
import * as tfwasm from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf.js';
import { firstLine, threadCount } from './text.js';
import { guardWasmHeap } from './wasm_heap.js';
import { loadThreadedWasm } from './wasm_threaded.js';

export interface WasmSetup {
  /** Threads the module actually runs (its get_threads_count). */
  readonly threads: number;
  readonly simd: boolean;
  readonly threaded: boolean;
  /** Why fewer threads run than were requested (e.g. the threaded build failed to start), if so. */
  readonly degraded: string | null;
}

const WASM_PRIORITY = 2; // the priority tfjs-backend-wasm registers itself with

let setup: Promise<WasmSetup> | null = null;
let threadsAtStart = 0;

/** Makes 'wasm' the active backend; the first call decides the thread count for the process. */
export async function activateWasm(threads: number): Promise<WasmSetup> {
  if (setup === null) {
    const starting = initialise(threads);
    setup = starting;
    threadsAtStart = threads;
    starting.catch(() => {
      if (setup === starting) setup = null; // a failed start may be retried
    });
  }
  const result = await setup;
  if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") failed after initialisation');
  guardWasmHeap(tf.backend());
  if (threads !== threadsAtStart && result.threads !== threads && result.degraded === null) {
    // The module and its thread pool exist once per process.
    return { ...result, degraded: `${threadCount(threads)} requested, but wasm already runs ${result.threads} in this process` };
  }
  return result;
}

async function initialise(threads: number): Promise<WasmSetup> {
  let degraded: string | null = null;
  if (threads > 1) {
    const shippedFactory = tf.findBackendFactory('wasm');
    try {
      return await startThreaded(threads);
    } catch (error) {
      degraded = `threads unavailable (${firstLine(error)})`;
      tf.removeBackend('wasm');
      if (shippedFactory) tf.registerBackend('wasm', shippedFactory, WASM_PRIORITY);
    }
  }
  tfwasm.setThreadsCount(1);
  if (!(await tf.setBackend('wasm'))) {
    throw new Error('tfjs-backend-wasm could not instantiate its .wasm module');
  }
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  return { threads: tfwasm.getThreadsCount(), simd, threaded: false, degraded };
}

async function startThreaded(threads: number): Promise<WasmSetup> {
  tfwasm.setThreadsCount(threads);
  const backend = await loadThreadedWasm(threads, (module) => {
    // BackendWasm's constructor calls init_with_threads_count (the count set above), which
    // sizes the pthread pool: it must run while os.cpus() is widened.
    return new tfwasm.BackendWasm(module as unknown as ConstructorParameters<typeof tfwasm.BackendWasm>[0]);
  });
  // Kernels are registered by backend name, so replacing the factory keeps every wasm kernel.
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', () => backend, WASM_PRIORITY);
  if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") refused the threaded module');
  const actual = tfwasm.getThreadsCount();
  const degraded = actual < threads ? `${threadCount(threads)} requested, the wasm build runs at most ${actual}` : null;
  return { threads: actual, simd: true, threaded: true, degraded };
}

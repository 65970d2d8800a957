/**
 * Loads the threaded-SIMD build that @tensorflow/tfjs-backend-wasm ships, from file paths.
 *
 * Why this exists: under Node, tfjs-backend-wasm 4.22.0 hard-codes
 * WASM_HAS_MULTITHREAD_SUPPORT=false, and forcing the flag fails because the pthread worker is
 * handed to worker_threads as a `blob:` URL (ERR_WORKER_PATH). Instantiating the shipped
 * emscripten factory ourselves with a real worker file works and scales to all cores
 * (measured: shared/TFJS.md, probes/tfjs/scripts/common.js).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The parts of the emscripten module that tfjs-backend-wasm's BackendWasm uses. */
export interface ThreadedWasmModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => number;
  tfjs?: Record<string, (...args: number[]) => number | void>;
  PThread?: EmscriptenPThread;
}

interface NodeWorkerLike {
  unref(): void;
}

interface EmscriptenPThread {
  unusedWorkers: NodeWorkerLike[];
  runningWorkers: NodeWorkerLike[];
  allocateUnusedWorker(): void;
}

type ModuleFactory = (config: {
  locateFile(file: string): string;
  mainScriptUrlOrBlob: string;
}) => Promise<ThreadedWasmModule>;

const THREADED_JS = 'tfjs-backend-wasm-threaded-simd.js';
const THREADED_WORKER_JS = 'tfjs-backend-wasm-threaded-simd.worker.js';

function wasmOutDir(): string {
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
}

/**
 * Writes the pthread worker script under os.tmpdir(), named by a hash of its contents, so that
 * the source tree stays untouched and concurrent processes share one file (write + rename).
 */
export function writePthreadWorker(dir = os.tmpdir()): string {
  const { wasmWorkerContents } = require(path.join(wasmOutDir(), THREADED_WORKER_JS)) as {
    wasmWorkerContents: string;
  };
  // The contents come from a template literal that turned the escaped "\n" inside the script's
  // string literals into real newlines; restore the escapes (tfjs does the same for its blob).
  const contents = wasmWorkerContents.replace(/\n/g, '\\n');
  const hash = createHash('sha256').update(contents).digest('hex').slice(0, 16);
  // .cjs: the worker uses require(), and a "type": "module" package.json above the file
  // would otherwise make a .js file ESM.
  const file = path.join(dir, `tfjs-wasm-pthread-worker-${hash}.cjs`);
  if (!fs.existsSync(file) || fs.statSync(file).size !== Buffer.byteLength(contents)) {
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, contents);
    fs.renameSync(temporary, file);
  }
  return file;
}

/**
 * Runs `body` while os.cpus() reports at least `minCores` entries.
 *
 * The C++ side of the wasm backend caps its thread pool at emscripten_num_logical_cores() / 2
 * (it assumes SMT), which in Node is os.cpus().length / 2: 1 thread on a 2-vCPU machine.
 */
async function withReportedCores<T>(minCores: number, body: () => Promise<T>): Promise<T> {
  const mutableOs = require('node:os') as { cpus: typeof os.cpus };
  const original = mutableOs.cpus;
  const real = original();
  const first = real[0];
  if (real.length >= minCores || first === undefined) return body();
  mutableOs.cpus = () => Array.from({ length: minCores }, () => first);
  try {
    return await body();
  } finally {
    mutableOs.cpus = original;
  }
}

/**
 * Emscripten keeps its pthread workers referenced, which keeps Node alive after the program's
 * work is done. Unreference the pool (and workers allocated later) so the process can exit;
 * all tfjs kernel calls are synchronous, so nothing waits on the event loop for them.
 */
function unrefWorkers(pthread: EmscriptenPThread | undefined): void {
  if (pthread === undefined) return;
  for (const worker of [...pthread.unusedWorkers, ...pthread.runningWorkers]) worker.unref();
  const allocate = pthread.allocateUnusedWorker.bind(pthread);
  pthread.allocateUnusedWorker = () => {
    allocate();
    pthread.unusedWorkers[pthread.unusedWorkers.length - 1]?.unref();
  };
}

/**
 * Instantiates the threaded-SIMD module and hands it to `construct` (which must create the
 * BackendWasm, whose constructor sizes the thread pool) while os.cpus() is widened.
 */
export async function loadThreadedWasm<T>(
  threads: number,
  construct: (module: ThreadedWasmModule) => T | Promise<T>,
): Promise<T> {
  const dir = wasmOutDir();
  const workerFile = writePthreadWorker();
  const factory = require(path.join(dir, THREADED_JS)) as ModuleFactory;
  return withReportedCores(2 * threads, async () => {
    const module = await factory({
      locateFile: (file) => (file.endsWith('.worker.js') ? workerFile : path.join(dir, file)),
      mainScriptUrlOrBlob: path.join(dir, THREADED_JS),
    });
    module.tfjs = {
      init: module.cwrap('init', null, []),
      initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
      getThreadsCount: module.cwrap('get_threads_count', 'number', []),
      registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
      disposeData: module.cwrap('dispose_data', null, ['number']),
      dispose: module.cwrap('dispose', null, []),
    };
    const result = await construct(module);
    unrefWorkers(module.PThread);
    return result;
  });
}

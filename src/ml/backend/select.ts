/**
 * Chooses, starts and patches the tfjs backend. Never prints: the returned BackendInfo carries
 * a one-line summary for the CLI.
 */
import os from 'node:os';
import { tf } from '../tf.js';
import { firstLine, threadCount } from './text.js';
import { registerTrainingKernels } from './kernels/register.js';
import { onednnActive, registerOnednnKernels } from './kernels/onednn.js';
import { loadOnednnAddon } from './native/onednn_addon.js';
import { registerTensorflowPaddingKernels } from './kernels/tensorflow_padding.js';
import { choiceReason, rankRoutes, type RouteEstimate, type Workload } from './choose.js';
import type { CpuRoute } from './measured.js';
import { activateNative, nativeInstalled, type NativeBackendName } from './native.js';
import {
  AUTO_GPU_ORDER,
  BackendUnavailableError,
  type BackendInfo,
  type BackendName,
  type BackendRequest,
  type SelectBackendOptions,
  type SkippedBackend,
} from './types.js';
import { activateWasm } from './wasm.js';
import { activateWebgpu, releaseWebgpu, softwareAllowedByEnv } from './webgpu.js';

interface Started {
  readonly threads: number | null;
  readonly simd: boolean | null;
  readonly degraded: string | null;
  /** What the summary says about the device, where there is one (webgpu's adapter). */
  readonly device?: string;
  readonly convolutions?: string;
  readonly hint?: string;
}

type Attempt = { readonly ok: true; readonly started: Started } | { readonly ok: false; readonly reason: string; readonly hint: string };

/**
 * Makes the requested backend active and registers the kernels training needs on it. 'auto'
 * tries the GPU backends (tensorflow-gpu, then webgpu on a hardware adapter), then the CPU
 * routes installed here in the order measured fastest for `options.workload` (src/ml/backend/
 * measured.ts), then cpu.
 * @throws BackendUnavailableError when an explicitly requested backend cannot be used.
 */
export async function selectBackend(request: BackendRequest, options: SelectBackendOptions = {}): Promise<BackendInfo> {
  const threads = resolveThreads(options.threads);
  // 'auto' never takes a software WebGPU adapter: on a CPU, wasm is 10-20x faster.
  const webgpu = request === 'webgpu' ? { allowSoftware: options.webgpuSoftware ?? softwareAllowedByEnv() } : { allowSoftware: false, hardwareOnly: true };
  if (request !== 'auto') {
    const attempt = await start(request, threads, webgpu);
    if (!attempt.ok) throw new BackendUnavailableError(request, attempt.reason, attempt.hint);
    return describe(request, request, attempt.started, [], null);
  }
  const skipped: SkippedBackend[] = [];
  const unfit = options.unfit ?? {};
  const tryStart = async (name: BackendName): Promise<Started | null> => {
    const reason = unfit[name];
    if (reason !== undefined) {
      skipped.push({ name, reason });
      return null;
    }
    const attempt = await start(name, threads, webgpu);
    if (attempt.ok) return attempt.started;
    skipped.push({ name, reason: attempt.reason });
    return null;
  };
  for (const name of AUTO_GPU_ORDER) {
    const started = await tryStart(name);
    if (started) return describe(name, request, started, skipped, null);
  }
  const ranked = cpuRoutes(options.workload);
  // Said, as a GPU backend's absence is: the route a user may want to install.
  if (!ranked.routes.some((r) => r.route === 'tensorflow')) skipped.push({ name: 'tensorflow', reason: 'not installed' });
  // Routes passed over because the spec does not fit them (their reasons are in `skipped`).
  const tooSmall = new Set(ranked.routes.map((r) => r.route).filter((r) => unfit[backendOf(r)] !== undefined));
  for (const { route } of ranked.routes) {
    const name = backendOf(route);
    const started = await tryStart(name);
    if (started) return describe(name, request, started, skipped, choiceReason(startedRoute(name, started), ranked.routes, ranked.workload, tooSmall));
  }
  // Where no CPU route holds the spec, the fastest is still taken over cpu (days at such sizes):
  // the stage's own check then stops before the first step and says what would fit.
  const fastest = ranked.routes.map((r) => backendOf(r.route)).find((name) => unfit[name] !== undefined);
  if (fastest) {
    const attempt = await start(fastest, threads, webgpu);
    if (attempt.ok) return describe(fastest, request, attempt.started, skipped.filter((s) => s.name !== fastest), `auto: no CPU route holds this spec (${unfit[fastest]})`);
  }
  const started = await tryStart('cpu');
  if (started) return describe('cpu', request, started, skipped, null);
  // cpu is always registered by @tensorflow/tfjs; reaching here means it failed too.
  const reasons = skipped.map((s) => `${s.name}: ${s.reason}`).join(', ');
  throw new BackendUnavailableError('cpu', `no backend could start (${reasons})`, 'Reinstall @tensorflow/tfjs.');
}

/**
 * Without a spec (e.g. `dsl backends`), the routes are ranked at the smallest measured size.
 * tensorflow counts as a route where its package resolves; whether it starts is known only by
 * starting it, and one that fails gives way to the next.
 */
function cpuRoutes(workload: Workload | undefined): { routes: RouteEstimate[]; workload: Workload } {
  const w = workload ?? { gflop: 61.5 };
  const available: CpuRoute[] = [loadOnednnAddon().ok ? 'wasm+onednn' : 'wasm'];
  if (nativeInstalled('tensorflow')) available.push('tensorflow');
  return { routes: rankRoutes(available, w), workload: w };
}

/** The backend a CPU route runs on. */
const backendOf = (route: CpuRoute): BackendName => (route === 'tensorflow' ? 'tensorflow' : 'wasm');

/** The route a started backend runs: wasm's convolutions are oneDNN's only where they registered. */
const startedRoute = (name: BackendName, started: Started): CpuRoute =>
  name === 'tensorflow' ? 'tensorflow' : started.convolutions?.startsWith('oneDNN') ? 'wasm+onednn' : 'wasm';

/** A thread count, or 'auto': the wasm backend decides (startWasm). */
function resolveThreads(threads: SelectBackendOptions['threads']): number | 'auto' {
  if (threads === undefined || threads === 'auto') return 'auto';
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`threads must be a positive integer or 'auto', got ${threads}`);
  }
  return threads;
}

/**
 * Frees what the active backend holds outside the JavaScript heap: the WebGPU device, whose
 * Dawn objects otherwise keep Node running after a command ends. Call when a command ends.
 * Safe to call more than once, and when no backend (or another one) was started.
 */
export async function releaseBackend(): Promise<void> {
  await releaseWebgpu();
}

async function start(name: BackendName, threads: number | 'auto', webgpu: Parameters<typeof activateWebgpu>[0]): Promise<Attempt> {
  switch (name) {
    case 'tensorflow-gpu':
    case 'tensorflow':
      return startNative(name);
    case 'webgpu':
      return startWebgpu(webgpu);
    case 'wasm':
      return startWasm(threads);
    case 'cpu':
      return startCpu();
  }
}

async function startNative(name: NativeBackendName): Promise<Attempt> {
  const outcome = await activateNative(name);
  if (!outcome.ok) return outcome;
  // Native TensorFlow has every gradient kernel but throws for explicit pads in the convolution
  // gradients; it manages its own threads.
  registerTensorflowPaddingKernels();
  return { ok: true, started: { threads: null, simd: null, degraded: null } };
}

async function startWebgpu(options: Parameters<typeof activateWebgpu>[0]): Promise<Attempt> {
  const outcome = await activateWebgpu(options);
  if (!outcome.ok) return outcome;
  // Every kernel training needs exists on webgpu as shipped (test/ml/ops check them all).
  const { adapter } = outcome;
  const software = adapter.software === null ? '' : `; software adapter, for tests: slow${outcome.niced ? ', main thread niced' : ''}`;
  return { ok: true, started: { threads: null, simd: null, degraded: null, device: `${adapter.label}${software}` } };
}

/**
 * With the oneDNN convolutions, 'auto' gives the wasm pool one thread: oneDNN's OpenMP threads
 * take every core for the convolutions, and what is left to wasm is thousands of small ops whose
 * hand-off to a second wasm thread costs more than it saves, and stalls when another process has
 * the core. Measured on 2 cores (bench, quiet): 16/16 1235 ms with one wasm thread against 1335
 * with two, 32/32 1614 against 1926, 160/80 at batch 16 12.1 s against 13.6 s.
 */
const wasmThreads = (threads: number | 'auto'): number => (threads !== 'auto' ? threads : loadOnednnAddon().ok ? 1 : os.availableParallelism());

async function startWasm(requested: number | 'auto'): Promise<Attempt> {
  try {
    const threads = wasmThreads(requested);
    const setup = await activateWasm(threads);
    registerTrainingKernels('wasm');
    return { ok: true, started: { threads: setup.threads, simd: setup.simd, degraded: setup.degraded, ...wasmConvolutions() } };
  } catch (error) {
    return {
      ok: false,
      reason: `failed to start (${firstLine(error)})`,
      hint: 'Reinstall @tensorflow/tfjs-backend-wasm (its .wasm files ship inside the package), or request \'cpu\'.',
    };
  }
}

/** The oneDNN convolutions in front of the wasm ones when the addon loads; why not otherwise. */
function wasmConvolutions(): { convolutions: string; hint?: string } {
  const addon = loadOnednnAddon();
  if (!addon.ok) return { convolutions: `wasm (${addon.reason})`, ...(addon.hint === null ? {} : { hint: addon.hint }) };
  registerOnednnKernels(addon.addon);
  return onednnActive() ? { convolutions: `oneDNN ${addon.addon.version()}` } : { convolutions: 'wasm' };
}

async function startCpu(): Promise<Attempt> {
  if (!(await tf.setBackend('cpu'))) {
    return { ok: false, reason: 'failed to start', hint: 'Reinstall @tensorflow/tfjs.' };
  }
  registerTrainingKernels('cpu');
  return { ok: true, started: { threads: 1, simd: false, degraded: null } };
}

/** `why`: auto's reason for a CPU route, from the measured figures (it heads the run's output). */
function describe(name: BackendName, requested: BackendRequest, started: Started, skipped: SkippedBackend[], why: string | null): BackendInfo {
  const details = detailText(name, started) + (why === null ? '' : `; ${why}`);
  const skippedText = skipped.length > 0 ? `; skipped ${skipped.map((s) => `${s.name}: ${s.reason}`).join(', ')}` : '';
  return {
    name,
    requested,
    threads: started.threads,
    simd: started.simd,
    skipped,
    degraded: started.degraded,
    ...(started.convolutions === undefined ? {} : { convolutions: started.convolutions }),
    ...(started.hint === undefined ? {} : { hint: started.hint }),
    summary: `backend ${name} (${details})${skippedText}`,
  };
}

function detailText(name: BackendName, started: Started): string {
  const threadText = started.threads === null ? '' : `, ${threadCount(started.threads)}`;
  const degradedText = started.degraded === null ? '' : `; ${started.degraded}`;
  switch (name) {
    case 'tensorflow-gpu':
      return 'native TensorFlow with CUDA';
    case 'tensorflow':
      return 'native TensorFlow on the CPU';
    case 'wasm': {
      const threaded = started.threads !== null && started.threads > 1 ? 'threaded ' : '';
      const convolutions = started.convolutions === undefined ? '' : `; convolutions ${started.convolutions}`;
      return `${threaded}${started.simd ? 'SIMD' : 'no SIMD'}${threadText}${convolutions}${degradedText}`;
    }
    case 'cpu':
      return `pure JavaScript${threadText}`;
    case 'webgpu':
      return `WebGPU on ${started.device ?? 'an unnamed adapter'}`;
  }
}

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
import { tensorflowOverWasm } from './measured.js';
import { activateNative, type NativeBackendName } from './native.js';
import {
  AUTO_ORDER,
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
 * Makes the requested backend active (trying tensorflow-gpu, webgpu on a hardware adapter,
 * tensorflow, wasm, cpu in turn for 'auto') and registers the kernels training needs on it.
 * @throws BackendUnavailableError when an explicitly requested backend cannot be used.
 */
export async function selectBackend(request: BackendRequest, options: SelectBackendOptions = {}): Promise<BackendInfo> {
  const threads = resolveThreads(options.threads);
  const candidates: readonly BackendName[] = request === 'auto' ? AUTO_ORDER : [request];
  // 'auto' never takes a software WebGPU adapter: on a CPU, wasm is 10-20x faster.
  const webgpu = request === 'webgpu' ? { allowSoftware: options.webgpuSoftware ?? softwareAllowedByEnv() } : { allowSoftware: false, hardwareOnly: true };
  const skipped: SkippedBackend[] = [];
  for (const name of candidates) {
    const attempt = await start(name, threads, webgpu);
    if (attempt.ok) {
      return describe(name, request, attempt.started, skipped);
    }
    if (request !== 'auto') throw new BackendUnavailableError(name, attempt.reason, attempt.hint);
    skipped.push({ name, reason: attempt.reason });
  }
  // cpu is always registered by @tensorflow/tfjs; reaching here means it failed too.
  const reasons = skipped.map((s) => `${s.name}: ${s.reason}`).join(', ');
  throw new BackendUnavailableError('cpu', `no backend could start (${reasons})`, 'Reinstall @tensorflow/tfjs.');
}

function resolveThreads(threads: SelectBackendOptions['threads']): number {
  if (threads === undefined || threads === 'auto') return os.availableParallelism();
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

async function start(name: BackendName, threads: number, webgpu: Parameters<typeof activateWebgpu>[0]): Promise<Attempt> {
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

async function startWasm(threads: number): Promise<Attempt> {
  try {
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

function describe(name: BackendName, requested: BackendRequest, started: Started, skipped: SkippedBackend[]): BackendInfo {
  // auto's line says why it took native TensorFlow over wasm, which also runs everywhere.
  const why = requested === 'auto' && name === 'tensorflow' ? `; auto: ${tensorflowOverWasm()}` : '';
  const details = detailText(name, started) + why;
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

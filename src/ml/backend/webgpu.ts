/**
 * The WebGPU backend: @tensorflow/tfjs-backend-webgpu over Dawn, the WebGPU implementation that
 * the `webgpu` npm package ships prebuilt (dawn.node; on Linux it drives the GPU through Vulkan).
 * It needs only the GPU driver's Vulkan ICD, libvulkan.so.1 and glibc ≥ 2.34: no CUDA, nothing
 * downloaded at install. `webgpu` is an optional peer dependency, detected at run time.
 *
 * How it starts (shared/TFJS.md, probes/webgpu/):
 * 1. A child process loads Dawn and asks for an adapter. Dawn prints its own warnings (some with
 *    native stack lines) on stderr and may abort on a broken driver; the child keeps both away
 *    from the user, and its stderr says why there is no adapter.
 * 2. Software adapters (Mesa's llvmpipe/lavapipe, SwiftShader, Dawn's fallback adapter) are
 *    refused unless the caller allows them (tests do, with DSL_WEBGPU_ALLOW_SOFTWARE=1);
 *    `auto` never allows them: on a CPU, wasm is 10-20x faster.
 * 3. In this process: `navigator.gpu` and the WebGPU globals exist before
 *    tfjs-backend-webgpu is imported (it checks for them at import and in its backend's
 *    constructor); the device is requested as tfjs's own factory does, and the backend is
 *    registered and made active.
 *
 * What this adds to the shipped backend:
 * - every `uncapturederror` (validation, out-of-memory) and a lost device are recorded, and
 *   the next read of a tensor rejects with WebgpuDeviceError: tfjs-backend-webgpu 4.22.0 emits
 *   invalid shaders for some ops (rank-5/6 pad) *without an exception*, and the GPU then skips
 *   the work, so results would be silently wrong;
 * - synchronous reads (dataSync/arraySync) of GPU-resident tensors throw a clear error: WebGPU
 *   has no synchronous readback, and the shipped fallback needs OffscreenCanvas, which Node
 *   lacks; tensors already read (their values cached on the CPU) still read synchronously;
 * - AddN sums in chunks where the shipped kernel would bind more storage buffers than the device
 *   allows (kernels/webgpu.ts), and the device gets the adapter's storage-buffer limit;
 * - on lavapipe, the main thread's priority is lowered to 19: Dawn's Node binding polls on the
 *   main thread while a result is pending, taking a core from lavapipe's worker threads
 *   (measured 1.5-1.9x faster niced, shared/TFJS.md).
 *
 * releaseWebgpu() destroys the device and drops every reference to Dawn so that Node can exit.
 *
 * This file holds the start and release; step 1 is webgpu_probe.ts, step 2 webgpu_adapter.ts,
 * step 3's globals webgpu_globals.ts and its device setup and health webgpu_device.ts.
 */
import { pathToFileURL } from 'node:url';
import os from 'node:os';
import { tf } from '../tf.js';
import { registerWebgpuKernels } from './kernels/webgpu.js';
import { firstLine } from './text.js';
import { describeAdapter, type WebgpuAdapter, type WebgpuFailure, type WebgpuStarted } from './webgpu_adapter.js';
import type { BackendModule, DawnModule, GpuAdapterLike, GpuDeviceLike, GpuErrorEventLike, GpuLike, WebgpuBackendLike } from './webgpu_dawn.js';
import { deviceDescriptor, deviceErrors, guardReads, lowerMainThreadPriority, WebgpuDeviceError } from './webgpu_device.js';
import { DRIVER_HINT, INSTALL_HINT, SOFTWARE_HINT, webgpuConfig, type WebgpuConfig } from './webgpu_env.js';
import { installGlobals, installNavigator, restoreNavigator } from './webgpu_globals.js';
import { adapterOptions, gpuDeviceNodes, probeWebgpu, webgpuEntry } from './webgpu_probe.js';

export { describeAdapter, softwareReason, type RawAdapterInfo, type WebgpuAdapter, type WebgpuFailure, type WebgpuProbe, type WebgpuStarted } from './webgpu_adapter.js';
export { WebgpuDeviceError } from './webgpu_device.js';
export { softwareAllowedByEnv, WEBGPU_ENV, webgpuConfig, type WebgpuConfig } from './webgpu_env.js';
export { explainFailure, gpuDeviceNodes, probeWebgpu, type ProbeFailureReport } from './webgpu_probe.js';

/** The priority tfjs-backend-webgpu registers its backend with (above wasm's 2). */
const WEBGPU_PRIORITY = 3;

interface Active {
  readonly gpu: GpuLike;
  readonly device: GpuDeviceLike;
  readonly backend: WebgpuBackendLike;
  readonly adapter: WebgpuAdapter;
  readonly onError: (event: GpuErrorEventLike) => void;
  /** The main thread's priority before it was lowered, or null if it was not. */
  readonly priorityBefore: number | null;
}

let active: Active | null = null;
let starting: Promise<WebgpuStarted | WebgpuFailure> | null = null;
let backendModule: Promise<BackendModule> | null = null;

/**
 * Makes 'webgpu' the active tfjs backend. Software adapters are refused unless allowed.
 * Never throws for a missing package, library, driver or adapter: it says why instead.
 * `hardwareOnly` (for 'auto') also skips the adapter probe, which takes seconds on lavapipe, on
 * Linux machines without a GPU device node: no hardware adapter can exist there.
 */
export function activateWebgpu(options: {
  readonly allowSoftware: boolean;
  readonly hardwareOnly?: boolean;
  readonly config?: WebgpuConfig;
}): Promise<WebgpuStarted | WebgpuFailure> {
  const run = async (): Promise<WebgpuStarted | WebgpuFailure> => {
    if (starting !== null) await starting.catch(() => undefined);
    if (options.hardwareOnly && active === null && webgpuEntry() !== null && gpuDeviceNodes()?.length === 0) {
      return { ok: false, reason: 'no GPU (no /dev/nvidia*, /dev/dri/renderD* or /dev/dxg device)', hint: DRIVER_HINT };
    }
    if (active !== null) {
      if (active.adapter.software !== null && !options.allowSoftware) return softwareFailure(active.adapter);
      if (!(await tf.setBackend('webgpu'))) return { ok: false, reason: 'its backend failed to initialise', hint: DRIVER_HINT };
      return { ok: true, adapter: active.adapter, niced: active.priorityBefore !== null };
    }
    const probe = await probeWebgpu(options.config ?? webgpuConfig());
    if (!probe.ok) return probe;
    if (probe.adapter.software !== null && !options.allowSoftware) return softwareFailure(probe.adapter);
    return start(options.config ?? webgpuConfig(), options.allowSoftware);
  };
  const attempt = run();
  starting = attempt;
  return attempt;
}

function softwareFailure(adapter: WebgpuAdapter): WebgpuFailure {
  return { ok: false, reason: `only a software adapter (${adapter.software})`, hint: SOFTWARE_HINT };
}

async function start(config: WebgpuConfig, allowSoftware: boolean): Promise<WebgpuStarted | WebgpuFailure> {
  const entry = webgpuEntry();
  if (entry === null) return { ok: false, reason: 'not installed', hint: INSTALL_HINT };
  let gpu: GpuLike;
  let adapter: GpuAdapterLike | null;
  try {
    const dawn = (await import(pathToFileURL(entry).href)) as DawnModule;
    installGlobals(dawn.globals);
    gpu = dawn.create([...config.dawnFlags]);
    adapter = await gpu.requestAdapter(adapterOptions(config));
  } catch (error) {
    return { ok: false, reason: `Dawn failed to start (${firstLine(error)})`, hint: DRIVER_HINT };
  }
  if (adapter === null) return { ok: false, reason: 'no WebGPU adapter in this process (the probe found one)', hint: DRIVER_HINT };
  const info = adapter.info ?? {}; // Dawn's objects keep their fields as getters: read each one
  const described = describeAdapter({
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    fallback: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
  });
  if (described.software !== null && !allowSoftware) return softwareFailure(described);

  installNavigator(gpu);
  // Failures from here on take navigator.gpu away again: nothing may keep Dawn referenced.
  const fail = (failure: WebgpuFailure): WebgpuFailure => {
    restoreNavigator();
    return failure;
  };
  let module: BackendModule;
  try {
    module = await loadBackendModule();
  } catch (error) {
    return fail({ ok: false, reason: `@tensorflow/tfjs-backend-webgpu failed to load (${firstLine(error)})`, hint: `Reinstall @tensorflow/tfjs-backend-webgpu@${tf.version_core}.` });
  }
  if (tf.getKernel('Conv2D', 'webgpu') === undefined) {
    return fail({
      ok: false,
      reason: `@tensorflow/tfjs-backend-webgpu registered its kernels with another copy of tfjs (a version other than ${tf.version_core}?)`,
      hint: `Install @tensorflow/tfjs-backend-webgpu@${tf.version_core}, the version of @tensorflow/tfjs in use.`,
    });
  }
  registerWebgpuKernels();

  let device: GpuDeviceLike;
  try {
    device = await adapter.requestDevice(deviceDescriptor(adapter));
  } catch (error) {
    return fail({ ok: false, reason: `the GPU device could not be created (${firstLine(error)})`, hint: DRIVER_HINT });
  }
  deviceErrors.length = 0;
  const onError = (event: GpuErrorEventLike) => {
    const kind = event.error?.constructor?.name ?? 'GPUError';
    deviceErrors.push(`${kind}: ${event.error?.message ?? String(event)}`);
  };
  device.addEventListener('uncapturederror', onError);
  void device.lost.then((info) => {
    // 'destroyed': releaseWebgpu (or a failed start) destroyed it on purpose.
    if (info.reason !== 'destroyed') deviceErrors.push(`device lost (${info.reason ?? 'unknown'}): ${info.message ?? ''}`);
  });

  let backend: WebgpuBackendLike;
  try {
    backend = new module.WebGPUBackend(device, adapter.info);
  } catch (error) {
    device.destroy();
    return fail({ ok: false, reason: `its backend failed to initialise (${firstLine(error)})`, hint: DRIVER_HINT });
  }
  guardReads(backend);
  if (tf.findBackendFactory('webgpu') != null) tf.removeBackend('webgpu'); // the factory registered at import, or an earlier one
  tf.registerBackend('webgpu', () => backend, WEBGPU_PRIORITY);
  if (!(await tf.setBackend('webgpu'))) {
    tf.removeBackend('webgpu');
    device.destroy();
    return fail({ ok: false, reason: 'its backend failed to initialise', hint: DRIVER_HINT });
  }
  const priorityBefore = described.lavapipe ? lowerMainThreadPriority() : null;
  active = { gpu, device, backend, adapter: described, onError, priorityBefore };
  return { ok: true, adapter: described, niced: priorityBefore !== null };
}

function loadBackendModule(): Promise<BackendModule> {
  if (backendModule === null) {
    // A variable specifier: imported only now, after navigator.gpu exists.
    const specifier: string = '@tensorflow/tfjs-backend-webgpu';
    const loading = import(specifier) as Promise<BackendModule>;
    backendModule = loading;
    loading.catch(() => {
      if (backendModule === loading) backendModule = null;
    });
  }
  return backendModule;
}

// ---------------------------------------------------------------------------------------------
// Device health and release

/** The adapter of the started backend, or null. */
export function webgpuAdapter(): WebgpuAdapter | null {
  return active?.adapter ?? null;
}

/** Errors the device reported since the backend started (validation, out-of-memory, loss). */
export function webgpuDeviceErrors(): readonly string[] {
  return [...deviceErrors];
}

/**
 * Waits until the GPU has finished the work submitted so far, then throws WebgpuDeviceError if
 * the device reported any error. Tests call it after every webgpu case. (tfjs batches up to 15
 * dispatches before it submits them; every read submits what is pending.)
 */
export async function checkWebgpuDevice(): Promise<void> {
  if (active === null) return;
  await active.device.queue.onSubmittedWorkDone();
  await new Promise((resolve) => setImmediate(resolve)); // error events are delivered as tasks
  if (deviceErrors.length > 0) throw new WebgpuDeviceError(deviceErrors);
}

/**
 * Destroys the device and drops the references to Dawn that keep Node alive; restores the main
 * thread's priority where it was lowered. The 'webgpu' backend is unregistered (tensors still on
 * it become unusable); a later activateWebgpu starts afresh. Does nothing if it was not started.
 */
export async function releaseWebgpu(): Promise<void> {
  if (starting !== null) await starting.catch(() => undefined);
  const current = active;
  if (current === null) return;
  active = null;
  try {
    if (tf.findBackendFactory('webgpu') != null) tf.removeBackend('webgpu');
    current.device.removeEventListener('uncapturederror', current.onError);
    current.device.destroy();
  } finally {
    restoreNavigator();
    if (current.priorityBefore !== null) {
      try {
        os.setPriority(current.priorityBefore);
      } catch {
        // raising a priority needs CAP_SYS_NICE; the thread stays niced
      }
    }
  }
}
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
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { tf, type KernelBackend } from '../tf.js';
import { registerWebgpuKernels } from './kernels/webgpu.js';
import { firstLine } from './text.js';

const require = createRequire(import.meta.url);

/** Environment variables read by the webgpu backend. */
export const WEBGPU_ENV = {
  /** '1': an explicit 'webgpu' request may use a software adapter (tests; never 'auto'). */
  allowSoftware: 'DSL_WEBGPU_ALLOW_SOFTWARE',
  /** ';'-separated Dawn options for webgpu's create(), e.g. `backend=opengles` or `adapter=NVIDIA`. */
  dawnFlags: 'DSL_WEBGPU_DAWN_FLAGS',
  /** Adapter feature level, 'core' or 'compatibility' (default: compatibility for Dawn's OpenGL ES backend, else core). */
  featureLevel: 'DSL_WEBGPU_FEATURE_LEVEL',
} as const;

/** The priority tfjs-backend-webgpu registers its backend with (above wasm's 2). */
const WEBGPU_PRIORITY = 3;
/** How long the adapter probe may take (Dawn enumerates every Vulkan/GL device). */
const PROBE_TIMEOUT_MS = 60_000;

export interface WebgpuConfig {
  readonly dawnFlags: readonly string[];
  readonly featureLevel: 'core' | 'compatibility';
}

/** The Dawn configuration from the environment. */
export function webgpuConfig(env: NodeJS.ProcessEnv = process.env): WebgpuConfig {
  const dawnFlags = (env[WEBGPU_ENV.dawnFlags] ?? '')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
  const gles = dawnFlags.some((f) => /^backend=(opengles|gles|opengl|gl)$/i.test(f));
  const requested = env[WEBGPU_ENV.featureLevel];
  const featureLevel = requested === 'compatibility' || requested === 'core' ? requested : gles ? 'compatibility' : 'core';
  return { dawnFlags, featureLevel };
}

/** Whether DSL_WEBGPU_ALLOW_SOFTWARE asks for software adapters to be accepted. */
export function softwareAllowedByEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[WEBGPU_ENV.allowSoftware] === '1' || env[WEBGPU_ENV.allowSoftware] === 'true';
}

/** What Dawn says about an adapter. */
export interface WebgpuAdapter {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** Dawn's isFallbackAdapter. */
  readonly fallback: boolean;
  /** Why it counts as a software adapter (e.g. 'llvmpipe'), or null for a hardware GPU. */
  readonly software: string | null;
  /** Mesa's Vulkan software driver, whose main-thread polling calls for a lower priority. */
  readonly lavapipe: boolean;
  /** One human line, e.g. "NVIDIA H200 (NVIDIA: 550.54.15)" or "llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)". */
  readonly label: string;
}

export type WebgpuProbe = { readonly ok: true; readonly adapter: WebgpuAdapter } | WebgpuFailure;
export interface WebgpuFailure {
  readonly ok: false;
  readonly reason: string;
  readonly hint: string;
}

export interface WebgpuStarted {
  readonly ok: true;
  readonly adapter: WebgpuAdapter;
  /** Set when the main thread's priority was lowered (lavapipe). */
  readonly niced: boolean;
}

/** Thrown by tensor reads after the GPU device reported an error or was lost. */
export class WebgpuDeviceError extends Error {
  override readonly name = 'WebgpuDeviceError';

  constructor(readonly errors: readonly string[]) {
    super(
      `the WebGPU device reported ${errors.length === 1 ? 'an error' : `${errors.length} errors`}, so results computed since then are wrong: ` +
        errors
          .slice(0, 3)
          .map((e) => firstLine(e))
          .join(' | '),
    );
  }
}

const INSTALL_HINT =
  'Install it with `npm install webgpu` (Dawn ships prebuilt inside it; it needs glibc ≥ 2.34, libvulkan1 and the GPU ' +
  "driver's Vulkan ICD), or request 'auto'.";
const DRIVER_HINT =
  "WebGPU needs the GPU driver's Vulkan ICD and libvulkan.so.1 (Debian/Ubuntu: apt-get install libvulkan1). NVIDIA: the " +
  'driver ships nvidia_icd.json (point VK_DRIVER_FILES at it); in containers NVIDIA_DRIVER_CAPABILITIES must include ' +
  "graphics. `vulkaninfo --summary` lists what Vulkan sees. Or request 'auto'.";
const SOFTWARE_HINT =
  `A software adapter runs WebGPU on the CPU, 10-20x slower than wasm. Install the GPU driver's Vulkan ICD (VK_DRIVER_FILES ` +
  `pins it), set ${WEBGPU_ENV.allowSoftware}=1 to use the software adapter anyway (for tests), or request 'auto'.`;

// ---------------------------------------------------------------------------------------------
// Recognising software adapters

/** Why Dawn's adapter is a software one, or null for a hardware GPU. */
export function softwareReason(info: { vendor?: string; architecture?: string; device?: string; description?: string; fallback?: boolean }): string | null {
  const text = [info.vendor, info.architecture, info.device, info.description].join(' ').toLowerCase();
  for (const name of ['swiftshader', 'lavapipe', 'llvmpipe', 'softpipe']) {
    if (text.includes(name)) return name === 'swiftshader' ? 'SwiftShader' : name;
  }
  if (info.vendor?.toLowerCase() === 'mesa' && info.architecture?.toLowerCase() === 'software') return 'Mesa software renderer';
  if (info.architecture?.toLowerCase() === 'software') return 'software renderer';
  if (info.fallback) return "Dawn's fallback adapter";
  return null;
}

/** What Dawn's adapter info says, in the terms above. */
export function describeAdapter(raw: RawAdapterInfo): WebgpuAdapter {
  const info = {
    vendor: raw.vendor ?? '',
    architecture: raw.architecture ?? '',
    device: raw.device ?? '',
    description: raw.description ?? '',
    fallback: Boolean(raw.fallback),
  };
  const software = softwareReason(info);
  const gles = /^opengl/i.test(info.description);
  // Vulkan: device is the GPU's name ("NVIDIA H200"), description the driver's ("NVIDIA: 550.54.15");
  // Mesa's software devices have a slug for a device name and say who they are in the description.
  const named = /[A-Z ]/.test(info.device) ? info.device : '';
  let label = named && info.description && !info.description.includes(named) ? `${named} (${info.description})` : named || info.description || info.device;
  if (!label) label = 'an unnamed adapter';
  if (software !== null && !label.toLowerCase().includes(software.toLowerCase())) label += ` (${software})`;
  return { ...info, software, lavapipe: software !== null && !gles && info.vendor.toLowerCase() === 'mesa', label };
}

// ---------------------------------------------------------------------------------------------
// Step 1: the adapter probe, in a child process

export interface RawAdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  fallback?: boolean;
}

/** What the probe reports when it found no adapter. */
export interface ProbeFailureReport {
  readonly stage: 'load' | 'create' | 'adapter';
  readonly error: string | null;
  readonly glibc?: string | null;
}

type ProbeReport = { readonly adapter: RawAdapterInfo } | ProbeFailureReport;

/** The child: plain ESM run with `node --input-type=module -e`; prints one JSON line and exits. */
const PROBE_SCRIPT = `
const cfg = JSON.parse(process.env.DSL_WEBGPU_PROBE);
const done = (o) => { process.stdout.write(JSON.stringify(o) + '\\n', () => process.exit(0)); };
const text = (e) => String((e && e.message) || e);
let mod;
try { mod = await import(cfg.url); } catch (e) {
  let glibc = null;
  try { glibc = process.report.getReport().header.glibcVersionRuntime ?? null; } catch {}
  done({ stage: 'load', error: text(e), glibc });
}
if (mod) {
  let adapter = null;
  try {
    const gpu = mod.create(cfg.flags);
    try { adapter = await gpu.requestAdapter(cfg.options); } catch (e) { done({ stage: 'adapter', error: text(e) }); }
  } catch (e) { done({ stage: 'create', error: text(e) }); }
  if (adapter) {
    const i = adapter.info || {};
    done({ adapter: { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description,
      fallback: Boolean(i.isFallbackAdapter ?? adapter.isFallbackAdapter) } });
  } else done({ stage: 'adapter', error: null });
}
`;

const probes = new Map<string, Promise<WebgpuProbe>>();

/** Where the `webgpu` package is, or null when it is not installed. */
function webgpuEntry(): string | null {
  try {
    return require.resolve('webgpu');
  } catch {
    return null;
  }
}

function adapterOptions(config: WebgpuConfig): Record<string, string> {
  return { powerPreference: 'high-performance', ...(config.featureLevel === 'compatibility' ? { featureLevel: 'compatibility' } : {}) };
}

/**
 * Asks Dawn, in a child process, for the adapter this configuration would get. Memoised per
 * configuration. Never throws: a missing package, library or driver is a failure with a reason.
 */
export function probeWebgpu(config: WebgpuConfig = webgpuConfig()): Promise<WebgpuProbe> {
  const key = JSON.stringify(config);
  let probe = probes.get(key);
  if (probe === undefined) {
    probe = runProbe(config);
    probes.set(key, probe);
  }
  return probe;
}

async function runProbe(config: WebgpuConfig): Promise<WebgpuProbe> {
  const entry = webgpuEntry();
  if (entry === null) return { ok: false, reason: 'not installed', hint: INSTALL_HINT };
  const payload = { url: pathToFileURL(entry).href, flags: config.dawnFlags, options: adapterOptions(config) };
  const { stdout, stderr, failure } = await new Promise<{ stdout: string; stderr: string; failure: string | null }>((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', PROBE_SCRIPT],
      { env: { ...process.env, DSL_WEBGPU_PROBE: JSON.stringify(payload) }, timeout: PROBE_TIMEOUT_MS, maxBuffer: 1 << 20, windowsHide: true },
      (error, out, err) => {
        const failure =
          error === null
            ? null
            : error.killed
              ? `did not finish within ${PROBE_TIMEOUT_MS / 1000} s`
              : error.signal
                ? `crashed (${error.signal})`
                : `exited with code ${String(error.code)}`;
        resolve({ stdout: String(out), stderr: String(err), failure });
      },
    );
  });
  const line = stdout.trim().split('\n').pop() ?? '';
  let report: ProbeReport | null = null;
  try {
    report = line ? (JSON.parse(line) as ProbeReport) : null;
  } catch {
    report = null;
  }
  if (report === null || failure !== null) {
    return {
      ok: false,
      reason: `Dawn's adapter probe ${failure ?? 'printed no result'}${dawnSays(stderr)}`,
      hint: DRIVER_HINT,
    };
  }
  if ('adapter' in report) return { ok: true, adapter: describeAdapter(report.adapter) };
  return explainFailure(report, stderr, config);
}

/** The first warning Dawn printed, as ` (Dawn: "...")`, or ''. */
function dawnSays(stderr: string): string {
  const warning = stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /^(Warning|Error)\b/.test(l));
  return warning ? ` (Dawn: "${warning.replace(/^(Warning|Error):\s*/, '')}")` : '';
}

/** Why the probe found no adapter, from what failed in the child and what Dawn printed (exported for tests). */
export function explainFailure(report: ProbeFailureReport, stderr: string, config: WebgpuConfig): WebgpuFailure {
  const error = report.error ?? '';
  if (report.stage === 'load') {
    if (/GLIBC_2\.\d+/.test(error)) {
      const glibc = report.glibc ? `this system has glibc ${report.glibc}` : 'this system does not use glibc';
      return { ok: false, reason: `dawn.node needs glibc ≥ 2.34 (${glibc})`, hint: "Use Debian 12, Ubuntu 22.04 or newer, or request 'auto' or 'wasm'." };
    }
    if (/dawn\.node/.test(error) && /cannot find module|MODULE_NOT_FOUND/i.test(error)) {
      return { ok: false, reason: `the webgpu package has no Dawn build for ${process.platform}-${process.arch}`, hint: "Request 'auto' or 'wasm'." };
    }
    return { ok: false, reason: `failed to load (${firstLine(error)})`, hint: INSTALL_HINT };
  }
  if (report.stage === 'create') return { ok: false, reason: `Dawn rejected the options ${JSON.stringify(config.dawnFlags)} (${firstLine(error)})`, hint: `Check ${WEBGPU_ENV.dawnFlags}.` };
  const gles = config.dawnFlags.some((f) => /^backend=/i.test(f) && !/vulkan/i.test(f));
  if (!gles && /libvulkan\.so/.test(stderr)) {
    return { ok: false, reason: 'no WebGPU adapter: libvulkan.so.1 (the Vulkan loader) is not installed', hint: DRIVER_HINT };
  }
  if (!gles && /Found no drivers|VK_ERROR_INCOMPATIBLE_DRIVER/.test(stderr)) {
    return { ok: false, reason: 'no WebGPU adapter: Vulkan found no driver (no ICD)', hint: DRIVER_HINT };
  }
  if (/ArrayDynamicIndexing required/.test(stderr)) {
    return {
      ok: false,
      reason: 'no WebGPU adapter: the Vulkan driver is too old for Dawn (Mesa lavapipe before 23, e.g. Debian 12\'s 22.3)',
      hint: `${DRIVER_HINT} For a software device: Mesa 25 from bookworm-backports.`,
    };
  }
  const thrown = error ? ` (${firstLine(error)})` : '';
  return { ok: false, reason: `no WebGPU adapter${thrown}${dawnSays(stderr)}`, hint: DRIVER_HINT };
}

// ---------------------------------------------------------------------------------------------
// Step 3: the backend, in this process

/** The parts of Dawn's objects used here (the `webgpu` package is optional: no type dependency). */
interface GpuLike {
  requestAdapter(options?: Record<string, string>): Promise<GpuAdapterLike | null>;
}
interface GpuAdapterLike {
  readonly info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  readonly isFallbackAdapter?: boolean;
  readonly features: { has(name: string): boolean };
  readonly limits: Record<string, number>;
  requestDevice(descriptor: object): Promise<GpuDeviceLike>;
}
interface GpuErrorEventLike {
  readonly error?: { readonly message?: string; readonly constructor?: { readonly name?: string } };
}
interface GpuDeviceLike {
  addEventListener(type: 'uncapturederror', listener: (event: GpuErrorEventLike) => void): void;
  removeEventListener(type: 'uncapturederror', listener: (event: GpuErrorEventLike) => void): void;
  readonly lost: Promise<{ readonly reason?: string; readonly message?: string }>;
  readonly queue: { onSubmittedWorkDone(): Promise<void> };
  destroy(): void;
}
interface DawnModule {
  create(flags: string[]): GpuLike;
  readonly globals: Record<string, unknown>;
}
interface TensorDataLike {
  values?: unknown;
  dtype?: string;
}
interface WebgpuBackendLike extends KernelBackend {
  readonly device: GpuDeviceLike;
  readonly tensorMap: { get(dataId: object): TensorDataLike | undefined };
}
interface BackendModule {
  WebGPUBackend: new (device: GpuDeviceLike, adapterInfo: unknown) => WebgpuBackendLike;
}

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
const deviceErrors: string[] = [];
const navigatorBefore: { saved: boolean; had: boolean; value: unknown } = { saved: false, had: false, value: undefined };

/**
 * The GPU device nodes a hardware adapter needs on Linux (/dev/nvidia0, /dev/dri/renderD128,
 * WSL's /dev/dxg); null on other systems, where there is no such test.
 */
export function gpuDeviceNodes(): string[] | null {
  if (process.platform !== 'linux') return null;
  const list = (dir: string) => {
    try {
      return fs.readdirSync(dir);
    } catch {
      return [];
    }
  };
  return [
    ...list('/dev')
      .filter((f) => /^nvidia\d+$/.test(f) || f === 'dxg')
      .map((f) => `/dev/${f}`),
    ...list('/dev/dri')
      .filter((f) => /^renderD\d+$/.test(f))
      .map((f) => `/dev/dri/${f}`),
  ];
}

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

/**
 * The device tfjs-backend-webgpu 4.22.0's own factory requests (base.js), minus canvas features,
 * plus the adapter's maxStorageBuffersPerShaderStage (WebGPU's default is 8): shaders with many
 * inputs (Concat, AddN) then need fewer passes.
 */
function deviceDescriptor(adapter: GpuAdapterLike): object {
  const limits = adapter.limits;
  const names = [
    'maxStorageBuffersPerShaderStage',
    'maxComputeWorkgroupStorageSize',
    'maxComputeWorkgroupsPerDimension',
    'maxStorageBufferBindingSize',
    'maxBufferSize',
    'maxComputeWorkgroupSizeX',
    'maxComputeInvocationsPerWorkgroup',
  ];
  return {
    requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
    requiredLimits: Object.fromEntries(names.map((n) => [n, limits[n]])),
  };
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

/** GPUBufferUsage, GPUMapMode, GPUTextureUsage, ...: tfjs-backend-webgpu uses them as globals. */
function installGlobals(globals: Record<string, unknown>): void {
  const target = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries(globals)) {
    if (!(name in target)) target[name] = value;
  }
}

function installNavigator(gpu: GpuLike): void {
  const holder = globalThis as { navigator?: unknown };
  if (!navigatorBefore.saved) {
    navigatorBefore.saved = true;
    navigatorBefore.had = 'navigator' in holder;
    navigatorBefore.value = holder.navigator;
  }
  const existing = navigatorBefore.value;
  if (existing !== null && typeof existing === 'object') {
    try {
      // Node ≥ 21 has a navigator of its own: add gpu to it.
      Object.defineProperty(existing, 'gpu', { value: gpu, configurable: true, writable: true });
      if ((existing as { gpu?: unknown }).gpu === gpu) return;
    } catch {
      // fall through: replace it
    }
  }
  Object.defineProperty(globalThis, 'navigator', {
    value: { gpu, userAgent: `Node.js/${process.version}` },
    configurable: true,
    writable: true,
  });
}

function restoreNavigator(): void {
  if (!navigatorBefore.saved) return;
  const existing = navigatorBefore.value;
  if (existing !== null && typeof existing === 'object' && Object.getOwnPropertyDescriptor(existing, 'gpu')) {
    delete (existing as { gpu?: unknown }).gpu;
  }
  if (navigatorBefore.had) Object.defineProperty(globalThis, 'navigator', { value: existing, configurable: true, writable: true });
  else delete (globalThis as { navigator?: unknown }).navigator;
  navigatorBefore.saved = false;
}

/** Reads reject after a device error; synchronous reads of GPU data say why they cannot work. */
function guardReads(backend: WebgpuBackendLike): void {
  const read = backend.read.bind(backend);
  const readSync = backend.readSync.bind(backend);
  Object.assign(backend, {
    read: async (dataId: object) => {
      const values = await read(dataId);
      if (deviceErrors.length > 0) throw new WebgpuDeviceError(deviceErrors);
      return values;
    },
    readSync: (dataId: object) => {
      const data = backend.tensorMap.get(dataId);
      if (data !== undefined && (data.values != null || data.dtype === 'string')) return readSync(dataId);
      throw new Error(
        'dataSync()/arraySync() cannot read a tensor held on the GPU by the webgpu backend in Node (WebGPU has no ' +
          'synchronous readback): use `await tensor.data()` or `await tensor.array()`',
      );
    },
  });
}

/** Lowers the main thread's priority (Linux: per thread) to 19; returns the old one, or null if it could not. */
function lowerMainThreadPriority(): number | null {
  try {
    const before = os.getPriority();
    if (before >= 19) return null;
    os.setPriority(19);
    return before;
  } catch {
    return null;
  }
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

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { firstLine } from './text.js';
import { describeAdapter, type RawAdapterInfo, type WebgpuFailure, type WebgpuProbe } from './webgpu_adapter.js';
import { DRIVER_HINT, INSTALL_HINT, WEBGPU_ENV, webgpuConfig, type WebgpuConfig } from './webgpu_env.js';

/**
 * Step 1 of starting the webgpu backend: asking Dawn for an adapter in a child process, so
 * that Dawn's warnings, native stack lines and aborts on a broken driver stay away from the
 * user, and turning what failed into a reason and a hint.
 */

const require = createRequire(import.meta.url);

/** How long the adapter probe may take (Dawn enumerates every Vulkan/GL device). */
const PROBE_TIMEOUT_MS = 60_000;

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
export function webgpuEntry(): string | null {
  try {
    return require.resolve('webgpu');
  } catch {
    return null;
  }
}

export function adapterOptions(config: WebgpuConfig): Record<string, string> {
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

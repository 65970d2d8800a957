/** What Dawn's adapter is (hardware or software, and what to call it), and why there may be none. */

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

/** Adapter info as Dawn reports it. */
export interface RawAdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  fallback?: boolean;
}

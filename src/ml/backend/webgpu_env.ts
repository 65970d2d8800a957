/** What a user can set for the webgpu backend, and what it tells them to do when it cannot start. */

/** Environment variables read by the webgpu backend. */
export const WEBGPU_ENV = {
  /** '1': an explicit 'webgpu' request may use a software adapter (tests; never 'auto'). */
  allowSoftware: 'DSL_WEBGPU_ALLOW_SOFTWARE',
  /** ';'-separated Dawn options for webgpu's create(), e.g. `backend=opengles` or `adapter=NVIDIA`. */
  dawnFlags: 'DSL_WEBGPU_DAWN_FLAGS',
  /** Adapter feature level, 'core' or 'compatibility' (default: compatibility for Dawn's OpenGL ES backend, else core). */
  featureLevel: 'DSL_WEBGPU_FEATURE_LEVEL',
} as const;

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

export const INSTALL_HINT =
  'Install it with `npm install webgpu` (Dawn ships prebuilt inside it; it needs glibc ≥ 2.34, libvulkan1 and the GPU ' +
  "driver's Vulkan ICD), or request 'auto'.";
export const DRIVER_HINT =
  "WebGPU needs the GPU driver's Vulkan ICD and libvulkan.so.1 (Debian/Ubuntu: apt-get install libvulkan1). NVIDIA: the " +
  'driver ships nvidia_icd.json (point VK_DRIVER_FILES at it); in containers NVIDIA_DRIVER_CAPABILITIES must include ' +
  "graphics. `vulkaninfo --summary` lists what Vulkan sees. Or request 'auto'.";
export const SOFTWARE_HINT =
  `A software adapter runs WebGPU on the CPU, 10-20x slower than wasm. Install the GPU driver's Vulkan ICD (VK_DRIVER_FILES ` +
  `pins it), set ${WEBGPU_ENV.allowSoftware}=1 to use the software adapter anyway (for tests), or request 'auto'.`;

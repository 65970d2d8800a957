import type { GpuLike } from './webgpu_dawn.js';

/**
 * The globals tfjs-backend-webgpu expects of a browser: the WebGPU constants and
 * `navigator.gpu`, which must exist before it is imported. The navigator is restored when the
 * backend is released, so that nothing keeps Dawn referenced.
 */

const navigatorBefore: { saved: boolean; had: boolean; value: unknown } = { saved: false, had: false, value: undefined };

/** GPUBufferUsage, GPUMapMode, GPUTextureUsage, ...: tfjs-backend-webgpu uses them as globals. */
export function installGlobals(globals: Record<string, unknown>): void {
  const target = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries(globals)) {
    if (!(name in target)) target[name] = value;
  }
}

export function installNavigator(gpu: GpuLike): void {
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

export function restoreNavigator(): void {
  if (!navigatorBefore.saved) return;
  const existing = navigatorBefore.value;
  if (existing !== null && typeof existing === 'object' && Object.getOwnPropertyDescriptor(existing, 'gpu')) {
    delete (existing as { gpu?: unknown }).gpu;
  }
  if (navigatorBefore.had) Object.defineProperty(globalThis, 'navigator', { value: existing, configurable: true, writable: true });
  else delete (globalThis as { navigator?: unknown }).navigator;
  navigatorBefore.saved = false;
}

import os from 'node:os';
import { firstLine } from './text.js';
import type { GpuAdapterLike, WebgpuBackendLike } from './webgpu_dawn.js';

/**
 * The GPU device's setup and health: the limits it is requested with, the errors it reports
 * (recorded here, so that reads reject instead of returning results the GPU skipped), the
 * guarded reads, and the main thread's priority on lavapipe.
 */

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

/** Errors the device reported since the backend started: validation, out-of-memory, loss. */
export const deviceErrors: string[] = [];

/**
 * The device tfjs-backend-webgpu 4.22.0's own factory requests (base.js), minus canvas features,
 * plus the adapter's maxStorageBuffersPerShaderStage (WebGPU's default is 8): shaders with many
 * inputs (Concat, AddN) then need fewer passes.
 */
export function deviceDescriptor(adapter: GpuAdapterLike): object {
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

/** Reads reject after a device error; synchronous reads of GPU data say why they cannot work. */
export function guardReads(backend: WebgpuBackendLike): void {
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
export function lowerMainThreadPriority(): number | null {
  try {
    const before = os.getPriority();
    if (before >= 19) return null;
    os.setPriority(19);
    return before;
  } catch {
    return null;
  }
}

import type { KernelBackend } from '../tf.js';

/** The parts of Dawn's objects used here (the `webgpu` package is optional: no type dependency). */
export interface GpuLike {
  requestAdapter(options?: Record<string, string>): Promise<GpuAdapterLike | null>;
}
export interface GpuAdapterLike {
  readonly info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  readonly isFallbackAdapter?: boolean;
  readonly features: { has(name: string): boolean };
  readonly limits: Record<string, number>;
  requestDevice(descriptor: object): Promise<GpuDeviceLike>;
}
export interface GpuErrorEventLike {
  readonly error?: { readonly message?: string; readonly constructor?: { readonly name?: string } };
}
export interface GpuDeviceLike {
  addEventListener(type: 'uncapturederror', listener: (event: GpuErrorEventLike) => void): void;
  removeEventListener(type: 'uncapturederror', listener: (event: GpuErrorEventLike) => void): void;
  readonly lost: Promise<{ readonly reason?: string; readonly message?: string }>;
  readonly queue: { onSubmittedWorkDone(): Promise<void> };
  destroy(): void;
}
export interface DawnModule {
  create(flags: string[]): GpuLike;
  readonly globals: Record<string, unknown>;
}
export interface TensorDataLike {
  values?: unknown;
  dtype?: string;
}
export interface WebgpuBackendLike extends KernelBackend {
  readonly device: GpuDeviceLike;
  readonly tensorMap: { get(dataId: object): TensorDataLike | undefined };
}
export interface BackendModule {
  WebGPUBackend: new (device: GpuDeviceLike, adapterInfo: unknown) => WebgpuBackendLike;
}

import type { Workload } from './choose.js';

/** Backend names a user may request; the list is also the union type. */
export const BACKEND_REQUESTS = ['auto', 'tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendRequest = (typeof BACKEND_REQUESTS)[number];

/** A concrete backend (every request except 'auto'). */
export type BackendName = Exclude<BackendRequest, 'auto'>;

/**
 * The GPU backends `auto` tries first, in this order (native CUDA, then WebGPU on a hardware
 * adapter: `auto` never takes a software one); then the CPU routes, fastest first for the spec's
 * size (src/ml/backend/choose.ts), then cpu.
 */
export const AUTO_GPU_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'webgpu'];

export interface SelectBackendOptions {
  /** Worker threads for wasm; 'auto' (the default) = os.availableParallelism(). */
  readonly threads?: number | 'auto';
  /**
   * Whether an explicit 'webgpu' request may use a software adapter (llvmpipe/lavapipe,
   * SwiftShader): for tests of the GPU code path on machines without a GPU. Default: the
   * environment variable DSL_WEBGPU_ALLOW_SOFTWARE=1. Never applies to 'auto'.
   */
  readonly webgpuSoftware?: boolean;
  /** The spec's work per search iteration, by which 'auto' ranks the CPU routes; absent: the smallest measured size. */
  readonly workload?: Workload;
  /** Backends 'auto' must pass over, with why (e.g. a wasm heap too small for the spec's batch). */
  readonly unfit?: Partial<Readonly<Record<BackendName, string>>>;
}

export interface SkippedBackend {
  readonly name: BackendName;
  readonly reason: string;
}

export interface BackendInfo {
  /** The backend in use. */
  readonly name: BackendName;
  /** What was asked for. */
  readonly requested: BackendRequest;
  /** Threads the backend computes with; null where the backend manages them itself (native TensorFlow). */
  readonly threads: number | null;
  /** Whether kernels use SIMD; null where unknown (native TensorFlow). */
  readonly simd: boolean | null;
  /** Backends tried before this one, with why each was not used. */
  readonly skipped: readonly SkippedBackend[];
  /** Why fewer threads run than were requested (e.g. wasm threads failed to start), if so; also in the summary. */
  readonly degraded: string | null;
  /**
   * The convolution kernels in use where the backend has a choice (wasm): `oneDNN 2.6.3` (the
   * native addon) or `wasm`; absent elsewhere. Also in the summary.
   */
  readonly convolutions?: string;
  /** How to get faster kernels than the ones in use (the oneDNN addon, when it is not built), if so. */
  readonly hint?: string;
  /** One human line, e.g. `backend wasm (threaded SIMD, 2 threads); skipped tensorflow: not installed`. */
  readonly summary: string;
}

/** Thrown when an explicitly requested backend cannot be used; the message says why and how to fix it. */
export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';

  constructor(
    readonly backend: BackendName,
    readonly reason: string,
    readonly hint: string,
  ) {
    super(`backend '${backend}' is not available: ${reason}. ${hint}`);
  }
}

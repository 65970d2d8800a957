/**
 * Kernel fixes for @tensorflow/tfjs-backend-webgpu 4.22.0, registered through tfjs's own kernel
 * registry (so tf.addN and every gradient that sums pick them up). Idempotent.
 *
 * AddN: the shipped kernel binds every input as a storage buffer of one shader. With more
 * inputs than the device's maxStorageBuffersPerShaderStage - 1 (7 under WebGPU's default limit
 * of 8; the output takes one), the pipeline is invalid and the GPU skips the work: the sum is
 * wrong and nothing throws. The mixed edges of the super-networks add up to 8 terms (plain
 * path), which hit it. Its Concat kernel already splits its inputs this way; this AddN sums in
 * chunks of at most the limit, then sums the partial sums.
 */
import { tf, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo } from '../../tf.js';

interface DeviceLimits {
  readonly device?: { readonly limits?: { readonly maxStorageBuffersPerShaderStage?: number } };
}

/** The most inputs one AddN shader may take on `backend`. */
export function addNInputLimit(backend: KernelBackend): number {
  const storageBuffers = (backend as unknown as DeviceLimits).device?.limits?.maxStorageBuffersPerShaderStage ?? 8;
  return Math.max(2, storageBuffers - 1);
}

function chunkedAddN(shipped: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const kernelBackend = backend as KernelBackend;
    // AddN's inputs are an array of tensors (tf.addN passes the list as the inputs map).
    const tensors = inputs as unknown as TensorInfo[];
    const limit = addNInputLimit(kernelBackend);
    if (tensors.length <= limit) return shipped.kernelFunc({ inputs, backend, attrs });
    const partial: TensorInfo[] = [];
    let level = tensors;
    while (level.length > limit) {
      const next: TensorInfo[] = [];
      for (let i = 0; i < level.length; i += limit) {
        const chunk = level.slice(i, i + limit);
        if (chunk.length === 1) {
          next.push(chunk[0]!);
          continue;
        }
        const sum = shipped.kernelFunc({ inputs: chunk as unknown as typeof inputs, backend, attrs }) as TensorInfo;
        partial.push(sum);
        next.push(sum);
      }
      level = next;
    }
    const result = shipped.kernelFunc({ inputs: level as unknown as typeof inputs, backend, attrs });
    // The backend defers freeing data that queued GPU work still reads.
    for (const sum of partial) kernelBackend.disposeData(sum.dataId);
    return result;
  };
  return { kernelName: 'AddN', backendName: 'webgpu', kernelFunc };
}

let registered = false;

/** Registers the fixes for the 'webgpu' backend (once; its kernels must be registered already). */
export function registerWebgpuKernels(): void {
  if (registered) return;
  const shipped = tf.getKernel('AddN', 'webgpu');
  if (shipped === undefined) throw new Error("tfjs-backend-webgpu registered no 'AddN' kernel");
  tf.unregisterKernel('AddN', 'webgpu');
  tf.registerKernel(chunkedAddN(shipped));
  registered = true;
}

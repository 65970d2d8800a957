/** What `dsl setup tensorflow` installs, for the CPU and for CUDA 12 GPUs. */
import type { NativeBackendName } from '../ml/backend/native.js';

export type TensorflowVariant = 'cpu' | 'gpu';

/** The TensorFlow release whose C library the tfjs-node binding is built against (checked: NATIVE.md). */
export const TENSORFLOW_VERSION = '2.21.0';
/** tfjs-node must match the @tensorflow/tfjs in use, or it registers its backend with another copy. */
export const TFJS_NODE_VERSION = '4.22.0';
/** node-gyp 11: the first to build on Node 20 with Python 3.12 and without fetching headers (given --nodedir). */
export const NODE_GYP_MAJOR = 11;

export interface VariantFacts {
  /** The pip distribution that carries libtensorflow_cc.so.2. */
  readonly distribution: string;
  readonly npmPackage: string;
  readonly backend: NativeBackendName;
  /** The venv under the setup home. */
  readonly venv: string;
}

export const VARIANTS: Record<TensorflowVariant, VariantFacts> = {
  cpu: { distribution: 'tensorflow-cpu', npmPackage: '@tensorflow/tfjs-node', backend: 'tensorflow', venv: 'venv-cpu' },
  // The plain `tensorflow` wheel is built with CUDA 12; the CUDA and cuDNN libraries come as the
  // nvidia-* pip packages of its `and-cuda` extra (see cudaRequirements in wheel.ts).
  gpu: { distribution: 'tensorflow', npmPackage: '@tensorflow/tfjs-node-gpu', backend: 'tensorflow-gpu', venv: 'venv-gpu' },
};

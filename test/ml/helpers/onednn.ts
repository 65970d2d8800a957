/** What the oneDNN kernel tests share: whether the addon is there, and running a kernel with it on or off. */
import { useOnednnKernels } from '../../../src/ml/backend/kernels/onednn.js';
import { loadOnednnAddon } from '../../../src/ml/backend/native/onednn_addon.js';
import { tf, type NamedAttrMap, type Tensor } from '../../../src/ml/tf.js';
import type { Arr } from './arrays.js';

/** CI installs libdnnl-dev (.ci/run), so there a missing addon is a failure, not a skip. */
export const REQUIRED = process.env.CI === 'true' || process.env.CI === '1' || process.env.DSL_TEST_REQUIRE_ONEDNN === '1';
export const loaded = loadOnednnAddon();
export const skipReason = loaded.ok ? '' : ` (skipped: ${loaded.reason})`;

export const tensorOf = (a: Arr) => tf.tensor(Float32Array.from(a.data), [...a.shape]);

export const values = (t: Tensor) => {
  const v = t.dataSync() as Float32Array;
  t.dispose();
  return v;
};

/** Runs a kernel with the oneDNN kernels on or off. */
export function kernel(onednn: boolean, kernelName: string, inputs: Record<string, Tensor>, attrs: object): Float32Array {
  useOnednnKernels(onednn);
  try {
    return values(tf.engine().runKernel(kernelName, inputs, attrs as NamedAttrMap) as Tensor);
  } finally {
    useOnednnKernels(true);
  }
}

/** A convolution's padding as tfjs takes it. */
export type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
export type Shape4 = [number, number, number, number];
/** The same explicit pad on every side of the spatial dimensions. */
export const sym = (p: number): Pad => [[0, 0], [p, p], [p, p], [0, 0]];

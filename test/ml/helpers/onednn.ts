/** What the oneDNN kernel tests share: whether the addon is there, and running a kernel with it on or off. */
import { useOnednnKernels } from '../../../src/ml/backend/kernels/onednn.js';
import { loadOnednnAddon } from '../../../src/ml/backend/native/onednn_addon.js';
import { tf, type NamedAttrMap, type Tensor } from '../../../src/ml/tf.js';
import { index4, size, type Arr } from './arrays.js';

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

/** What the float64 reference needs of a convolution: its input, kernel size, output channels and tfjs's geometry. */
export interface ConvGeometry {
  readonly x: Shape4;
  readonly k: number;
  readonly out: number;
  readonly stride: number;
  readonly dilation: number;
  readonly depthwise: boolean;
  readonly info: { readonly outHeight: number; readonly outWidth: number; readonly padInfo: { readonly top: number; readonly left: number } };
}

/**
 * y, dX and dW in float64 of y[n,i,j,o] = Σ x[n, s·i + d·a − top, s·j + d·b − left, c] · w[a,b,c,o]
 * (w [k,k,C,O]), or, depthwise, of one filter per channel (w [k,k,C,1], o = c).
 */
export function convReference(c: ConvGeometry, x: Arr, w: Arr, dy: Arr) {
  const g = c.info;
  const [n, h, wd, ci] = c.x;
  const fs: Shape4 = [c.k, c.k, ci, c.depthwise ? 1 : c.out];
  const yShape = [n, g.outHeight, g.outWidth, c.out];
  const y = new Float64Array(size(yShape));
  const dX = new Float64Array(size(c.x));
  const dW = new Float64Array(size(fs));
  for (let b0 = 0; b0 < n; b0++)
    for (let i = 0; i < g.outHeight; i++)
      for (let j = 0; j < g.outWidth; j++)
        for (let a = 0; a < c.k; a++)
          for (let b = 0; b < c.k; b++) {
            const iy = c.stride * i + c.dilation * a - g.padInfo.top;
            const ix = c.stride * j + c.dilation * b - g.padInfo.left;
            if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
            for (let ch = 0; ch < ci; ch++) {
              const xi = index4(c.x, b0, iy, ix, ch);
              for (let o = c.depthwise ? ch : 0; o < (c.depthwise ? ch + 1 : c.out); o++) {
                const wi = index4(fs, a, b, ch, c.depthwise ? 0 : o);
                const yi = index4(yShape, b0, i, j, o);
                y[yi]! += x.data[xi]! * w.data[wi]!;
                dX[xi]! += w.data[wi]! * dy.data[yi]!;
                dW[wi]! += x.data[xi]! * dy.data[yi]!;
              }
            }
          }
  return { y, dX, dW, yShape };
}

/**
 * The last setup step: a convolution and both its gradients on the freshly built backend,
 * against wasm's, with the paddings the search uses ('same', explicit pads equal to 'same',
 * asymmetric explicit pads, stride 2).
 */
import { selectBackend } from '../ml/backend/index.js';
import type { NativeBackendName } from '../ml/backend/native.js';
import { tf, type Tensor4D } from '../ml/tf.js';
import { SetupError } from './errors.js';

export interface Verification {
  /** TF_Version reported by the binding. */
  readonly tensorflowVersion: string;
  readonly cases: number;
  /** Largest |native - wasm| / max|wasm| over every output and gradient. */
  readonly maxRelativeDifference: number;
}

/** Agreement required: float32 convolutions summed in another order differ by ~1e-6. */
export const VERIFY_TOLERANCE = 1e-4;

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

const CASES: readonly { readonly pad: Pad; readonly stride: number }[] = [
  { pad: 'same', stride: 1 },
  { pad: [[0, 0], [1, 1], [1, 1], [0, 0]], stride: 1 },
  { pad: [[0, 0], [0, 2], [2, 1], [0, 0]], stride: 1 },
  { pad: [[0, 0], [1, 1], [1, 1], [0, 0]], stride: 2 },
];

/** Deterministic values in [-1, 1): both backends see the same inputs. */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Forward output, input gradient and filter gradient of every case, on the active backend. */
function convolutions(): Float32Array[] {
  const results: Float32Array[] = [];
  for (const [i, c] of CASES.entries()) {
    tf.tidy(() => {
      const x = tf.tensor4d(values(2 * 9 * 9 * 3, 11 + i), [2, 9, 9, 3]);
      const f = tf.tensor4d(values(3 * 3 * 3 * 4, 29 + i), [3, 3, 3, 4]);
      const conv = (a: Tensor4D, b: Tensor4D) => tf.conv2d(a, b, c.stride, c.pad);
      const y = conv(x, f);
      // A weighted sum so that every gradient entry differs (a plain sum hides transposition errors).
      const weights = tf.tensor(values(y.size, 47 + i), y.shape);
      const [dx, df] = tf.grads((...[a, b]: tf.Tensor[]) => tf.sum(tf.mul(conv(a as Tensor4D, b as Tensor4D), weights)))([x, f]);
      for (const t of [y, dx!, df!]) results.push(t.dataSync() as Float32Array);
    });
  }
  return results;
}

function relativeDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

export async function verifyNativeBackend(name: NativeBackendName): Promise<Verification> {
  try {
    await selectBackend(name);
  } catch (error) {
    throw new SetupError(`the ${name} backend does not start: ${error instanceof Error ? error.message : String(error)}`, 'Run `dsl setup tensorflow` again; if it fails the same way, delete node_modules/@tensorflow/tfjs-node and retry.');
  }
  const tensorflowVersion = String((tf.backend() as unknown as { binding?: { TF_Version?: string } }).binding?.TF_Version ?? 'unknown');
  let native: Float32Array[];
  try {
    native = convolutions();
  } catch (error) {
    throw new SetupError(`a convolution or its gradient failed on ${name}: ${error instanceof Error ? error.message : String(error)}`, 'This TensorFlow may not suit tfjs-node 4.22; use tensorflow-cpu 2.21.0 (leave out --python).');
  }
  await selectBackend('wasm', { threads: 1 });
  const reference = convolutions();
  const maxRelativeDifference = Math.max(...native.map((n, i) => relativeDifference(n, reference[i]!)));
  if (!(maxRelativeDifference <= VERIFY_TOLERANCE)) {
    throw new SetupError(
      `the ${name} backend's convolutions differ from wasm's by ${maxRelativeDifference.toExponential(1)} (relative; allowed ${VERIFY_TOLERANCE})`,
      'This TensorFlow may not suit tfjs-node 4.22; use tensorflow-cpu 2.21.0 (leave out --python).',
    );
  }
  return { tensorflowVersion, cases: CASES.length, maxRelativeDifference };
}

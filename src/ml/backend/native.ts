/**
 * The native TensorFlow backends (@tensorflow/tfjs-node and -gpu). They are optional: their
 * install script downloads libtensorflow, which fails offline, so they are detected at run
 * time with a dynamic import and their absence is normal.
 */
import { createRequire } from 'node:module';
import { tf } from '../tf.js';
import { firstLine } from './text.js';

export type NativeBackendName = 'tensorflow-gpu' | 'tensorflow';

const PACKAGES: Record<NativeBackendName, string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

const INSTALL_HINTS: Record<NativeBackendName, string> = {
  'tensorflow-gpu':
    'Run `dsl setup tensorflow --gpu` (Linux, an NVIDIA GPU with a CUDA 12 driver): it builds ' +
    `${PACKAGES['tensorflow-gpu']} against the pip wheel's TensorFlow. Or request 'wasm' or 'auto'.`,
  tensorflow:
    `Run \`dsl setup tensorflow\`: it builds ${PACKAGES.tensorflow} against the pip wheel's TensorFlow ` +
    "(its own install script would download libtensorflow 2.9.1). Or request 'wasm' or 'auto'.",
};

export type NativeOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string; readonly hint: string };

/** Whether the package resolves from here (installed), without loading TensorFlow. */
export function nativeInstalled(name: NativeBackendName): boolean {
  try {
    createRequire(import.meta.url).resolve(PACKAGES[name]);
    return true;
  } catch {
    return false;
  }
}

/** The registered name of both native packages' backend. */
const TFJS_NODE_BACKEND = 'tensorflow';

/** Imports the package (which registers its backend) and makes it the active backend. */
export async function activateNative(name: NativeBackendName): Promise<NativeOutcome> {
  const pkg = PACKAGES[name];
  const hint = INSTALL_HINTS[name];
  // Library code does not print: this quiets TensorFlow's own INFO/WARNING log. (TF 2.21 still
  // writes its "oneDNN custom operations are on" notice, logged before this setting is read.)
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  try {
    // A variable specifier: the package is optional and has no types here.
    const specifier: string = pkg;
    await import(specifier);
  } catch (error) {
    return { ok: false, reason: isNotInstalled(error, pkg) ? 'not installed' : `failed to load (${firstLine(error)})`, hint };
  }
  if (tf.findBackendFactory(TFJS_NODE_BACKEND) == null) {
    return {
      ok: false,
      reason: `${pkg} registered its backend with another copy of tfjs (a version other than ${tf.version_core}?)`,
      hint: `Install ${pkg}@${tf.version_core}, the version of @tensorflow/tfjs in use.`,
    };
  }
  if (!(await tf.setBackend(TFJS_NODE_BACKEND))) {
    return { ok: false, reason: 'its backend failed to initialise', hint };
  }
  return { ok: true };
}

function isNotInstalled(error: unknown, pkg: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(pkg)) return true;
  // The same failure as reported by a bundler's resolver (Vite, hence the test runner).
  return message.includes(`Could not resolve "${pkg}"`);
}

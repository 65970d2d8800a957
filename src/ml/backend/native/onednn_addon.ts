/**
 * Loads the optional oneDNN convolution addon (native/onednn, built by the install hook when
 * libdnnl-dev and a C++ compiler are present). Its absence is normal: the result says why, and
 * how to get it, so that the CLI can say so once.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstLine } from '../text.js';

/** The addon's functions (native/onednn/dnnl_conv.cc describes the arguments). */
export interface OnednnAddon {
  conv(
    kind: 0 | 1 | 2,
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    dims: Int32Array,
    bias: Float32Array | null,
    activation: number,
    alpha: number,
  ): void;
  /** Depthwise (one filter per channel, O = C): the filter is tfjs's [KH,KW,C,1]. */
  depthwise(kind: 0 | 1 | 2, a: Float32Array, b: Float32Array, out: Float32Array, dims: Int32Array): void;
  impl(kind: 0 | 1 | 2, dims: Int32Array, depthwise?: boolean): string;
  cacheSize(): number;
  version(): string;
}

export type AddonOutcome =
  | { readonly ok: true; readonly addon: OnednnAddon; readonly path: string }
  | { readonly ok: false; readonly reason: string; readonly hint: string | null };

/** The environment variable that turns the addon off (DSL_ONEDNN=0). */
export const ONEDNN_ENV = 'DSL_ONEDNN';

// src/ml/backend/native and dist/ml/backend/native are both four levels below the package root.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const ADDON_PATH = path.join(ROOT, 'native', 'onednn', 'build', 'Release', 'dnnl_conv.node');

const HINT =
  'For native oneDNN convolutions (kernels 3-6x faster than the wasm ones, a search iteration 1.2-2.7x): ' +
  'apt-get install libdnnl-dev g++, then npm rebuild dsl ' +
  '(or npm ci in a checkout).';

let loaded: AddonOutcome | null = null;

/** The addon, loaded once per process; `{ok: false}` with the reason when it is absent or off. */
export function loadOnednnAddon(): AddonOutcome {
  if (loaded !== null) return loaded;
  loaded = load();
  return loaded;
}

function load(): AddonOutcome {
  // Turned off on purpose: nothing to suggest.
  if (process.env[ONEDNN_ENV] === '0') return { ok: false, reason: `off: ${ONEDNN_ENV}=0`, hint: null };
  if (!existsSync(ADDON_PATH)) return { ok: false, reason: 'the oneDNN addon is not built', hint: HINT };
  // OpenMP reads these when the library loads. Its default (active) wait spins the cores between
  // calls, which starves the wasm threads that run everything else; measured 2x slower kernels
  // under a second busy process without 'passive'.
  process.env.OMP_WAIT_POLICY ??= 'passive';
  process.env.OMP_NUM_THREADS ??= String(os.availableParallelism());
  try {
    const addon = createRequire(import.meta.url)(ADDON_PATH) as OnednnAddon;
    return { ok: true, addon, path: ADDON_PATH };
  } catch (error) {
    return { ok: false, reason: `the oneDNN addon failed to load (${firstLine(error)})`, hint: HINT };
  }
}

import type { MemoryCalibration } from './memory.js';
import type { GameStage } from './stageMemory.js';

/**
 * How each backend's memory follows the counts of memory.ts, per stage: the fit of the
 * iterations in test/fixtures/memory/calibration.json (each group names the `npm run bench`
 * command that measured it; `npx tsx scripts/fit-memory-calibration.ts` refits and prints
 * these) on one 2-core machine, tfjs 4.22, TensorFlow 2.21, oneDNN 2.6. The super-networks of
 * the search and the derived networks of training keep different shares of what is counted
 * (each search pass spectrally normalises and folds weight-sized kernels per edge), so each
 * stage has its own fit. The test holds the estimate to every point: within 4% at 1 GiB and
 * more, within 256 MiB below.
 *
 * wasm is held to the top of its heap's allocations, native TensorFlow to the growth of the
 * resident memory over the started process (`processBytes`, the median baseline). The cpu,
 * WebGPU and CUDA backends are not calibrated: their stages are not checked.
 */
export const MEMORY_CALIBRATIONS: Readonly<Record<string, Readonly<Record<GameStage, MemoryCalibration>>>> = {
  wasm: {
    search: { processBytes: 0, baseBytes: 30565628, bytesPerElement: 4.096, transientPerWeight: 5 },
    train: { processBytes: 0, baseBytes: 3552603, bytesPerElement: 4.574, transientPerWeight: 0.6 },
  },
  tensorflow: {
    search: { processBytes: 416284672, baseBytes: 132666650, bytesPerElement: 4.368, transientPerWeight: 6.85 },
    train: { processBytes: 419430400, baseBytes: 25858778, bytesPerElement: 5.334, transientPerWeight: 2.35 },
  },
};

/**
 * The calibration of the memory estimate (src/nas/memory.ts) from measured iterations: each
 * point is one memory case of the bench (`--only memory`): a spec, its stage, widths and
 * batches, and what the backend's memory grew to. The factors are a least-squares fit of the
 * relative error, led by the points of 1 GiB and more; scripts/fit-memory-calibration.ts prints
 * them, test/unit/bench/memoryFit.test.ts holds the estimate to every point.
 */
import { nodeSpecHost } from '../io/specHost.js';
import { PERSISTENT_BYTES, persistentElements, stepMemory, type GameNetworks, type MemoryCalibration } from '../nas/memory.js';
import { trainSpace } from '../nas/inspect.js';
import { buildSpace } from '../nas/space.js';
import { stageBatch, stageNetworks, type GameStage } from '../nas/stageMemory.js';
import { MEMORY_CALIBRATIONS } from '../nas/memoryCalibration.js';
import { bytesLabel } from '../nas/memoryMessage.js';
import type { BackendName } from '../ml/backend/types.js';
import { backendVerdict } from '../run/memoryGuard.js';
import { loadGenotypeFile } from '../spec/genotypeFile.js';
import type { BatchDef } from '../spec/types.js';
import { experimentFile, resolveExperiment } from './experiments.js';

/** One measured iteration (MiB as the bench's JSON gives them). */
export interface MemoryPoint {
  readonly widths: string;
  readonly batch: string;
  readonly wasmHeapMiB?: number;
  readonly peakRssMiB: number;
  readonly baselineRssMiB: number;
}

/** Points measured by one bench command. */
export interface MemoryPointGroup {
  readonly command: string;
  readonly backend: string;
  readonly stage: GameStage;
  /** The spec under experiments/. */
  readonly spec: string;
  readonly points: readonly MemoryPoint[];
  /** Iterations that ran out of the backend's memory (the bench's error for each). */
  readonly failed?: readonly { readonly widths: string; readonly batch: string; readonly error: string }[];
}

const GENOTYPE = 'genotypes/adversarialnas-cifar10.yaml';
const MIB = 2 ** 20;
/** Measurements from here up decide the fit (fitCalibration). */
export const LARGE_BYTES = 2 ** 30;

const pair = (text: string): [number, number] => {
  const [a, b] = text.split('/').map(Number);
  return [a!, b ?? a!];
};

/** The networks and batch of a point, as the bench built them (the spec at the point's widths and batches). */
export function pointGame(group: MemoryPointGroup, point: Pick<MemoryPoint, 'widths' | 'batch'>): { nets: GameNetworks; batch: BatchDef } {
  const [g, d] = pair(point.widths);
  const [gb, db] = pair(point.batch);
  const section = group.stage === 'search' ? 'searchSpace' : 'train';
  const spec = resolveExperiment(group.spec, [`${section}.generator.channels=${g}`, `${section}.discriminator.channels=${d}`, `${group.stage}.batch.generator=${gb}`, `${group.stage}.batch.discriminator=${db}`]);
  const genotype = group.stage === 'train' ? loadGenotypeFile(experimentFile(GENOTYPE), nodeSpecHost, trainSpace(spec)).genotype : undefined;
  const nets = stageNetworks(spec, buildSpace(spec), group.stage, genotype);
  if (!nets) throw new Error(`${group.spec} ${group.stage} ${point.widths}: no networks`);
  return { nets, batch: stageBatch(spec, group.stage) };
}

/**
 * What the estimate is held to: the heap's high-water mark on wasm (what its 4 GiB limit
 * bounds), the growth of the resident memory over the started backend's elsewhere.
 */
export function measuredBytes(group: MemoryPointGroup, point: MemoryPoint): number {
  if (group.backend === 'wasm') return point.wasmHeapMiB! * MIB;
  return (point.peakRssMiB - point.baselineRssMiB) * MIB;
}

/** Solves the weighted least-squares problem of two unknowns, y ≈ a + b·x. */
function line(xs: readonly number[], ys: readonly number[], weights: readonly number[]): [number, number] {
  let sw = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  xs.forEach((x, k) => {
    const w = weights[k]!;
    sw += w;
    sx += w * x;
    sy += w * ys[k]!;
    sxx += w * x * x;
    sxy += w * x * ys[k]!;
  });
  const b = (sw * sxy - sx * sy) / (sw * sxx - sx * sx);
  return [(sy - b * sx) / sw, b];
}

/** Candidate weight-sized transients per weight: 0 to 12 in steps of 0.05. */
const TRANSIENTS = Array.from({ length: 241 }, (_, i) => i / 20);

/**
 * The calibration of one backend and stage: the base and bytes per element fitted by weighted
 * least squares (relative errors), for the transient count per weight that fits best; the persistent
 * tensors are taken off the measurements first (they are exact). RSS-bound backends are fitted
 * on the growth over the started process, whose median baseline becomes `processBytes`.
 */
export function fitCalibration(groups: readonly MemoryPointGroup[]): MemoryCalibration {
  const points = groups.flatMap((group) => group.points.map((point) => ({ group, point, ...pointGame(group, point) })));
  const measured = points.map((p) => measuredBytes(p.group, p.point));
  const targets = points.map((p, k) => measured[k]! - PERSISTENT_BYTES * persistentElements(p.nets));
  // Squared relative errors, those of the points of 1 GiB and more weighted 50 times the others':
  // near a limit is where the check decides, and below it the allocators' slack is as large as
  // what is counted.
  const weights = measured.map((y) => (y >= LARGE_BYTES ? 1 : 1 / 50) / (y * y));
  let best: { error: number; calibration: MemoryCalibration } | undefined;
  for (const transientPerWeight of TRANSIENTS) {
    const probe = { processBytes: 0, baseBytes: 0, bytesPerElement: 1, transientPerWeight };
    const elements = points.map((p) => stepMemory(p.nets, p.batch, probe).bytes - PERSISTENT_BYTES * persistentElements(p.nets));
    const [base, perElement] = line(elements, targets, weights);
    const error = elements.reduce((sum, x, k) => sum + weights[k]! * (base + perElement * x - targets[k]!) ** 2, 0);
    if (!best || error < best.error) best = { error, calibration: { processBytes: 0, baseBytes: Math.round(base), bytesPerElement: round(perElement), transientPerWeight } };
  }
  const heap = groups.every((g) => g.backend === 'wasm');
  const baselines = points.map((p) => p.point.baselineRssMiB * MIB).sort((a, b) => a - b);
  return { ...best!.calibration, processBytes: heap ? 0 : baselines[Math.floor(baselines.length / 2)]! };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Why a timed search case cannot run on a backend (its estimate exceeds what the backend
 * holds), or undefined: the paper-size cases skip what would fill the heap minutes in.
 */
export function searchCaseUnfit(backend: BackendName, widths: string, batch: number): string | undefined {
  if (!MEMORY_CALIBRATIONS[backend]) return undefined; // before resolving a spec for nothing
  const group: MemoryPointGroup = { command: '', backend, stage: 'search', spec: 'cifar10.yaml', points: [] };
  const { nets, batch: b } = pointGame(group, { widths, batch: String(batch) });
  const checked = backendVerdict(nets, 'search', b, backend);
  if (!checked || checked.verdict.fits) return undefined;
  const { verdict, limit } = checked;
  return `one iteration needs about ${bytesLabel(verdict.estimate.bytes)} on ${backend}, ${limit.capacity} (the largest batch that fits is ${verdict.largest?.generator ?? 'none'})`;
}

/**
 * Folding weighted convolution kernels into shared footprints (shared/TFJS.md, "The mixed edge
 * as one convolution"; probes/tfjs/fold_lib.js).
 *
 * Convolutions of one input with centred kernels (padding d(k-1)/2) add up to one convolution
 * whose kernel is the sum of the kernels embedded in a common footprint: a k×k kernel at
 * dilation d sits at offset (S - d(k-1) - 1)/2 of an S×S footprint with its taps d apart. This
 * holds at stride 1 and 2 alike. Dilation-2 kernels wider than the dense footprint are folded
 * among themselves instead, as dilation-2 kernels of size S' (run on the polyphase split).
 *
 * All embeddings, weightings and sums are the product of a constant 0/1 placement matrix with the
 * row-scaled tap matrix [sum k², in*out] (row gathers, see constants.ts). The gradient to the
 * weights is a matMul whose right operand is constant: tfjs-backend-wasm keeps XNNPACK's packed
 * operator for a right operand it has seen, and creates and packs a new one for every other.
 */
import { tf, type Tensor, type Tensor1D, type Tensor2D, type Tensor4D } from '../tf.js';
import { constantMatrix, constantTensor, multiplyConstant, type ConstantMatrix } from './constants.js';
import { tidyGradient } from './tidyGradient.js';

export interface FoldMember {
  /** Square kernel size k. */
  readonly kernel: number;
  readonly dilation: 1 | 2;
  /** Index of the member's mixing weight in the weight vector. */
  readonly weightIndex: number;
  /** Which footprint it is embedded in. */
  readonly footprint: number;
}

export interface Footprint {
  /** Side S of the folded kernel. */
  readonly size: number;
  /** Dilation the folded kernel runs at (1 for the dense footprint, 2 for the polyphase one). */
  readonly dilation: 1 | 2;
}

export interface FoldLayout {
  readonly members: readonly FoldMember[];
  readonly footprints: readonly Footprint[];
  /** Length of the mixing-weight vector. */
  readonly weights: number;
}

interface FoldMatrices {
  /** [sum S², sum k²]: tap (a, b) of member i to its place in its footprint. */
  readonly placement: ConstantMatrix;
  /** [sum k², weights]: row r of the tap matrix belongs to weight index c. */
  readonly rowWeight: Tensor2D;
  /** [sum k²] int32: the weight index of each row of the tap matrix. */
  readonly rowIndex: Tensor1D;
  readonly taps: readonly number[];
  readonly rows: readonly number[];
}

/** What a layout's matrices are made of: computed once per layout object (a fold runs every forward pass). */
interface LayoutStructure {
  readonly key: string;
  readonly placement: ConstantMatrix;
  /** The weight index of each row of the tap matrix. */
  readonly owners: readonly number[];
  readonly taps: readonly number[];
  readonly rows: readonly number[];
}

const structures = new WeakMap<FoldLayout, LayoutStructure>();

function structureOf(layout: FoldLayout): LayoutStructure {
  const known = structures.get(layout);
  if (known) return known;
  const taps = layout.members.map((m) => m.kernel * m.kernel);
  const rows = layout.footprints.map((f) => f.size * f.size);
  const totalTaps = taps.reduce((a, b) => a + b, 0);
  const totalRows = rows.reduce((a, b) => a + b, 0);
  const key = `fold|${layout.weights}|${layout.footprints.map((f) => `${f.size}d${f.dilation}`).join(',')}|${layout.members.map((m) => `${m.kernel}d${m.dilation}@${m.footprint}w${m.weightIndex}`).join(',')}`;
  const rowStart = rows.map((_, i) => rows.slice(0, i).reduce((a, b) => a + b, 0));
  const placement = constantMatrix(`${key}|placement`, totalRows, totalTaps, (values) => {
    let column = 0;
    for (const m of layout.members) {
      const f = layout.footprints[m.footprint]!;
      // In the footprint's own coordinates a member's taps are m.dilation / f.dilation apart.
      const step = m.dilation / f.dilation;
      const span = step * (m.kernel - 1) + 1;
      const offset = (f.size - span) / 2;
      if (!Number.isInteger(step) || !Number.isInteger(offset) || offset < 0) {
        throw new Error(`fold: a ${m.kernel}x${m.kernel} kernel at dilation ${m.dilation} does not fit footprint ${f.size} at dilation ${f.dilation}`);
      }
      for (let a = 0; a < m.kernel; a++) {
        for (let b = 0; b < m.kernel; b++) {
          const row = rowStart[m.footprint]! + (offset + a * step) * f.size + (offset + b * step);
          values[row * totalTaps + column + a * m.kernel + b] = 1;
        }
      }
      column += m.kernel * m.kernel;
    }
  });
  const owners = layout.members.flatMap((m) => new Array<number>(m.kernel * m.kernel).fill(m.weightIndex));
  const structure = { key, placement, owners, taps, rows };
  structures.set(layout, structure);
  return structure;
}

/** The layout's matrices on the active backend. */
function matrices(layout: FoldLayout): FoldMatrices {
  const { key, placement, owners, taps, rows } = structureOf(layout);
  const rowWeight = constantTensor(`${key}|rows`, () => {
    const values = new Float32Array(owners.length * layout.weights);
    owners.forEach((c, row) => (values[row * layout.weights + c] = 1));
    return tf.tensor2d(values, [owners.length, layout.weights]);
  });
  const rowIndex = constantTensor(`${key}|row-index`, () => tf.tensor1d([...owners], 'int32'));
  return { placement, rowWeight, rowIndex, taps, rows };
}

/** x reshaped to `shape` unless it has it already (a reshape is a kernel call in tfjs). */
function shaped(x: Tensor, shape: readonly number[]): Tensor {
  return x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i]) ? x : tf.reshape(x, [...shape]);
}

/**
 * Row r's mixing weight w[rowIndex[r]] as a [rows, 1] column: a gather, whose gradient (a sum per
 * weight) is written as dScale^T @ rowWeight (tfjs's gather gradient is UnsortedSegmentSum,
 * which the wasm backend lacks).
 */
function rowScale(weights: Tensor1D, rowIndex: Tensor1D, rowWeight: Tensor2D): Tensor2D {
  const scale = tf.customGrad((...inputs) => ({
    value: tf.reshape(tf.gather(inputs[0] as Tensor1D, rowIndex), [-1, 1]),
    gradFunc: tidyGradient((dScale: Tensor) => tf.reshape(tf.matMul(tf.reshape(dScale, [1, -1]) as Tensor2D, rowWeight), [weights.shape[0]])),
  }));
  return scale(weights) as Tensor2D;
}

/**
 * The folded kernels, one per footprint ([S, S, in, out] each): sum over the footprint's members
 * of w[member.weightIndex] · embed(kernel). Differentiable in the kernels and in w. A kernel may
 * come in any shape with the [k, k, in, out] memory layout (e.g. the [1, k*k*in, out] matrix a
 * spectral-norm group produces); its gradient has its shape.
 */
export function foldKernels(kernels: readonly Tensor[], weights: Tensor1D, layout: FoldLayout, channels: { in: number; out: number }): Tensor4D[] {
  if (kernels.length !== layout.members.length) throw new Error(`fold: ${kernels.length} kernels for ${layout.members.length} members`);
  const { in: inChannels, out: outChannels } = channels;
  const { placement, rowWeight, rowIndex, taps, rows } = matrices(layout);
  // Member i as [1, k²·in, out]: they concatenate along axis 1 into the [Σk², in·out] tap matrix.
  // Plain taped ops up to the product: tfjs differentiates a taped op only towards the inputs
  // being differentiated, so an architecture step computes (and holds) no kernel gradients,
  // which one custom-gradient node over kernels and weights would.
  const parts = kernels.map((k, i) => shaped(k, [1, taps[i]! * inChannels, outChannels]));
  const stacked = tf.reshape(parts.length === 1 ? parts[0]! : tf.concat(parts, 1), [-1, inChannels * outChannels]);
  const folded = multiplyConstant(placement, tf.mul(stacked, rowScale(weights, rowIndex, rowWeight)) as Tensor2D);
  const footprints = rows.length === 1 ? [folded] : tf.split(folded, rows as number[], 0);
  return footprints.map((p, i) => {
    const s = layout.footprints[i]!.size;
    return tf.reshape(p, [s, s, inChannels, outChannels]) as Tensor4D;
  });
}

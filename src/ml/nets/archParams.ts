import type { NetworkAlphas } from '../../nas/derive.js';
import type { NetworkModel } from '../../nas/space.js';
import type { Random } from '../../util/random.js';
import { ParamStore } from '../params.js';
import { tf, type Tensor, type Tensor1D, type Tensor2D, type Variable } from '../tf.js';

/** How architecture parameters become mixing weights in one forward pass. */
export type Relaxation = { readonly type: 'softmax' } | { readonly type: 'gumbel'; readonly tau: number; readonly random: Random };

interface Group {
  readonly cell: number;
  readonly set: string;
  /** Edge indices (in the cell) whose rows this variable holds, in edge order. */
  readonly edges: readonly number[];
  readonly variable: Variable;
}

/** Mixing weights for one forward pass: [cell][edge] → weights over the edge's operations. */
export type EdgeWeights = readonly (readonly Tensor1D[])[];

/**
 * A network's architecture parameters (alpha for G, beta for D), kept apart from its weights so
 * that they get their own optimizer. One variable per cell and operation set, [edges, ops], as
 * the reference groups them (alphas_normal, alphas_up …), initialised to 1e-3·N(0, 1).
 */
export class ArchParams {
  readonly params = new ParamStore();
  private readonly groups: Group[] = [];

  constructor(
    readonly network: NetworkModel,
    random: Random,
  ) {
    network.cells.forEach((cell, c) => {
      const bySet = new Map<string, number[]>();
      cell.edges.forEach((edge, e) => bySet.set(edge.set, [...(bySet.get(edge.set) ?? []), e]));
      for (const [set, edges] of bySet) {
        const width = cell.edges[edges[0]!]!.ops.length;
        const values = random.fillNormal(new Float32Array(edges.length * width), 0, 1e-3);
        const variable = this.params.add(`cells.${c}.alphas_${set}`, 'arch', values, [edges.length, width]);
        this.groups.push({ cell: c, set, edges, variable });
      }
    });
  }

  /**
   * Mixing weights, on the gradient tape: softmax(alpha), or the reference's Gumbel variant
   * gumbel_softmax(softmax(alpha), tau) (soft), with fresh noise from `random` on every call.
   */
  weights(relaxation: Relaxation): EdgeWeights {
    const out: Tensor1D[][] = this.network.cells.map((cell) => new Array<Tensor1D>(cell.edges.length));
    // One noise tensor for the whole pass, split per group (one upload instead of one per group).
    let noise: Tensor[] = [];
    if (relaxation.type === 'gumbel') {
      const sizes = this.groups.map((g) => g.variable.size);
      const values = new Float32Array(sizes.reduce((a, b) => a + b, 0));
      for (let i = 0; i < values.length; i++) values[i] = relaxation.random.gumbel();
      const all = tf.tensor1d(values);
      noise = sizes.length === 1 ? [all] : tf.split(all, sizes);
    }
    this.groups.forEach((g, k) => {
      let w: Tensor2D = tf.softmax(g.variable as Tensor2D);
      if (relaxation.type === 'gumbel') {
        w = tf.softmax(tf.div(tf.add(w, tf.reshape(noise[k]!, w.shape)), relaxation.tau) as Tensor2D);
      }
      tf.unstack(w).forEach((row, e) => (out[g.cell]![g.edges[e]!] = row as Tensor1D));
    });
    return out;
  }

  /** Raw values in the derivation layout [cell][edge][op]. */
  async read(): Promise<NetworkAlphas> {
    const out: number[][][] = this.network.cells.map((cell) => cell.edges.map(() => []));
    for (const g of this.groups) {
      const [rows, width] = g.variable.shape as [number, number];
      const data = await g.variable.data();
      for (let k = 0; k < rows; k++) out[g.cell]![g.edges[k]!] = Array.from(data.subarray(k * width, (k + 1) * width));
    }
    return out;
  }

  dispose(): void {
    this.params.dispose();
  }
}

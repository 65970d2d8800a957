import { chosenEdges } from '../../nas/derived.js';
import type { CellGenotype } from '../../nas/genotype.js';
import type { CellModel } from '../../nas/space.js';
import { tf, type Tensor4D } from '../tf.js';
import type { EdgeWeights } from './archParams.js';
import type { NetBuilder } from './builder.js';
import type { ForwardContext } from './context.js';
import { Edge } from './mixedEdge.js';

export interface CellOutput {
  readonly output: Tensor4D;
  readonly skipOut?: Tensor4D;
}

/**
 * A cell built from its DAG: each node is the sum of its incoming edges, computed in
 * topological order; at the `skipIn` node the incoming cross-scale skips (already resized and
 * projected by the network) are added after its edges, and `skipOut` is read after that.
 * With a genotype, only the chosen, live edges are built.
 */
export class Cell {
  readonly edges: readonly Edge[];

  constructor(
    b: NetBuilder,
    readonly prefix: string,
    readonly model: CellModel,
    genotype?: CellGenotype,
  ) {
    if (genotype) {
      this.edges = chosenEdges(model, genotype).map(({ edge, op }) => new Edge(b, `${prefix}.${edge.name}`, edge, op.name));
      for (const node of model.nodes) {
        const needed = node === model.output || node === model.skipOut || this.edges.some((e) => e.model.from === node);
        if (needed && !this.edges.some((e) => e.model.to === node)) {
          throw new Error(`${prefix}: node ${node} has no input in the genotype (derive with repair)`);
        }
      }
    } else {
      this.edges = model.edges.map((edge) => new Edge(b, `${prefix}.${edge.name}`, edge));
    }
  }

  forward(x: Tensor4D, ctx: ForwardContext, weights?: EdgeWeights[number], skips: readonly Tensor4D[] = []): CellOutput {
    const values = new Map<string, Tensor4D>([[this.model.input, x]]);
    let skipOut: Tensor4D | undefined;
    for (const node of this.model.nodes) {
      const terms = this.edges.filter((e) => e.model.to === node && values.has(e.model.from)).map((e) => e.forward(values.get(e.model.from)!, ctx, weights?.[e.model.index]));
      if (node === this.model.skipIn) terms.push(...skips);
      if (terms.length === 0) continue; // a dead node of a derived cell
      const value = (terms.length === 1 ? terms[0]! : tf.addN(terms)) as Tensor4D;
      values.set(node, value);
      if (node === this.model.skipOut) skipOut = value;
    }
    const output = values.get(this.model.output);
    if (!output) throw new Error(`${this.prefix}: the output node ${this.model.output} has no input`);
    return { output, ...(skipOut ? { skipOut } : {}) };
  }
}

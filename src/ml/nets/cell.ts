import { chosenEdges } from '../../nas/derived.js';
import type { CellGenotype } from '../../nas/genotype.js';
import type { CellModel } from '../../nas/space.js';
import { tf, type Tensor4D } from '../tf.js';
import type { EdgeWeights } from './archParams.js';
import type { NetBuilder } from './builder.js';
import type { ForwardContext } from './context.js';
import { foldedGroupTerms, sameFoldShape } from './foldedEdge.js';
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

  private readonly groupEdges: boolean;
  /** The edges leaving each node, in edge order (the grouped forward visits them by source). */
  private readonly outgoing = new Map<string, Edge[]>();

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
    this.groupEdges = b.fastPath.groupEdges;
    for (const edge of this.edges) this.outgoing.set(edge.model.from, [...(this.outgoing.get(edge.model.from) ?? []), edge]);
  }

  forward(x: Tensor4D, ctx: ForwardContext, weights?: EdgeWeights[number], skips: readonly Tensor4D[] = []): CellOutput {
    if (weights && this.edges.some((e) => e.fold)) return this.forwardGrouped(x, ctx, weights, skips);
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
    return this.result(values, skipOut);
  }

  /**
   * The fast path: as soon as a node's value exists, all edges leaving it are computed, the
   * folded ones with the same fold shape together (one convolution per footprint for the
   * group); a node is the sum of every term its incoming edges produced.
   */
  private forwardGrouped(x: Tensor4D, ctx: ForwardContext, weights: EdgeWeights[number], skips: readonly Tensor4D[]): CellOutput {
    const values = new Map<string, Tensor4D>([[this.model.input, x]]);
    const pending = new Map<string, Tensor4D[]>();
    const emit = (node: string, terms: readonly Tensor4D[]) => {
      const list = pending.get(node);
      if (list) list.push(...terms);
      else pending.set(node, [...terms]);
    };
    const leave = (source: string) => {
      const value = values.get(source);
      if (!value) return;
      const outgoing = this.outgoing.get(source) ?? [];
      const groups: Edge[][] = [];
      for (const edge of outgoing) {
        if (!edge.fold) {
          emit(edge.model.to, [edge.forward(value, ctx, weights[edge.model.index])]);
          continue;
        }
        const group = this.groupEdges ? groups.find((g) => sameFoldShape(g[0]!.fold!, edge.fold!)) : undefined;
        if (group) group.push(edge);
        else groups.push([edge]);
      }
      for (const group of groups) {
        const terms = foldedGroupTerms(
          group.map((e) => e.fold!),
          value,
          ctx,
          group.map((e) => weights[e.model.index]!),
        );
        group.forEach((e, k) => emit(e.model.to, terms[k]!));
      }
    };
    leave(this.model.input);
    let skipOut: Tensor4D | undefined;
    for (const node of this.model.nodes) {
      const terms = pending.get(node) ?? [];
      if (node === this.model.skipIn) terms.push(...skips);
      if (terms.length === 0) continue;
      const value = (terms.length === 1 ? terms[0]! : tf.addN(terms)) as Tensor4D;
      values.set(node, value);
      if (node === this.model.skipOut) skipOut = value;
      leave(node);
    }
    return this.result(values, skipOut);
  }

  private result(values: ReadonlyMap<string, Tensor4D>, skipOut: Tensor4D | undefined): CellOutput {
    const output = values.get(this.model.output);
    if (!output) throw new Error(`${this.prefix}: the output node ${this.model.output} has no input`);
    return { output, ...(skipOut ? { skipOut } : {}) };
  }
}

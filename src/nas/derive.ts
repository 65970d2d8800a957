import type { Genotype, NetworkGenotype } from './genotype.js';
import { isZeroOp } from './ops.js';
import type { CellModel, NetworkModel, SpaceModel } from './space.js';

/** Raw architecture parameters (before softmax): [cell][edge][op], each row as wide as its edge's set. */
export type NetworkAlphas = readonly (readonly (readonly number[])[])[];

export interface Alphas {
  readonly generator?: NetworkAlphas;
  readonly discriminator?: NetworkAlphas;
}

export interface DeriveOptions {
  /** Revive an input for every needed node whose edges all chose a zero op (default true). */
  readonly repair?: boolean;
}

export function softmax(row: readonly number[]): number[] {
  const max = Math.max(...row);
  const exps = row.map((v) => Math.exp(v - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

/** Index of the largest value; ties go to the first, as numpy.argmax. */
function argmax(values: readonly number[], allowed: (i: number) => boolean = () => true): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) if (allowed(i) && (best < 0 || values[i]! > values[best]!)) best = i;
  return best;
}

/**
 * The discrete cell for one set of architecture parameters: per edge, the operation with the
 * largest softmax weight; then, with repair, every node that is still needed (the output, the
 * skip output, and any node a kept edge reads) keeps an input: if all its incoming edges chose
 * a zero op, the edge whose zero weight is smallest is revived with its best non-zero op
 * (ties: first edge, first op). For the paper's G cell this is exactly the reference's two
 * rules (node2 over c0/c1, node3 over c2/c3/c4); for its D cell, its three.
 */
export function deriveCell(cell: CellModel, alphas: readonly (readonly number[])[], options: DeriveOptions = {}): Record<string, string> {
  const weights = cell.edges.map((edge, e) => {
    const row = alphas[e];
    if (!row || row.length !== edge.ops.length) {
      throw new RangeError(`cell ${cell.index} (${cell.type}), edge ${edge.name}: expected ${edge.ops.length} architecture weights, got ${row?.length ?? 0}`);
    }
    return softmax(row);
  });
  const zero = (e: number) => cell.edges[e]!.ops.findIndex((o) => isZeroOp(o.def));
  const choice = weights.map((w) => argmax(w));
  if (options.repair !== false) {
    const needed = new Set([cell.output, ...(cell.skipOut ? [cell.skipOut] : [])]);
    for (const node of [...cell.nodes].reverse()) {
      if (!needed.has(node)) continue;
      const incoming = cell.edges.map((edge, e) => ({ edge, e })).filter(({ edge }) => edge.to === node);
      const kept = incoming.filter(({ e }) => choice[e] !== zero(e));
      if (kept.length === 0) {
        const revivable = incoming.filter(({ e }) => cell.edges[e]!.ops.length > 1);
        const pick = revivable.reduce<{ e: number } | undefined>(
          (best, c) => (best === undefined || weights[c.e]![zero(c.e)]! < weights[best.e]![zero(best.e)]! ? c : best),
          undefined,
        );
        if (pick) {
          choice[pick.e] = argmax(weights[pick.e]!, (i) => i !== zero(pick.e));
          kept.push(pick as (typeof incoming)[number]);
        }
      }
      for (const { edge } of kept) needed.add(edge.from);
    }
  }
  return Object.fromEntries(cell.edges.map((edge, e) => [edge.name, edge.ops[choice[e]!]!.name]));
}

export function deriveNetwork(network: NetworkModel, alphas: NetworkAlphas, options: DeriveOptions = {}): NetworkGenotype {
  if (alphas.length !== network.cells.length) {
    throw new RangeError(`the ${network.kind} has ${network.cells.length} cells, got architecture parameters for ${alphas.length}`);
  }
  return network.cells.map((cell, i) => deriveCell(cell, alphas[i]!, options));
}

/** Plain arrays in, genotype out: the derivation of both networks (those given). */
export function deriveGenotype(space: SpaceModel, alphas: Alphas, options: DeriveOptions = {}): Genotype {
  return {
    ...(alphas.generator ? { generator: deriveNetwork(space.generator, alphas.generator, options) } : {}),
    ...(alphas.discriminator ? { discriminator: deriveNetwork(space.discriminator, alphas.discriminator, options) } : {}),
  };
}

/**
 * The reference code's layout, e.g. `{ alphas_normal: [cells][edges][7], alphas_up: [cells][2][3] }`:
 * one tensor per operation set the cell type declares, rows in edge order. Edges whose set was
 * overridden by a narrower one (D's stem edges) take the first entries of their row, as the
 * reference pairs them.
 */
export function fromReferenceAlphas(network: NetworkModel, tensors: Readonly<Record<string, unknown>>): NetworkAlphas {
  return network.cells.map((cell, c) => {
    const counters = new Map<string, number>();
    return cell.edges.map((edge) => {
      const k = counters.get(edge.declaredSet) ?? 0;
      counters.set(edge.declaredSet, k + 1);
      const key = `alphas_${edge.declaredSet}`;
      const tensor = tensors[key];
      const row = (tensor as number[][][] | undefined)?.[c]?.[k];
      if (!Array.isArray(row) || row.length < edge.ops.length) {
        throw new RangeError(`${key}[${c}][${k}] (cell ${c}, edge ${edge.name}) should hold at least ${edge.ops.length} numbers`);
      }
      return row.slice(0, edge.ops.length).map(Number);
    });
  });
}

/** Softmax weights of every edge, for reports: [cell][edge][op]. */
export const edgeWeights = (alphas: NetworkAlphas): number[][][] => alphas.map((cell) => cell.map((row) => softmax(row)));

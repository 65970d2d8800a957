import { reachingNodes } from './dag.js';
import type { CellGenotype, NetworkGenotype } from './genotype.js';
import { isZeroOp } from './ops.js';
import type { CellModel, EdgeModel, NetworkModel, OpRef } from './space.js';

/** One edge of a discrete cell: the single operation chosen for it. */
export interface ChosenEdge {
  readonly edge: EdgeModel;
  readonly op: OpRef;
}

/**
 * The edges a discrete cell actually builds: those whose chosen operation is not a zero op
 * and whose target node still reaches the output or the skip output. A dropped edge is not
 * built at all (no weights, no compute), as in the reference's derived networks.
 */
export function chosenEdges(cell: CellModel, genotype: CellGenotype): ChosenEdge[] {
  const kept = cell.edges
    .map((edge) => ({ edge, op: edge.ops.find((o) => o.name === genotype[edge.name])! }))
    .filter(({ op }) => !isZeroOp(op.def));
  const live = reachingNodes([cell.output, ...(cell.skipOut ? [cell.skipOut] : [])], kept.map((k) => k.edge));
  return kept.filter(({ edge }) => live.has(edge.to));
}

export const chosenNetwork = (network: NetworkModel, genotype: NetworkGenotype): ChosenEdge[][] =>
  network.cells.map((cell, i) => chosenEdges(cell, genotype[i]!));

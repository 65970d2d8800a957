import { reachingNodes } from './dag.js';
import { chosenEdges } from './derived.js';
import type { CellGenotype, GenotypeIssue, NetworkGenotype, NetworkName } from './genotype.js';
import { isZeroOp } from './ops.js';
import type { CellModel, NetworkModel } from './space.js';

/**
 * Whether a discrete network can be built and carries its input to its output. A zero
 * operation (`none`) drops its edge, so a genotype can leave a cell's output without an
 * input, or leave a node that feeds a kept edge without one; the derived cell refuses both
 * when it is built, deep inside training. Checked here so that they are reported at the
 * genotype's line instead. Expects a genotype that names a valid operation on every edge.
 */
export function checkNetworkPaths(network: NetworkModel, name: NetworkName, genotype: NetworkGenotype): GenotypeIssue[] {
  return network.cells.flatMap((cell, c) => checkCellPaths(cell, name, c, genotype[c]!));
}

const opOf = (cell: CellModel, genotype: CellGenotype, edge: string) => cell.edges.find((e) => e.name === edge)!.ops.find((o) => o.name === genotype[edge])!;

function checkCellPaths(cell: CellModel, name: NetworkName, c: number, genotype: CellGenotype): GenotypeIssue[] {
  const where = `${name} cell ${c} (${cell.type})`;
  const kept = cell.edges.filter((edge) => !isZeroOp(opOf(cell, genotype, edge.name).def));
  if (!reachableFrom(cell.input, kept).has(cell.output)) {
    // The edges on some path from the input to the output: one of them must carry it.
    const fromInput = reachableFrom(cell.input, cell.edges);
    const toOutput = reachingNodes([cell.output], cell.edges);
    const onPaths = cell.edges.filter((e) => fromInput.has(e.from) && toOutput.has(e.to) && !kept.includes(e));
    return [{
      kind: 'path',
      path: [name, c],
      message: `the ${name} has no path from the input to the output: in ${where}, every path from \`${cell.input}\` to the output \`${cell.output}\` crosses an edge whose operation drops it (${onPaths.map((e) => `${e.name}: ${genotype[e.name]}`).join(', ')})`,
    }];
  }
  const live = chosenEdges(cell, genotype).map((k) => k.edge);
  const needed = new Set([cell.output, ...(cell.skipOut ? [cell.skipOut] : []), ...live.map((e) => e.from)]);
  needed.delete(cell.input);
  return cell.nodes
    .filter((node) => needed.has(node) && !live.some((e) => e.to === node))
    .map((node) => {
      const feeds = live.filter((e) => e.from === node).map((e) => e.name);
      const role = node === cell.skipOut ? 'the skip output' : `edge${feeds.length > 1 ? 's' : ''} ${feeds.join(', ')}`;
      return {
        kind: 'path' as const,
        path: [name, c],
        message: `${where}: node \`${node}\` feeds ${role}, but every edge into it has an operation that drops it (${cell.edges.filter((e) => e.to === node).map((e) => `${e.name}: ${genotype[e.name]}`).join(', ')})`,
      };
    });
}

function reachableFrom(start: string, edges: readonly { from: string; to: string }[]): Set<string> {
  const seen = new Set([start]);
  let changed = true;
  while (changed) {
    changed = false;
    for (const e of edges) {
      if (seen.has(e.from) && !seen.has(e.to)) {
        seen.add(e.to);
        changed = true;
      }
    }
  }
  return seen;
}

import { reachingNodes, topologicalOrder } from '../../nas/dag.js';
import type { CellDef, ResolvedSpec } from '../types.js';
import { didYouMean } from '../suggest.js';
import { error, type Issue } from './issue.js';

/** Each cell type is a well-formed DAG: known nodes and sets, no cycles, no dead or orphan nodes. */
export function checkCells(spec: ResolvedSpec): Issue[] {
  return Object.entries(spec.cells).flatMap(([name, cell]) => checkCell(spec, name, cell));
}

function checkCell(spec: ResolvedSpec, name: string, cell: CellDef): Issue[] {
  const issues: Issue[] = [];
  const at = (...rest: (string | number)[]) => ['cells', name, ...rest];
  const nodes = new Set(cell.nodes);
  const all = [cell.input, ...cell.nodes];
  const sets = Object.keys(spec.operationSets);
  if (nodes.has(cell.input)) {
    issues.push(error('duplicate-node', at('nodes'), `cell \`${name}\`: \`${cell.input}\` is the cell's input and cannot also be a computed node`));
  }
  const edgeNames = new Map<string, number>();
  const pairs = new Map<string, number>();
  let edgesOk = true;
  cell.edges.forEach((edge, i) => {
    const edgeName = edge.name ?? `e${i}`;
    if (edgeNames.has(edgeName)) {
      issues.push(error('duplicate-edge-name', at('edges', i, 'name'), `cell \`${name}\`: edge name \`${edgeName}\` is used twice (edges ${edgeNames.get(edgeName)} and ${i})`));
    }
    edgeNames.set(edgeName, i);
    if (!all.includes(edge.from)) {
      edgesOk = false;
      issues.push(error('unknown-node', at('edges', i, 'from'), `cell \`${name}\`: edge ${edgeName} starts at \`${edge.from}\`, which is neither the input \`${cell.input}\` nor a node`, didYouMean(edge.from, all)));
    }
    if (edge.to === cell.input) {
      edgesOk = false;
      issues.push(error('edge-into-input', at('edges', i, 'to'), `cell \`${name}\`: edge ${edgeName} ends at the cell's input \`${cell.input}\``, 'edges go from the input or a node to a node'));
    } else if (!nodes.has(edge.to)) {
      edgesOk = false;
      issues.push(error('unknown-node', at('edges', i, 'to'), `cell \`${name}\`: edge ${edgeName} ends at \`${edge.to}\`, which is not one of its nodes (${cell.nodes.join(', ')})`, didYouMean(edge.to, cell.nodes)));
    }
    const pair = `${edge.from}->${edge.to}`;
    if (pairs.has(pair)) {
      issues.push(error('duplicate-edge', at('edges', i), `cell \`${name}\`: edges ${pairs.get(pair)} and ${i} both go from \`${edge.from}\` to \`${edge.to}\``, 'an edge already mixes all operations of its set'));
    }
    pairs.set(pair, i);
    if (!Object.hasOwn(spec.operationSets, edge.ops)) {
      issues.push(error('unknown-set', at('edges', i, 'ops'), `cell \`${name}\`: edge ${edgeName} uses operation set \`${edge.ops}\`, which is not defined under \`operationSets\``, didYouMean(edge.ops, sets)));
    }
  });
  for (const field of ['output', 'skipOut', 'skipIn'] as const) {
    const node = cell[field];
    if (node !== undefined && !nodes.has(node)) {
      edgesOk = false;
      issues.push(error('unknown-node', at(field), `cell \`${name}\`: \`${field}: ${node}\` is not one of its nodes (${cell.nodes.join(', ')})`, didYouMean(node, cell.nodes)));
    }
  }
  if (!edgesOk) return issues;
  const { cycle } = topologicalOrder(all, cell.edges);
  if (cycle) {
    issues.push(error('cycle', at('edges'), `cell \`${name}\` has a cycle: ${cycle.join(' → ')}`, 'a cell must be a DAG: remove one of these edges'));
    return issues;
  }
  cell.nodes.forEach((node, i) => {
    if (!cell.edges.some((e) => e.to === node)) {
      issues.push(error('node-without-input', at('nodes', i), `cell \`${name}\`: node \`${node}\` has no incoming edge`, `add an edge \`{ from: …, to: ${node}, ops: … }\` or remove the node`));
    }
  });
  const live = reachingNodes([cell.output, ...(cell.skipOut ? [cell.skipOut] : [])], cell.edges);
  cell.nodes.forEach((node, i) => {
    if (!live.has(node)) {
      issues.push(error('node-unreachable', at('nodes', i), `cell \`${name}\`: node \`${node}\` does not reach the output \`${cell.output}\``, 'connect it to a later node or remove it'));
    }
  });
  if (!live.has(cell.input)) {
    issues.push(error('input-unused', at('input'), `cell \`${name}\`: the output \`${cell.output}\` does not depend on the input \`${cell.input}\``));
  }
  return issues;
}

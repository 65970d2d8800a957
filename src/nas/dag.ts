/** Plain graph helpers for cell DAGs (node names, edges between them). */

export interface DagEdge {
  readonly from: string;
  readonly to: string;
}

/**
 * Kahn's algorithm. Returns the nodes in an order where every edge goes forward, or the
 * nodes on a cycle when there is one. Ties keep declaration order, so the order is stable.
 */
export function topologicalOrder(nodes: readonly string[], edges: readonly DagEdge[]): { order: string[]; cycle?: string[] } {
  const indegree = new Map(nodes.map((n) => [n, 0]));
  for (const e of edges) if (indegree.has(e.to) && indegree.has(e.from)) indegree.set(e.to, indegree.get(e.to)! + 1);
  const order: string[] = [];
  const ready = nodes.filter((n) => indegree.get(n) === 0);
  while (ready.length) {
    const node = ready.shift()!;
    order.push(node);
    for (const e of edges) {
      if (e.from !== node || !indegree.has(e.to)) continue;
      const d = indegree.get(e.to)! - 1;
      indegree.set(e.to, d);
      if (d === 0) ready.push(e.to);
    }
  }
  if (order.length === nodes.length) return { order };
  return { order, cycle: findCycle(nodes.filter((n) => !order.includes(n)), edges) };
}

function findCycle(candidates: readonly string[], edges: readonly DagEdge[]): string[] {
  const inSet = new Set(candidates);
  // Every node left over by Kahn's algorithm has an incoming edge from another left-over
  // node, so walking predecessors must come back to a node already seen.
  const previous = (n: string) => edges.find((e) => e.to === n && inSet.has(e.from))!.from;
  const path: string[] = [];
  let node = candidates[0]!;
  while (!path.includes(node)) {
    path.push(node);
    node = previous(node);
  }
  return [...path.slice(path.indexOf(node)), node].reverse();
}

/** Nodes from which `targets` can be reached (targets included). */
export function reachingNodes(targets: readonly string[], edges: readonly DagEdge[]): Set<string> {
  const seen = new Set(targets);
  let changed = true;
  while (changed) {
    changed = false;
    for (const e of edges) {
      if (seen.has(e.to) && !seen.has(e.from)) {
        seen.add(e.from);
        changed = true;
      }
    }
  }
  return seen;
}

import { chosenEdges } from '../../nas/derived.js';
import { toReferenceMatrix, type Genotype, type NetworkName } from '../../nas/genotype.js';
import type { CellModel, SpaceModel } from '../../nas/space.js';
import { NETWORK_TITLE } from './architecture.js';
import type { DerivedCell, DerivedNetwork } from './types.js';

/** Mermaid ids must not collide with keywords (`end`, `graph`) or contain odd characters. */
const nodeId = (name: string) => `node_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
const quoted = (text: string) => `"${text.replace(/"/g, '#quot;')}"`;

/**
 * A derived cell as a Mermaid flowchart: the operations it builds on solid edges, labelled
 * with their display names; edges that chose the zero op or lead nowhere dotted and grey, so
 * the cell's shape stays readable.
 */
export function cellMermaid(cell: CellModel, genotype: Readonly<Record<string, string>>): string {
  const kept = new Set(chosenEdges(cell, genotype).map((k) => k.edge.name));
  const lines = ['flowchart LR'];
  const roles = (node: string) => [node === cell.skipIn ? 'skip in' : '', node === cell.skipOut ? 'skip out' : ''].filter(Boolean).join(', ');
  lines.push(`  ${nodeId(cell.input)}([${quoted(`${cell.input} (input)`)}])`);
  for (const node of cell.nodes) {
    const role = roles(node);
    const text = `${node}${node === cell.output ? ' (output)' : ''}${role ? ` (${role})` : ''}`;
    lines.push(node === cell.output ? `  ${nodeId(node)}((${quoted(text)}))` : `  ${nodeId(node)}[${quoted(text)}]`);
  }
  const dropped: number[] = [];
  cell.edges.forEach((edge, i) => {
    const op = edge.ops.find((o) => o.name === genotype[edge.name]);
    const label = op?.label ?? genotype[edge.name] ?? '?';
    if (kept.has(edge.name)) lines.push(`  ${nodeId(edge.from)} -->|${quoted(label)}| ${nodeId(edge.to)}`);
    else {
      lines.push(`  ${nodeId(edge.from)} -.->|${quoted(label)}| ${nodeId(edge.to)}`);
      dropped.push(i);
    }
  });
  if (dropped.length) lines.push(`  linkStyle ${dropped.join(',')} stroke:#bbb,color:#999`);
  return lines.join('\n');
}

/** The derived networks: a drawing and an edge table per cell, and the reference matrix. */
export function derivedNetworks(space: SpaceModel, genotype: Genotype): DerivedNetwork[] {
  const networks: DerivedNetwork[] = [];
  for (const key of ['generator', 'discriminator'] as const satisfies readonly NetworkName[]) {
    const chosen = genotype[key];
    if (!chosen) continue;
    const model = space[key];
    const cells: DerivedCell[] = model.cells.map((cell, c) => {
      const g = chosen[c] ?? {};
      const kept = new Set(chosenEdges(cell, g).map((k) => k.edge.name));
      return {
        cell: c,
        type: cell.type,
        mermaid: cellMermaid(cell, g),
        edges: cell.edges.map((edge) => ({
          edge: edge.name,
          from: edge.from,
          to: edge.to,
          op: g[edge.name] ?? '?',
          label: edge.ops.find((o) => o.name === g[edge.name])?.label ?? g[edge.name] ?? '?',
          kept: kept.has(edge.name),
        })),
      };
    });
    const matrix = toReferenceMatrix(model, chosen);
    networks.push({ name: NETWORK_TITLE[key], key, cells, matrix: `[${matrix.map((row) => `[${row.join(', ')}]`).join(',\n ')}]` });
  }
  return networks;
}

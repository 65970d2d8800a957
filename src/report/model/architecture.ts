import { deriveNetwork, edgeWeights, softmax, type NetworkAlphas } from '../../nas/derive.js';
import type { NetworkGenotype, NetworkName } from '../../nas/genotype.js';
import type { CellModel, EdgeModel, NetworkModel } from '../../nas/space.js';
import { thin } from './curves.js';
import type { AlphaSnapshot } from './input.js';
import type { CellWeights, ChartModel, EdgeChanges, HeatmapModel } from './types.js';

export const NETWORK_TITLE: Record<NetworkName, string> = { generator: 'Generator (G)', discriminator: 'Discriminator (D)' };
const SHORT: Record<NetworkName, string> = { generator: 'G', discriminator: 'D' };

/** Column names of an edge's operations: labels, unless two ops of the edge share one. */
function columnsOf(edge: EdgeModel): string[] {
  const labels = edge.ops.map((o) => o.label);
  return edge.ops.map((o, i) => (labels.indexOf(o.label) === labels.lastIndexOf(o.label) ? labels[i]! : o.name));
}

export const edgeTitle = (edge: EdgeModel): string => `${edge.name} (${edge.from}→${edge.to})`;

export interface NetworkWeightsInput {
  readonly key: NetworkName;
  readonly model: NetworkModel;
  /** Raw architecture parameters at the end of the search (or its last snapshot). */
  readonly final: NetworkAlphas;
  readonly history: readonly AlphaSnapshot[];
  /** The derived choice per cell; argmax of `final` when derive has not run. */
  readonly chosen: NetworkGenotype;
  readonly repair: boolean;
  readonly assets: string;
}

/** Heatmap, evolution chart and choice history of every cell of one network. */
export function networkWeights(input: NetworkWeightsInput): CellWeights[] {
  const { key, model, assets } = input;
  const finalWeights = edgeWeights(input.final);
  const snapshots = input.history.filter((h) => h[key] !== undefined);
  const derivedOverTime = snapshots.map((h) => ({ iteration: h.iteration, genotype: deriveNetwork(model, h[key]!, { repair: input.repair }) }));
  return model.cells.map((cell, c) => {
    const chosen = input.chosen[c] ?? {};
    const heatmap = cellHeatmap(cell, finalWeights[c] ?? [], chosen, `${assets}/weights-${SHORT[key]}-cell${c}.svg`, `${SHORT[key]} cell ${c} (${cell.type}): softmax weights at the end of the search`);
    const evolution = snapshots.length > 1 ? cellEvolution(cell, c, key, snapshots, chosen, `${assets}/evolution-${SHORT[key]}-cell${c}.svg`) : undefined;
    const changes = cell.edges.map((edge) => edgeChanges(edge, derivedOverTime.map((d) => ({ iteration: d.iteration, op: d.genotype[c]?.[edge.name] })), chosen[edge.name]));
    return { network: key, cell: c, type: cell.type, heatmap, ...(evolution ? { evolution } : {}), changes };
  });
}

function cellHeatmap(cell: CellModel, weights: readonly (readonly number[])[], chosen: Readonly<Record<string, string>>, path: string, title: string): HeatmapModel {
  const columns: string[] = [];
  const cells: HeatmapModel['cells'][number][] = [];
  cell.edges.forEach((edge, e) => {
    const names = columnsOf(edge);
    edge.ops.forEach((op, o) => {
      const column = names[o]!;
      if (!columns.includes(column)) columns.push(column);
      cells.push({ row: edgeTitle(edge), column, value: weights[e]?.[o] ?? 0, chosen: chosen[edge.name] === op.name });
    });
  });
  return { kind: 'heatmap', path, title, rows: cell.edges.map(edgeTitle), columns, cells };
}

function cellEvolution(
  cell: CellModel,
  c: number,
  key: NetworkName,
  snapshots: readonly AlphaSnapshot[],
  chosen: Readonly<Record<string, string>>,
  path: string,
): ChartModel {
  const kept = thin(snapshots);
  const series = cell.edges.map((edge, e) => {
    const index = Math.max(0, edge.ops.findIndex((o) => o.name === chosen[edge.name]));
    const points = kept.map((s) => [s.iteration, softmax(s[key]![c]![e]!)[index]!] as const);
    return { name: `${edge.name} → ${edge.ops[index]!.label}`, points };
  });
  return {
    kind: 'chart',
    path,
    title: `${SHORT[key]} cell ${c} (${cell.type}): weight of each edge's chosen operation`,
    x: { title: 'iteration' },
    y: { title: 'softmax weight' },
    series,
  };
}

/** The runs of equal choices over the snapshots, as "a (0) → b (40)". */
function edgeChanges(edge: EdgeModel, timeline: readonly { iteration: number; op: string | undefined }[], final: string | undefined): EdgeChanges {
  const label = (name: string | undefined) => edge.ops.find((o) => o.name === name)?.label ?? name ?? '?';
  const runs: { iteration: number; op: string | undefined }[] = [];
  for (const point of timeline) if (runs[runs.length - 1]?.op !== point.op) runs.push(point);
  return {
    edge: edgeTitle(edge),
    history: runs.map((r) => `${label(r.op)} (${r.iteration})`).join(' → ') || '–',
    final: label(final),
    changes: Math.max(0, runs.length - 1),
  };
}

import { checkNetworkPaths } from './genotypePaths.js';
import type { CellModel, NetworkModel, SpaceModel } from './space.js';

/** For every cell of a network, the operation chosen on each edge (edge name → op name). */
export type CellGenotype = Readonly<Record<string, string>>;
export type NetworkGenotype = readonly CellGenotype[];

/** A discrete architecture. A network may be absent (e.g. the reference's .npy holds only G). */
export interface Genotype {
  readonly generator?: NetworkGenotype;
  readonly discriminator?: NetworkGenotype;
}

export type NetworkName = 'generator' | 'discriminator';

/** Something in a genotype that does not fit the space, with its path inside the genotype. */
export interface GenotypeIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
  /** `path`: the operations fit their edges, but the network they make does not connect. */
  readonly kind?: 'path';
}

const opNames = (cell: CellModel, edge: string) => cell.edges.find((e) => e.name === edge)?.ops.map((o) => o.name) ?? [];

/**
 * Checks that a network genotype names, for every cell and edge, an operation of that edge's
 * set, and that the network it describes carries its input to its output.
 */
export function checkNetworkGenotype(network: NetworkModel, name: NetworkName, genotype: NetworkGenotype): GenotypeIssue[] {
  const issues: GenotypeIssue[] = [];
  if (genotype.length !== network.cells.length) {
    issues.push({ path: [name], message: `the ${name} has ${network.cells.length} cells but the genotype lists ${genotype.length}` });
    return issues;
  }
  network.cells.forEach((cell, c) => {
    const chosen = genotype[c]!;
    for (const edge of cell.edges) {
      const op = chosen[edge.name];
      if (op === undefined) {
        issues.push({ path: [name, c], message: `${name} cell ${c} (${cell.type}): edge \`${edge.name}\` has no operation` });
      } else if (!edge.ops.some((o) => o.name === op)) {
        issues.push({
          path: [name, c, edge.name],
          message: `${name} cell ${c} (${cell.type}), edge \`${edge.name}\`: \`${op}\` is not in its operation set \`${edge.set}\` (${opNames(cell, edge.name).join(', ')})`,
        });
      }
    }
    for (const key of Object.keys(chosen)) {
      if (!cell.edges.some((e) => e.name === key)) {
        issues.push({
          path: [name, c, key],
          message: `${name} cell ${c} (${cell.type}) has no edge \`${key}\` (edges: ${cell.edges.map((e) => e.name).join(', ')})`,
        });
      }
    }
  });
  // Only a genotype that names an operation on every edge can be followed edge by edge.
  return issues.length ? issues : checkNetworkPaths(network, name, genotype);
}

export function checkGenotype(space: SpaceModel, genotype: Genotype): GenotypeIssue[] {
  return [
    ...(genotype.generator ? checkNetworkGenotype(space.generator, 'generator', genotype.generator) : []),
    ...(genotype.discriminator ? checkNetworkGenotype(space.discriminator, 'discriminator', genotype.discriminator) : []),
  ];
}

/**
 * The reference code's integer encoding: one row per cell, one column per edge in the cell's
 * edge order, each value the index of the chosen operation in the edge's set.
 */
export function toReferenceMatrix(network: NetworkModel, genotype: NetworkGenotype): number[][] {
  return network.cells.map((cell, c) => cell.edges.map((edge) => edge.ops.findIndex((o) => o.name === genotype[c]![edge.name])));
}

export function fromReferenceMatrix(
  network: NetworkModel,
  name: NetworkName,
  rows: readonly (readonly number[])[],
): { genotype?: NetworkGenotype; issues: GenotypeIssue[] } {
  const issues: GenotypeIssue[] = [];
  if (rows.length !== network.cells.length) {
    return { issues: [{ path: [], message: `the ${name} has ${network.cells.length} cells but the matrix has ${rows.length} rows` }] };
  }
  const genotype = network.cells.map((cell, c) => {
    const row = rows[c]!;
    if (row.length !== cell.edges.length) {
      issues.push({ path: [c], message: `row ${c}: cell ${c} (${cell.type}) has ${cell.edges.length} edges but the row has ${row.length} values` });
      return {};
    }
    const entries = cell.edges.map((edge, e) => {
      const index = row[e]!;
      const op = edge.ops[index];
      if (!Number.isInteger(index) || op === undefined) {
        issues.push({
          path: [c, e],
          message: `row ${c}, column ${e} (edge \`${edge.name}\`): ${index} is not an index into \`${edge.set}\` (0..${edge.ops.length - 1})`,
        });
        return [edge.name, ''] as const;
      }
      return [edge.name, op.name] as const;
    });
    return Object.fromEntries(entries);
  });
  return issues.length ? { issues } : { genotype, issues };
}

import type { ResolvedSpec } from '../types.js';
import { error, type Issue } from './issue.js';

/**
 * Names the spec defines (operations, sets, cells, their inputs, nodes and edges) become
 * keys of plain objects here and in the networks; one that an object already inherits
 * (`constructor`, `toString`, `__proto__`, …) would be found where nothing was defined.
 */
export function checkReservedNames(spec: ResolvedSpec): Issue[] {
  const issues: Issue[] = [];
  const check = (name: string, path: (string | number)[], key: boolean) => {
    if (name in Object.prototype) {
      issues.push(error('reserved-name', path, `\`${name}\` is a reserved word and cannot be used as a name`, `choose another name, e.g. \`${name}_1\``, key));
    }
  };
  for (const name of Object.keys(spec.operations)) check(name, ['operations', name], true);
  for (const name of Object.keys(spec.operationSets)) check(name, ['operationSets', name], true);
  for (const [name, cell] of Object.entries(spec.cells)) {
    check(name, ['cells', name], true);
    check(cell.input, ['cells', name, 'input'], false);
    cell.nodes.forEach((node, i) => check(node, ['cells', name, 'nodes', i], false));
    cell.edges.forEach((edge, i) => {
      if (edge.name !== undefined) check(edge.name, ['cells', name, 'edges', i, 'name'], false);
    });
  }
  return issues;
}

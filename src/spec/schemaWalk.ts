import type { SpecPath } from './problems.js';
import { experimentSchema } from './schema.js';

type SchemaNode = Record<string, unknown>;

function deref(node: SchemaNode | undefined): SchemaNode | undefined {
  let current = node;
  for (let i = 0; current && typeof current.$ref === 'string' && i < 10; i++) {
    const name = (current.$ref as string).replace('#/$defs/', '');
    current = (experimentSchema.$defs as Record<string, SchemaNode>)[name];
  }
  return current;
}

/** The schema that describes the value at `path` (following $ref, properties, maps and lists). */
export function schemaAt(path: SpecPath): SchemaNode | undefined {
  let node = deref(experimentSchema);
  for (const segment of path) {
    if (!node) return undefined;
    const properties = node.properties as Record<string, SchemaNode> | undefined;
    if (typeof segment === 'number') node = deref(node.items as SchemaNode | undefined);
    else if (properties && segment in properties) node = deref(properties[segment]);
    else if (node.additionalProperties && typeof node.additionalProperties === 'object') node = deref(node.additionalProperties as SchemaNode);
    else return undefined;
  }
  return node;
}

/** Objects the schema marks `x-merge: replace` are replaced as a whole by `extends` merges. */
export const replacedOnMerge = (path: SpecPath): boolean => schemaAt(path)?.['x-merge'] === 'replace';

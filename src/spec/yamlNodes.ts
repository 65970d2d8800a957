import { isAlias, isCollection, isScalar, visit, type Document, type Node } from 'yaml';

/** Something in a YAML document that has no plain-data value, with the span of its node. */
export interface NodeProblem {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  readonly range: readonly [number, number];
}

/**
 * Finds what would make the document's conversion to plain data fail or lie, before it is
 * converted: an alias with no anchor before it (yaml throws), an alias inside the node it
 * names (yaml builds a circular value, on which every later step recurses forever), and a
 * key that is a list, mapping or alias (yaml turns it into text and warns on the console).
 */
export function checkNodes(doc: Document): NodeProblem[] {
  const problems: NodeProblem[] = [];
  const anchors = new Map<string, Node>();
  visit(doc, {
    Node(_key, node, path) {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (!target) {
          problems.push({ code: 'yaml-alias', message: `the alias \`*${node.source}\` names no anchor \`&${node.source}\` set before it`, hint: 'an anchor (&name) must come before every alias (*name) that repeats it', range: rangeOf(node) });
        } else if (path.includes(target)) {
          problems.push({ code: 'yaml-alias', message: `the alias \`*${node.source}\` is inside the value anchored \`&${node.source}\`: a value cannot contain itself`, range: rangeOf(node) });
        }
      } else if (node.anchor) {
        anchors.set(node.anchor, node);
      }
    },
    Pair(_key, pair) {
      if (pair.key !== null && !isScalar(pair.key) && (isCollection(pair.key) || isAlias(pair.key))) {
        problems.push({ code: 'yaml-key', message: 'a key must be a plain name, not a list, a mapping or an alias', range: rangeOf(pair.key as Node) });
      }
    },
  });
  return problems;
}

/** The first alias of the document, where an over-expansion is reported. */
export function firstAlias(doc: Document): Node | undefined {
  let found: Node | undefined;
  visit(doc, {
    Alias(_key, node) {
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

export const rangeOf = (node: Node | null | undefined): [number, number] => (node?.range ? [node.range[0], node.range[1]] : [0, 0]);

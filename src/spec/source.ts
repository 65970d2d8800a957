import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Location, Problem, SpecPath } from './problems.js';
import { checkNodes, firstAlias, rangeOf } from './yamlNodes.js';

/**
 * One parsed YAML text that remembers where every value came from. `file` is a display
 * name: a path, or `--set` for command-line overrides.
 */
export interface SourceText {
  readonly file: string;
  readonly text: string;
  readonly value: unknown;
  /** Location of the value at `path` (or of its key when `key` is set); undefined if absent. */
  locate(path: SpecPath, key?: boolean): Location | undefined;
  has(path: SpecPath): boolean;
}

/** The most values the aliases of one document may expand to. */
const ALIAS_LIMIT = 1000;

const YAML_CODES: Record<string, string> = {
  DUPLICATE_KEY: 'duplicate-key',
};

export function parseYaml(file: string, text: string): { source: SourceText; problems: Problem[] } {
  const lineCounter = new LineCounter();
  // Tags beyond YAML 1.2's core (!!binary, !!timestamp, …) stay text: a spec is plain data.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, resolveKnownTags: false });
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const problems: Problem[] = [];
  for (const error of [...doc.errors, ...doc.warnings]) {
    const [start, end] = error.pos;
    const isError = doc.errors.includes(error);
    const code = YAML_CODES[error.code] ?? (isError ? 'yaml-syntax' : 'yaml-warning');
    problems.push({
      severity: isError ? 'error' : 'warning',
      code,
      message: yamlMessage(error.code, error.message, /^[^:\s]*/.exec(text.slice(start))?.[0] ?? text.slice(start, end)),
      path: [],
      location: { file, start: position(start), end: position(end) },
    });
  }
  const located = (code: string, message: string, range: readonly [number, number], hint?: string): Problem => ({
    severity: 'error',
    code,
    message,
    ...(hint ? { hint } : {}),
    path: [],
    location: { file, start: position(range[0]), end: position(range[1]) },
  });
  if (doc.errors.length === 0) {
    for (const p of checkNodes(doc)) problems.push(located(p.code, p.message, p.range, p.hint));
  }
  let value: unknown;
  if (!problems.some((p) => p.severity === 'error')) {
    try {
      value = doc.toJS({ maxAliasCount: ALIAS_LIMIT });
    } catch (error) {
      // yaml refuses aliases that expand past the limit (a "billion laughs" document).
      problems.push(located('yaml-alias', `YAML aliases here expand to more than ${ALIAS_LIMIT} values: ${(error as Error).message}`, rangeOf(firstAlias(doc)), 'repeat values by writing them out, or with extends'));
    }
  }
  const locate = (path: SpecPath, key = false): Location | undefined => {
    const range = findRange(doc, path, key);
    return range && { file, start: position(range[0]), end: position(range[1]) };
  };
  const has = (path: SpecPath) => findNode(doc, path) !== undefined;
  return { source: { file, text, value, locate, has }, problems };
}

/** yaml's own messages carry a code frame of their own; keep only the first sentence. */
function yamlMessage(code: string, message: string, excerpt: string): string {
  const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  if (code === 'DUPLICATE_KEY') return `duplicate key \`${excerpt.trim()}\`: each key may appear once in a mapping`;
  return `YAML syntax error: ${first}`;
}

type Found = { node: Node | null; keyNode?: Node | null; parent?: Node };

function findNode(doc: Document, path: SpecPath): Found | undefined {
  let node: Node | null = doc.contents;
  let keyNode: Node | null | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) return undefined;
      keyNode = pair.key as Node;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) return undefined;
      keyNode = undefined;
      node = item as Node | null;
    } else {
      return undefined;
    }
  }
  return { node, keyNode };
}

function findRange(doc: Document, path: SpecPath, key: boolean): [number, number] | undefined {
  const found = findNode(doc, path);
  if (!found) return undefined;
  const target = key && found.keyNode ? found.keyNode : (found.node ?? found.keyNode);
  if (target?.range) return [target.range[0], target.range[1]];
  if (path.length === 0) return [0, 0];
  return undefined;
}

/** A spec value set on the command line (`--set a.b=c`), located inside the argument text. */
export function setSource(argument: string, path: SpecPath, value: unknown, valueOffset: number): SourceText {
  const file = `--set ${argument}`;
  const nested = path.reduceRight<unknown>((inner, segment) => ({ [segment]: inner }), value);
  const here = (offset: number): Location => ({
    file,
    start: { line: 1, column: offset + 1 },
    end: { line: 1, column: argument.length + 1 },
  });
  const isPrefix = (p: SpecPath) => p.length <= path.length && p.every((s, i) => String(s) === String(path[i]));
  const inValue = (p: SpecPath) => p.length > path.length && p.slice(0, path.length).every((s, i) => String(s) === String(path[i]));
  return {
    file,
    text: argument,
    value: nested,
    locate: (p, key) => (isPrefix(p) ? here(key || p.length < path.length ? 0 : valueOffset) : inValue(p) ? here(valueOffset) : undefined),
    has: (p) => isPrefix(p) || (inValue(p) && hasIn(value, p.slice(path.length))),
  };
}

/** Whether `path` leads to a value inside `value`. */
export function hasIn(value: unknown, path: SpecPath): boolean {
  let node = value;
  for (const segment of path) {
    if (node === null || typeof node !== 'object' || !(String(segment) in node)) return false;
    node = (node as Record<string, unknown>)[String(segment)];
  }
  return true;
}

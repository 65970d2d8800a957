import { parseDocument } from 'yaml';
import type { Problem, SpecPath } from './problems.js';
import { setSource, type SourceText } from './source.js';
import { checkNodes } from './yamlNodes.js';

export interface Override {
  readonly path: SpecPath;
  readonly value: unknown;
  readonly source: SourceText;
}

/**
 * Parses `--set a.b.c=value`. The value is read as YAML, so numbers, booleans, lists
 * (`[fid, kid]`) and strings all work; numeric segments index arrays
 * (`searchSpace.generator.cells.2.injectLatent=false`). Type checks happen later, against the
 * schema, with the argument itself as the location.
 */
export function parseOverride(argument: string): { override?: Override; problems: Problem[] } {
  const eq = argument.indexOf('=');
  const bad = (message: string): { problems: Problem[] } => ({
    problems: [{
      severity: 'error',
      code: 'bad-set',
      message,
      hint: 'write --set path.to.key=value, e.g. --set search.batch.discriminator=64',
      path: [],
      location: { file: `--set ${argument}`, start: { line: 1, column: 1 } },
    }],
  });
  if (eq <= 0) return bad(`\`--set ${argument}\` needs the form key.path=value`);
  const keyText = argument.slice(0, eq).trim();
  const segments = keyText.split('.');
  if (segments.some((s) => s === '')) return bad(`\`${keyText}\` is not a valid key path`);
  const path = segments.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const raw = argument.slice(eq + 1);
  let value: unknown = '';
  if (raw.trim() !== '') {
    // Read as a spec file is read: the same tags, and no aliases that yaml cannot resolve.
    const doc = parseDocument(raw, { uniqueKeys: true, prettyErrors: false, resolveKnownTags: false });
    const trouble = doc.errors[0]?.message ?? checkNodes(doc)[0]?.message;
    if (trouble !== undefined) return bad(`cannot read the value of \`--set ${argument}\`: ${trouble.split('\n')[0]}`);
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (error) {
      return bad(`cannot read the value of \`--set ${argument}\`: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  return { override: { path, value, source: setSource(argument, path, value, eq + 1) }, problems: [] };
}

/** Writes `value` at `path` inside a copy of `target`, creating objects on the way. */
export function applyOverride(target: Record<string, unknown>, override: Override): { value: Record<string, unknown>; problem?: Problem } {
  const root = structuredClone(target);
  let node: unknown = root;
  const { path } = override;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i]!;
    const container = node as Record<string, unknown> | unknown[];
    let next = (container as Record<string, unknown>)[String(segment)];
    if (next === undefined || next === null) {
      if (Array.isArray(container)) return { value: target, problem: outOfRange(override, i) };
      next = typeof path[i + 1] === 'number' ? [] : {};
      (container as Record<string, unknown>)[String(segment)] = next;
    } else if (typeof next !== 'object') {
      return {
        value: target,
        problem: {
          severity: 'error',
          code: 'bad-set',
          message: `cannot set \`${path.slice(0, i + 2).join('.')}\`: \`${path.slice(0, i + 1).join('.')}\` is a ${typeof next}, not a mapping`,
          path: path.slice(0, i + 1),
          location: override.source.locate(path.slice(0, i + 1), true),
        },
      };
    }
    node = next;
  }
  const last = path[path.length - 1]!;
  if (Array.isArray(node) && (typeof last !== 'number' || last > node.length)) return { value: target, problem: outOfRange(override, path.length - 1) };
  if (override.value === null && !Array.isArray(node)) delete (node as Record<string, unknown>)[String(last)];
  else (node as Record<string, unknown>)[String(last)] = structuredClone(override.value);
  return { value: root };
}

function outOfRange(override: Override, index: number): Problem {
  const prefix = override.path.slice(0, index);
  return {
    severity: 'error',
    code: 'bad-set',
    message: `cannot set \`${override.path.join('.')}\`: \`${prefix.join('.')}\` is a list and \`${override.path[index]}\` is not an index in it`,
    path: prefix,
    location: override.source.locate(prefix, true),
  };
}

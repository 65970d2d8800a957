// Generates src/spec/types.generated.ts from schema/experiment.schema.json.
// Two views of one schema: what a user writes (`ExperimentSpec`, optional keys) and what
// resolveSpec() returns (`ResolvedSpec`: every key that has a schema default is present).
// test/unit/spec/types.test.ts regenerates in memory and fails when the file has drifted.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
export const outFile = `${root}src/spec/types.generated.ts`;

/** Marks every property that has a default as required, recursively. */
function withDefaultsRequired(node) {
  if (Array.isArray(node)) return node.map(withDefaultsRequired);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) out[key] = withDefaultsRequired(value);
  if (out.properties) {
    const defaulted = Object.entries(out.properties)
      .filter(([, p]) => p && typeof p === 'object' && 'default' in p)
      .map(([k]) => k);
    if (defaulted.length) out.required = [...new Set([...(out.required ?? []), ...defaulted])];
  }
  return out;
}

/**
 * A `$ref` with sibling keywords (a default, a description) makes json-schema-to-typescript
 * emit a numbered copy of the referenced type (Schedule1, Schedule2, …). The siblings matter
 * to editors and ajv, not to types, so drop them here (after `required` has used the defaults).
 */
function withoutRefSiblings(node) {
  if (Array.isArray(node)) return node.map(withoutRefSiblings);
  if (node === null || typeof node !== 'object') return node;
  if (typeof node.$ref === 'string') return { $ref: node.$ref };
  const out = {};
  for (const [key, value] of Object.entries(node)) out[key] = withoutRefSiblings(value);
  return out;
}

const options = {
  bannerComment: '',
  additionalProperties: false,
  unreachableDefinitions: true,
  strictIndexSignatures: false,
  format: true,
  style: { singleQuote: true, printWidth: 100 },
};

export async function generate() {
  const schema = JSON.parse(readFileSync(`${root}schema/experiment.schema.json`, 'utf8'));
  delete schema.$id;
  const user = await compile(withoutRefSiblings({ ...schema, title: 'ExperimentSpec' }), 'ExperimentSpec', options);
  const resolvedSchema = withoutRefSiblings(withDefaultsRequired({ ...schema, title: 'ResolvedSpec' }));
  const resolvedRaw = await compile(resolvedSchema, 'ResolvedSpec', options);
  // The resolved view lives in its own namespace so both can share definition names.
  const resolved = resolvedRaw.replace(/^export /gm, '  export ').replace(/\n/g, '\n  ');
  return [
    '// Generated from schema/experiment.schema.json by scripts/generate-types.mjs. Do not edit.',
    '// Regenerate with `npm run gen:types`.',
    '/* eslint-disable */',
    '',
    user.trim(),
    '',
    '/** The same shapes after resolveSpec(): every key with a schema default is present. */',
    'export namespace Resolved {',
    '  ' + resolved.trim(),
    '}',
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(outFile, await generate());
}

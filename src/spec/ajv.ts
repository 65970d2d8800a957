import type { Ajv as AjvInstance, Options } from 'ajv';
import { createRequire } from 'node:module';

/**
 * The one ajv configuration for specs. Used at run time when no precompiled validator is
 * present (tests run from src/) and by scripts/precompile-validators.mjs at build time, which
 * writes dist/spec/*.validator.cjs so that the CLI does not load ajv's compiler and compile
 * the schema (about 150 ms) on every start.
 */
export const AJV_OPTIONS: Options = {
  allErrors: true,
  useDefaults: true,
  discriminator: true,
  verbose: true,
  strict: true,
  strictRequired: false,
};

export function createAjv(options: Options = {}): AjvInstance {
  // Loaded on demand: the built CLI never needs the compiler.
  const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
  const ajv = new Ajv({ ...AJV_OPTIONS, ...options });
  // Annotation read by the extends merge (src/spec/schemaWalk.ts), not a validation rule.
  ajv.addKeyword({ keyword: 'x-merge', schemaType: 'string' });
  return ajv;
}

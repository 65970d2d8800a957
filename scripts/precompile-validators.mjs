// Writes dist/spec/{experiment,genotype}.validator.cjs: the schemas compiled ahead of time by
// ajv's standalone code generator, with the same options the library uses at run time
// (dist/spec/ajv.js). Compiling the experiment schema costs ~150 ms, every CLI start.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { createAjv } from '../dist/spec/ajv.js';

const root = fileURLToPath(new URL('..', import.meta.url));
for (const name of ['experiment', 'genotype']) {
  const schema = JSON.parse(readFileSync(`${root}schema/${name}.schema.json`, 'utf8'));
  const ajv = createAjv({ code: { source: true } });
  const validate = ajv.compile(schema);
  writeFileSync(`${root}dist/spec/${name}.validator.cjs`, standaloneCode.default(ajv, validate));
}

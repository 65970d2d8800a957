import { createRequire } from 'node:module';

/**
 * The experiment schema, shipped beside the code (schema/experiment.schema.json is the single
 * source of truth: types are generated from it and editors read it). The relative path is the
 * same from src/spec (tests) and dist/spec (the built package).
 */
export const experimentSchema: Record<string, unknown> = createRequire(import.meta.url)('../../schema/experiment.schema.json');
export const genotypeSchema: Record<string, unknown> = createRequire(import.meta.url)('../../schema/genotype.schema.json');

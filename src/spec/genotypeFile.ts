import type { ValidateFunction } from 'ajv';
import { createRequire } from 'node:module';
import { createAjv } from './ajv.js';
import { extname } from 'node:path';
import { fromReferenceMatrix, checkGenotype, type Genotype, type GenotypeIssue } from '../nas/genotype.js';
import { checkNetworkPaths } from '../nas/genotypePaths.js';
import type { SpaceModel } from '../nas/space.js';
import { NpyFormatError, parseNpy } from '../util/npy.js';
import type { SpecHost } from './host.js';
import type { Location, Problem } from './problems.js';
import { readBytes, readText, type ReadFailure } from './read.js';
import { genotypeSchema } from './schema.js';
import { parseYaml, type SourceText } from './source.js';

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  if (compiled) return compiled;
  try {
    compiled = createRequire(import.meta.url)('./genotype.validator.cjs') as ValidateFunction;
  } catch {
    compiled = createAjv().compile(genotypeSchema);
  }
  return compiled;
}

/**
 * Reads a genotype file: our YAML/JSON form (edge → operation names, located errors) or the
 * reference code's `.npy` matrix (generator only: one row per cell, operation indices).
 * Checks it against the space when one is given. A file that cannot be read is reported at
 * `referencedAt` (the setting that names it) when given.
 */
export function loadGenotypeFile(path: string, host: SpecHost, space?: SpaceModel, referencedAt?: Location): { genotype?: Genotype; problems: Problem[]; source?: SourceText } {
  if (extname(path).toLowerCase() === '.npy') return loadReferenceGenotype(path, host, space, referencedAt);
  const read = readText(host, path, 'genotype file');
  if (read.failure) return { problems: [readProblem(path, read.failure, referencedAt)] };
  const text = read.content;
  const { source, problems } = parseYaml(path, text);
  if (problems.some((p) => p.severity === 'error')) return { problems, source };
  const validate = validator();
  if (!validate(source.value)) {
    return {
      source,
      problems: (validate.errors ?? []).map((e) => {
        const segments = e.instancePath.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
        return {
          severity: 'error' as const,
          code: 'genotype-invalid',
          message: `genotype ${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`,
          hint: 'a genotype lists, per network, one mapping per cell: edge name → operation name',
          path: segments,
          location: source.locate(segments) ?? { file: path, start: { line: 1, column: 1 } },
        };
      }),
    };
  }
  const { $schema: _ignored, ...genotype } = source.value as Genotype & { $schema?: string };
  if (!space) return { genotype, problems: [], source };
  const issues = checkGenotype(space, genotype);
  return {
    genotype,
    source,
    problems: issues.map((issue) => ({
      ...issueProblem(issue),
      path: issue.path,
      location: source.locate(issue.path, typeof issue.path[issue.path.length - 1] === 'string' && issue.path.length === 3) ?? { file: path, start: { line: 1, column: 1 } },
    })),
  };
}

function loadReferenceGenotype(path: string, host: SpecHost, space?: SpaceModel, referencedAt?: Location): { genotype?: Genotype; problems: Problem[] } {
  const read = readBytes(host, path, 'genotype file');
  if (read.failure) return { problems: [readProblem(path, read.failure, referencedAt)] };
  const bytes = read.content;
  let array;
  try {
    array = parseNpy(bytes, path);
  } catch (e) {
    if (e instanceof NpyFormatError) return { problems: [fileProblem(path, 'genotype-invalid', e.message)] };
    throw e;
  }
  if (array.shape.length !== 2 || array.dtype === 'bool' || array.dtype === 'float32' || array.dtype === 'float64') {
    return {
      problems: [fileProblem(path, 'genotype-invalid', `${path} holds a ${array.dtype} array of shape [${array.shape.join(', ')}]; a reference genotype is an integer matrix, one row per generator cell`)],
    };
  }
  const [rows, cols] = array.shape as [number, number];
  const values = Array.from(array.data as ArrayLike<number | bigint>, Number);
  const matrix = Array.from({ length: rows }, (_, r) => values.slice(r * cols, (r + 1) * cols));
  if (!space) return { genotype: { generator: [] }, problems: [] };
  const converted = fromReferenceMatrix(space.generator, 'generator', matrix);
  const { genotype } = converted;
  const issues = genotype ? checkNetworkPaths(space.generator, 'generator', genotype) : converted.issues;
  return {
    ...(genotype ? { genotype: { generator: genotype } } : {}),
    problems: issues.map((i) => ({ ...issueProblem(i), path: [], location: { file: path, start: { line: 1, column: 1 } } })),
  };
}

const issueProblem = (issue: GenotypeIssue): Pick<Problem, 'severity' | 'code' | 'message' | 'hint'> =>
  issue.kind === 'path'
    ? { severity: 'error', code: 'genotype-no-path', message: issue.message, hint: 'give one of these edges an operation that keeps it (not `none`)' }
    : { severity: 'error', code: 'genotype-mismatch', message: `the genotype does not fit the search space: ${issue.message}` };

const readProblem = (file: string, failure: ReadFailure, referencedAt: Location | undefined): Problem => ({
  severity: 'error',
  code: failure.code,
  message: failure.message,
  ...(failure.hint ? { hint: failure.hint } : {}),
  path: [],
  location: referencedAt ?? { file, start: { line: 1, column: 1 } },
});

const fileProblem = (file: string, code: string, message: string): Problem => ({
  severity: 'error',
  code,
  message,
  path: [],
  location: { file, start: { line: 1, column: 1 } },
});

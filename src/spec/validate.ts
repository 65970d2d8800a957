import type { ErrorObject, ValidateFunction } from 'ajv';
import { createRequire } from 'node:module';
import { createAjv } from './ajv.js';
import { locateIn } from './load.js';
import type { PlainObject } from './merge.js';
import type { Problem, SpecPath } from './problems.js';
import { experimentSchema } from './schema.js';
import type { SourceText } from './source.js';
import { didYouMean } from './suggest.js';

let compiled: ValidateFunction | undefined;

/** The precompiled validator written by the build, else one compiled now (once per process). */
function validator(): ValidateFunction {
  if (compiled) return compiled;
  try {
    compiled = createRequire(import.meta.url)('./experiment.validator.cjs') as ValidateFunction;
  } catch {
    compiled = createAjv().compile(experimentSchema);
  }
  return compiled;
}

/**
 * Validates the merged spec against the schema, filling defaults in place, and returns every
 * problem located in the file (or `--set` argument) that set the offending value.
 */
export function validateAgainstSchema(value: PlainObject, sources: readonly SourceText[]): Problem[] {
  const validate = validator();
  if (validate(value)) return [];
  return pruneErrors(validate.errors ?? []).map((error) => toProblem(error, sources));
}

/** ajv reports each failing branch of a oneOf as well as the oneOf itself; keep the summary. */
function pruneErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const oneOfs = errors.filter((e) => e.keyword === 'oneOf');
  // A bad key name is reported once, by propertyNames, not again by the pattern it failed.
  const badNames = new Set(errors.filter((e) => e.keyword === 'propertyNames').map((e) => e.instancePath));
  const named = errors.filter((e) => !(e.keyword === 'pattern' && badNames.has(e.instancePath)));
  const kept = named.filter(
    (e) => e.keyword === 'oneOf' || !oneOfs.some((o) => o.instancePath === e.instancePath && e.schemaPath.startsWith(o.schemaPath.replace(/\/oneOf$/, '/oneOf/'))),
  );
  const seen = new Set<string>();
  return kept.filter((e) => {
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function pathOf(instancePath: string): SpecPath {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

const describe = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value}"`;
  return String(value);
};

const TYPE_NAMES: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
};

function toProblem(error: ErrorObject, sources: readonly SourceText[]): Problem {
  let path = pathOf(error.instancePath);
  let key = false;
  let message: string;
  let hint: string | undefined;
  const where = path.length ? `\`${path.join('.')}\`` : 'the spec';
  const params = error.params as Record<string, unknown>;
  const parentSchema = error.parentSchema as { properties?: Record<string, unknown>; description?: string } | undefined;
  let code = `schema-${error.keyword}`;
  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      message = `${where} is missing the required key \`${missing}\``;
      key = true;
      code = 'missing-key';
      break;
    }
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      path = [...path, extra];
      key = true;
      code = 'unknown-key';
      const allowed = Object.keys(parentSchema?.properties ?? {});
      message = `unknown key \`${extra}\` in ${where}`;
      hint = didYouMean(extra, allowed) ?? (allowed.length ? `allowed keys: ${allowed.join(', ')}` : undefined);
      break;
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      message = `${where} is ${describe(error.data)}; expected one of ${allowed.join(', ')}`;
      hint = typeof error.data === 'string' ? didYouMean(error.data, allowed) : undefined;
      code = 'bad-value';
      break;
    }
    case 'const':
      message = `${where} must be ${describe(params.allowedValue)}, not ${describe(error.data)}`;
      code = 'bad-value';
      break;
    case 'type':
      message = `${where} should be ${TYPE_NAMES[String(params.type)] ?? String(params.type)}, not ${describe(error.data)}`;
      code = 'wrong-type';
      break;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const op = { minimum: '≥', maximum: '≤', exclusiveMinimum: '>', exclusiveMaximum: '<' }[error.keyword];
      message = `${where} must be ${op} ${String(params.limit)}, not ${describe(error.data)}`;
      code = 'out-of-range';
      break;
    }
    case 'pattern':
      message = `${describe(error.data)} is not a valid ${where.includes('name') ? 'name' : 'value'} for ${where}`;
      hint = parentSchema?.description;
      code = 'bad-name';
      break;
    case 'propertyNames': {
      const name = String(params.propertyName);
      path = [...path, name];
      key = true;
      message = `\`${name}\` is not a valid name in ${where}`;
      hint = 'names use letters, digits and underscores, and do not start with a digit';
      code = 'bad-name';
      break;
    }
    case 'discriminator': {
      const allowed = ['zero', 'identity', 'conv', 'pool', 'upsample', 'convTranspose'];
      if (params.error === 'mapping') {
        message = `unknown operation type ${describe(params.tagValue)} in ${where}; expected one of ${allowed.join(', ')}`;
        hint = typeof params.tagValue === 'string' ? didYouMean(params.tagValue, allowed) : undefined;
        path = [...path, 'type'];
      } else {
        message = `${where} needs a \`type\` (one of ${allowed.join(', ')})`;
        key = true;
      }
      code = 'bad-op-type';
      break;
    }
    case 'uniqueItems':
      message = `${where} lists the same item twice (items ${String(params.j)} and ${String(params.i)})`;
      code = 'duplicate-item';
      break;
    case 'minItems':
      message = `${where} needs at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`;
      code = 'too-few-items';
      break;
    case 'maxItems':
      message = `${where} allows at most ${String(params.limit)} items`;
      code = 'too-many-items';
      break;
    case 'oneOf':
      message = `${where} is ${describe(error.data)}, which is not allowed here`;
      hint = (error.parentSchema as { description?: string } | undefined)?.description;
      code = 'wrong-type';
      break;
    default:
      message = `${where} ${error.message ?? 'is invalid'}`;
  }
  return { severity: 'error', code, message, ...(hint ? { hint } : {}), path, location: locateIn(sources, path, key) };
}

import { describe, expect, it } from 'vitest';
import { memoryHost } from '../../../src/spec/host.js';
import { resolveSpec } from '../../../src/spec/resolve.js';
import { describeFailure, fuzzCase, MUTATION_NAMES, runFuzz } from '../../helpers/specFuzz.js';

/**
 * Mutated copies of the shipped experiments must each end as a valid spec or as problems
 * located at file:line:col, never as an exception. DSL_FUZZ_CASES sets the number of cases
 * (longer local runs), DSL_FUZZ_SEED the seed; a failure names the case and its mutations.
 */
const CASES = Number(process.env.DSL_FUZZ_CASES ?? 1500);
const SEED = Number(process.env.DSL_FUZZ_SEED ?? 17);

describe('the spec loader under mutation', () => {
  it('draws the same cases from the same seed, and other cases from another', () => {
    expect(fuzzCase(5, 3)).toEqual(fuzzCase(5, 3));
    const texts = (seed: number) => Array.from({ length: 20 }, (_, i) => fuzzCase(seed, i).text);
    expect(texts(5)).not.toEqual(texts(6));
  });

  it('uses every kind of mutation', () => {
    const used = new Set(Array.from({ length: 400 }, (_, i) => fuzzCase(SEED, i).mutations.map((m) => m.replace(/\(.*$/s, ''))).flat());
    expect([...MUTATION_NAMES].filter((name) => !used.has(name))).toEqual([]);
  });

  it(`${CASES} mutated experiments (seed ${SEED}): each valid or diagnosed at file:line:col, none thrown`, () => {
    const summary = runFuzz(SEED, CASES);
    expect(summary.failures.slice(0, 10).map(describeFailure), `${summary.failures.length} failures`).toEqual([]);
    // The mutations do damage: most cases must be diagnosed, not accepted.
    expect(summary.counts.invalid).toBeGreaterThan(CASES / 2);
  }, 300_000);
});

describe('YAML that has no plain-data value', () => {
  const errors = (text: string) => resolveSpec('/s/spec.yaml', { host: memoryHost({ '/s/spec.yaml': text }) }).problems.filter((p) => p.severity === 'error');
  const at = (text: string) => errors(text).map((p) => `${p.location?.start.line}:${p.location?.start.column} ${p.code}: ${p.message}`);

  it('reports an alias to an undefined anchor at the alias', () => {
    expect(at('name: a\ndata: *x\n')).toEqual(['2:7 yaml-alias: the alias `*x` names no anchor `&x` set before it']);
  });

  it('reports an alias used before its anchor', () => {
    expect(at('a: *x\nb: &x 1\n')[0]).toBe('1:4 yaml-alias: the alias `*x` names no anchor `&x` set before it');
  });

  it('reports an alias inside the value it names (a circular value)', () => {
    expect(at('name: a\ndata: &d { root: *d }\n')).toEqual(['2:18 yaml-alias: the alias `*d` is inside the value anchored `&d`: a value cannot contain itself']);
  });

  it('reports aliases that expand too far (a billion laughs)', () => {
    const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 6; i++) levels.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    const [problem] = errors(levels.join('\n'));
    expect(problem).toMatchObject({ code: 'yaml-alias', location: { start: { line: 2 } } });
    expect(problem!.message).toContain('expand to more than 1000 values');
  });

  it('reports a key that is a list or a mapping, without a console warning', () => {
    expect(at('? [a, b]\n: 1\n')).toEqual(['1:3 yaml-key: a key must be a plain name, not a list, a mapping or an alias']);
  });

  it('keeps a !!binary value as its text, not bytes', () => {
    const problems = resolveSpec('/s/spec.yaml', { host: memoryHost({ '/s/spec.yaml': 'name: !!binary aGVsbG8=\n' }) }).problems;
    expect(problems.filter((p) => p.path[0] === 'name').map((p) => p.message)).toEqual(['"aGVsbG8=" is not a valid name for `name`']);
  });
});

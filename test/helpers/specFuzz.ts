import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { nodeSpecHost } from '../../src/io/specHost.js';
import { formatProblems } from '../../src/spec/format.js';
import { memoryHost, type SpecHost } from '../../src/spec/host.js';
import type { Problem } from '../../src/spec/problems.js';
import { resolveSpec } from '../../src/spec/resolve.js';
import { Random } from '../../src/util/random.js';
import { repoRoot } from './cli.js';

/**
 * A seeded mutation fuzzer for the spec loader: it damages copies of the shipped experiments
 * (lines, indentation, scalars, anchors and aliases, quotes, tabs, unicode, `extends` and
 * `derive.from` targets, `--set` arguments) and checks that `resolveSpec`, which `dsl
 * validate` calls, either accepts the result or returns problems that are all located
 * (file, line, column), and never throws. The same seed gives the same cases.
 */

const EXPERIMENTS = resolve(repoRoot, 'experiments');
const ROOTS = ['cifar10.yaml', 'stl10.yaml', 'mnist.yaml'].map((f) => resolve(EXPERIMENTS, f));
const BASE = resolve(EXPERIMENTS, 'base/adversarialnas.yaml');
const GENOTYPE = resolve(EXPERIMENTS, 'genotypes/adversarialnas-cifar10.yaml');

/** The files each root reads: a case mutates one of them. */
const CHAINS: Record<string, readonly string[]> = {
  [ROOTS[0]!]: [ROOTS[0]!, BASE],
  [ROOTS[1]!]: [ROOTS[1]!, ROOTS[0]!, BASE, GENOTYPE],
  [ROOTS[2]!]: [ROOTS[2]!, BASE],
};

const originals = new Map<string, string>();
const original = (file: string) => {
  if (!originals.has(file)) originals.set(file, readFileSync(file, 'utf8'));
  return originals.get(file)!;
};

export interface FuzzCase {
  readonly index: number;
  readonly root: string;
  /** The mutated file and its text. */
  readonly file: string;
  readonly text: string;
  readonly mutations: readonly string[];
  readonly overrides: readonly string[];
}

export type Outcome = 'valid' | 'invalid' | 'thrown' | 'unlocated';

export interface FuzzResult {
  readonly fuzzCase: FuzzCase;
  readonly outcome: Outcome;
  /** What went wrong, for the bad outcomes. */
  readonly detail?: string;
}

const pick = <T>(random: Random, items: readonly T[]): T => items[random.int(items.length)]!;

/** Values of every YAML type and many troublesome ones. */
const SCALARS = [
  '~', 'null', 'true', 'no', 'yes', 'off', '[]', '{}', '[[]]', '-1', '0', '-0', '3.5', '1e309', '-1e309', '.nan', '.inf', '-.inf',
  '0x1F', '0o17', '99999999999999999999999999', '123456789012345678901234567890e300', '1_000', '"1"', "'x'", '""', 'conv_3x3',
  'constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '[1, [2, {a: 3}]]', '{ a: { b: { c: [] } } }', '!!binary aGVsbG8=',
  '!!timestamp 2001-12-14', '2001-12-14', '!custom value', '!!str 5', '!!int "x"', '!!float abc', '!!map []', '!!seq {}', '|\n  text',
  '>-\n  folded', '"\\u0000"', '"\\ud800"', 'é', '😀', '\u200b', '\u202ekey', '"a\\tb"', '*undefined_anchor', '[*nope]', '{ <<: *nope }',
  '?', '-', ':', '- - -', '{ a: 1, a: 2 }', '[a, b', '{a: 1', '"unterminated', "'unterminated", '@at', '`tick', '%percent', '&', '*', '!',
];

const KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '<<', 'extends', 'name', 'x', 'é', '😀', '"quoted key"', '? complex', '1', '-1', 'true', 'null', '[a]', '{a: 1}', ''];

const EXTENDS = ['.', './', './base', '..', '/', './missing.yaml', './cifar10.yaml', './stl10.yaml', './mnist.yaml', './base/adversarialnas.yaml', '../package.json', '../README.md', '../schema/experiment.schema.json', '../experiments', './genotypes', './genotypes/adversarialnas-cifar10.yaml', '../test/fixtures/npy', '""', '~', '5', '[]', '[., .]', '[./cifar10.yaml, ./cifar10.yaml]', '{ a: b }', '/dev/null', '../../../../../../..', '"\\0"', '*a'];

const DERIVE_FROM = ['.', './genotypes', './missing.yaml', './cifar10.yaml', './stl10.yaml', '../package.json', '../test/fixtures/specs/broken/genotypes/two-cells.npy', './genotypes/missing.npy', '/', '""', '5', '[]', '/dev/null', './base'];

const SETS = [
  'a..b=1', '=1', 'search', 'search.nCritic=', 'search.nCritic=many', '__proto__.polluted=1', 'constructor.x=1', 'searchSpace.generator.cells.99.cell=up_cell',
  'searchSpace.generator.cells.-1.cell=x', 'searchSpace.generator.cells.0=null', 'data=null', 'search.schedule={ iterations: 1e309 }', 'operations.conv_3x3.kernel=[',
  'extends=./cifar10.yaml', 'name.x=1', 'cells.up_cell.edges.0.from=nowhere', 'operationSets.normal=[constructor]', 'searchSpace.generator.cells.0.edgeOps.toString=normal',
  'derive.from=.', 'report.template=/', 'runtime.outDir=', 'evaluate.metrics=*x', 'search.batch={ <<: *a }',
];

/** Names every JavaScript object inherits: looked up carelessly, they are found where nothing was defined. */
const INHERITED = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__'];

type Mutation = (lines: string[], random: Random, file: string) => string;

const lineIndex = (lines: readonly string[], random: Random) => random.int(Math.max(lines.length, 1));
const keyLines = (lines: readonly string[]) => lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s*-?\s*[\w$<"]+\s*:/.test(l)).map(([, i]) => i);
const indentOf = (line: string) => /^\s*/.exec(line)![0];

/** Inserts `line` after a random line, at that line's indentation. */
const insertLine = (lines: string[], random: Random, text: string) => {
  const at = lineIndex(lines, random);
  lines.splice(at + 1, 0, `${indentOf(lines[at] ?? '')}${text}`);
};

/** Replaces the value of a random `key: value` line (or the end of a random line). */
const replaceValue = (lines: string[], random: Random, value: string) => {
  const candidates = keyLines(lines);
  const at = candidates.length ? pick(random, candidates) : lineIndex(lines, random);
  const line = lines[at] ?? '';
  const colon = line.indexOf(':');
  lines[at] = colon >= 0 ? `${line.slice(0, colon + 1)} ${value}` : `${line} ${value}`;
};

/** Replaces one random flow-mapping value `k: v` inside `{ … }` on a line. */
const replaceInFlow = (lines: string[], random: Random, value: string) => {
  const flows = lines.map((l, i) => [l, i] as const).filter(([l]) => /\{.*:.*\}/.test(l));
  if (!flows.length) return replaceValue(lines, random, value);
  const [line, at] = pick(random, flows);
  const pairs = [...line.matchAll(/(\w+):\s*([^,:{}[\]]+)(?=[,}])/g)];
  if (!pairs.length) return replaceValue(lines, random, value);
  const pair = pick(random, pairs);
  lines[at] = `${line.slice(0, pair.index! + pair[1]!.length + 1)} ${value}${line.slice(pair.index! + pair[0].length)}`;
};

const MUTATIONS: Record<string, Mutation> = {
  deleteLine: (lines, random) => (lines.splice(lineIndex(lines, random), 1), ''),
  duplicateLine: (lines, random) => {
    const at = lineIndex(lines, random);
    lines.splice(at, 0, lines[at] ?? '');
    return '';
  },
  swapLines: (lines, random) => {
    const a = lineIndex(lines, random);
    const b = lineIndex(lines, random);
    [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
    return '';
  },
  moveLine: (lines, random) => {
    const [line] = lines.splice(lineIndex(lines, random), 1);
    lines.splice(lineIndex(lines, random), 0, line ?? '');
    return '';
  },
  indent: (lines, random) => {
    const at = lineIndex(lines, random);
    const delta = pick(random, [-4, -2, -1, 1, 2, 3, 8]);
    const line = lines[at] ?? '';
    lines[at] = delta > 0 ? `${' '.repeat(delta)}${line}` : line.replace(new RegExp(`^ {0,${-delta}}`), '');
    return String(delta);
  },
  scalar: (lines, random) => {
    const value = pick(random, SCALARS);
    replaceValue(lines, random, value);
    return value;
  },
  flowScalar: (lines, random) => {
    const value = pick(random, SCALARS);
    replaceInFlow(lines, random, value);
    return value;
  },
  key: (lines, random) => {
    const key = pick(random, KEYS);
    const value = pick(random, SCALARS);
    insertLine(lines, random, `${key}: ${value}`);
    return `${key}: ${value}`;
  },
  renameKey: (lines, random) => {
    const candidates = keyLines(lines);
    if (!candidates.length) return '';
    const at = pick(random, candidates);
    const key = pick(random, KEYS);
    lines[at] = lines[at]!.replace(/^(\s*-?\s*)[\w$<"]+(\s*:)/, `$1${key}$2`);
    return key;
  },
  renameWord: (lines, random) => {
    // One occurrence or every one: renaming a definition with its uses keeps the spec whole.
    const text = lines.join('\n');
    // Words in value position: the names a spec defines and refers to, more than its keys.
    const words = [...new Set(text.match(/(?<=[:[,]\s*)[a-z][a-z0-9_]*\b/g) ?? [])];
    if (!words.length) return '';
    const from = pick(random, words);
    const to = random.uniform() < 0.6 ? pick(random, INHERITED) : pick(random, words);
    const every = random.uniform() < 0.5;
    const pattern = new RegExp(`\\b${from}\\b`, 'g');
    const chosen = random.int(text.match(pattern)!.length);
    let seen = 0;
    const renamed = text.replace(pattern, (word) => (every || seen++ === chosen ? to : word));
    lines.splice(0, lines.length, ...renamed.split('\n'));
    return `${from}→${to}${every ? ' everywhere' : ''}`;
  },
  anchorAlias: (lines, random) => {
    const candidates = keyLines(lines);
    if (candidates.length < 2) return '';
    const a = pick(random, candidates);
    const b = pick(random, candidates);
    lines[a] = lines[a]!.replace(/:\s*/, ': &anchor ');
    const use = pick(random, ['*anchor', '*anchor_typo', '[*anchor, *anchor]', '{ <<: *anchor }', '{ <<: [*anchor, *anchor] }']);
    lines[b] = lines[b]!.replace(/:.*$/, `: ${use}`);
    return use;
  },
  undefinedAlias: (lines, random) => {
    const value = pick(random, ['*x', '*undefined', '[*x]', '{ a: *x }', '*', '* x']);
    if (random.uniform() < 0.5) replaceValue(lines, random, value);
    else insertLine(lines, random, `a: ${value}`);
    return value;
  },
  aliasCycle: (lines, random) => {
    const value = pick(random, ['&x [*x]', '&x { a: *x }', '&x { <<: *x }', '&x *x', '&x [&y [*x, *y]]']);
    replaceValue(lines, random, value);
    return value;
  },
  mergeKey: (lines, random) => {
    const value = pick(random, ['<<: 5', '<<: [1, 2]', '<<: { data: 1 }', '<<: *nope', '<<: ~', '<<: [*nope]', '<<: "s"']);
    insertLine(lines, random, value);
    return value;
  },
  aliasBomb: (lines) => {
    const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) levels.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    lines.push(...levels);
    return 'bomb';
  },
  breakQuote: (lines, random) => {
    const at = lineIndex(lines, random);
    const line = lines[at] ?? '';
    const where = random.int(line.length + 1);
    const char = pick(random, ['"', "'", '[', ']', '{', '}', ',', ':', '#', '&', '*', '!', '|', '>', '%', '@', '`', '?', '-', '\\']);
    lines[at] = `${line.slice(0, where)}${char}${line.slice(where)}`;
    return char;
  },
  tab: (lines, random) => {
    const at = lineIndex(lines, random);
    const line = lines[at] ?? '';
    lines[at] = random.uniform() < 0.5 ? `\t${line}` : line.replace(/ /, '\t');
    return '';
  },
  hugeNumber: (lines, random) => {
    const value = pick(random, ['1e309', '-1e309', '9'.repeat(400), '0.' + '0'.repeat(400) + '1', '1e-400', '4294967297', '9007199254740993', '1e21']);
    replaceInFlow(lines, random, value);
    return value;
  },
  unicode: (lines, random) => {
    const at = lineIndex(lines, random);
    const line = lines[at] ?? '';
    const where = random.int(line.length + 1);
    const text = pick(random, ['é', '😀', '\u200b', '\u202e', '\ufeff', '\u0000', '\u0007', '\ud800', '\u2028', '\u0085', '\r', 'ｃｏｎｖ', 'İ']);
    lines[at] = `${line.slice(0, where)}${text}${line.slice(where)}`;
    return JSON.stringify(text);
  },
  truncate: (lines, random) => {
    const text = lines.join('\n');
    const at = random.int(text.length + 1);
    lines.splice(0, lines.length, ...text.slice(0, at).split('\n'));
    return String(at);
  },
  wholeFile: (lines, random) => {
    const text = pick(random, ['', ' ', '\n\n', '# only a comment', '---', '...', '--- !!map', '---\na: 1\n---\nb: 2', '[]', '5', '~', '"text"', '%YAML 1.1\n---\na: 1', '%TAG ! tag:x,2000:\n---\na: !b c', '\ufeff', '\u0000', '{', 'a: b: c', '- a\nb: c', `${'['.repeat(3000)}${']'.repeat(3000)}`, `${'{a: '.repeat(500)}1${'}'.repeat(500)}`, 'x'.repeat(200_000), `key: ${'a'.repeat(100_000)}`]);
    lines.splice(0, lines.length, ...text.split('\n'));
    return JSON.stringify(text.slice(0, 20));
  },
  extendsTarget: (lines, random) => {
    const target = pick(random, EXTENDS);
    const at = lines.findIndex((l) => /^extends:/.test(l));
    if (at >= 0) lines[at] = `extends: ${target}`;
    else lines.unshift(`extends: ${target}`);
    return target;
  },
  deriveFrom: (lines, random) => {
    const target = pick(random, DERIVE_FROM);
    lines.push('derive:', `  from: ${target}`);
    return target;
  },
  deepNesting: (lines, random) => {
    const depth = pick(random, [50, 500, 5000]);
    insertLine(lines, random, `deep: ${'['.repeat(depth)}1${']'.repeat(depth)}`);
    return String(depth);
  },
  crlf: (lines) => {
    lines.splice(0, lines.length, ...lines.map((l, i) => (i < lines.length - 1 ? `${l}\r` : l)));
    return '';
  },
};

export const MUTATION_NAMES = Object.keys(MUTATIONS);
const GENTLE = ['renameWord', 'renameWord', 'flowScalar', 'hugeNumber', 'deleteLine', 'duplicateLine'];

/** The case `index` of the run seeded with `seed`: the same pair gives the same case. */
export function fuzzCase(seed: number, index: number): FuzzCase {
  const random = new Random(`${seed}:${index}`);
  const root = pick(random, ROOTS);
  const file = pick(random, CHAINS[root]!);
  const lines = original(file).split('\n');
  const mutations: string[] = [];
  // Half the cases change one name or value only, so that they get past the YAML and the
  // schema into the semantic checks; the others pile up 1-3 mutations of any kind.
  const gentle = random.uniform() < 0.5;
  const count = gentle ? 1 : 1 + random.int(3);
  for (let i = 0; i < count; i++) {
    const name = gentle ? pick(random, GENTLE) : pick(random, MUTATION_NAMES);
    const detail = MUTATIONS[name]!(lines, random, file);
    mutations.push(detail ? `${name}(${detail})` : name);
  }
  const overrides = random.uniform() < 0.1 ? [pick(random, SETS)] : [];
  return { index, root, file, text: lines.join('\n'), mutations, overrides };
}

/** Disk, with the mutated file served from memory. */
function hostFor(fuzzCase: FuzzCase): SpecHost {
  const memory = memoryHost({ [fuzzCase.file]: fuzzCase.text });
  return {
    readFile: (p) => memory.readFile(p) ?? nodeSpecHost.readFile(p),
    readBytes: (p) => memory.readBytes(p) ?? nodeSpecHost.readBytes(p),
    exists: (p) => memory.exists(p) || nodeSpecHost.exists(p),
    stat: (p) => memory.stat!(p) ?? nodeSpecHost.stat!(p),
  };
}

const isPosition = (p: { line: number; column: number } | undefined) => p !== undefined && Number.isInteger(p.line) && p.line >= 1 && Number.isInteger(p.column) && p.column >= 1;

function unlocated(problems: readonly Problem[]): Problem | undefined {
  return problems.find((p) => !p.location || typeof p.location.file !== 'string' || !p.location.file || !isPosition(p.location.start));
}

/** Runs one case through the loader and the formatter, as `dsl validate` does. */
export function runCase(fuzzCase: FuzzCase): FuzzResult {
  try {
    const resolution = resolveSpec(fuzzCase.root, { host: hostFor(fuzzCase), overrides: fuzzCase.overrides, cwd: dirname(fuzzCase.root) });
    formatProblems(resolution.problems, resolution.sources, { cwd: repoRoot });
    const missing = unlocated(resolution.problems);
    if (missing) return { fuzzCase, outcome: 'unlocated', detail: `${missing.code}: ${missing.message}` };
    if (resolution.spec) return { fuzzCase, outcome: 'valid' };
    if (!resolution.problems.some((p) => p.severity === 'error')) return { fuzzCase, outcome: 'unlocated', detail: 'invalid without an error' };
    return { fuzzCase, outcome: 'invalid' };
  } catch (error) {
    const e = error as Error;
    return { fuzzCase, outcome: 'thrown', detail: `${e?.name}: ${e?.message}\n${e?.stack?.split('\n').slice(1, 4).join('\n')}` };
  }
}

export interface FuzzSummary {
  readonly counts: Readonly<Record<Outcome, number>>;
  readonly failures: readonly FuzzResult[];
  readonly seconds: number;
}

export function runFuzz(seed: number, cases: number): FuzzSummary {
  const started = performance.now();
  const counts: Record<Outcome, number> = { valid: 0, invalid: 0, thrown: 0, unlocated: 0 };
  const failures: FuzzResult[] = [];
  for (let i = 0; i < cases; i++) {
    const result = runCase(fuzzCase(seed, i));
    counts[result.outcome]++;
    if (result.outcome === 'thrown' || result.outcome === 'unlocated') failures.push(result);
  }
  return { counts, failures, seconds: (performance.now() - started) / 1000 };
}

/** How a failure is shown: enough to reproduce it by hand. */
export function describeFailure(result: FuzzResult): string {
  const { fuzzCase } = result;
  return [
    `case ${fuzzCase.index}: ${result.outcome}: ${result.detail}`,
    `  root ${fuzzCase.root}, mutated ${fuzzCase.file}: ${fuzzCase.mutations.join(', ')}${fuzzCase.overrides.length ? `, --set ${fuzzCase.overrides.join(' ')}` : ''}`,
  ].join('\n');
}

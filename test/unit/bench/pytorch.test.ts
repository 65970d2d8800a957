import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AUTHORS_SCRIPT,
  authorsCodeProblem,
  failureMessage,
  parameterMismatch,
  parsePytorchOutput,
  pythonCommand,
  pytorchArgs,
  PYTORCH_SCRIPT,
  referenceNetworks,
  runPytorch,
} from '../../../src/bench/pytorch.js';
import { OUTPUT, pytorchCase } from './helpers.js';

const line = (o: unknown) => `PYTORCH_RESULT ${JSON.stringify(o)}`;

const CASE = pytorchCase(16);

describe('the PYTORCH_RESULT line', () => {
  it('is read among progress and warning lines', () => {
    const stdout = ['UserWarning: something', line(OUTPUT), ''].join('\n');
    expect(parsePytorchOutput(stdout)).toEqual(OUTPUT);
  });

  it('may carry nulls where no iteration was timed', () => {
    const empty = { ...OUTPUT, iterations: 0, medianMs: null, minMs: null, maxMs: null, q1Ms: null, q3Ms: null, cpuMs: null, samplesMs: [], phasesMs: { dArch: null, dWeights: null, gArch: null, gWeights: null } };
    expect(parsePytorchOutput(line(empty)).medianMs).toBeNull();
  });

  it('missing: says so', () => {
    expect(() => parsePytorchOutput('torch 1.13\nsomething else\n')).toThrow('no PYTORCH_RESULT line in its output');
  });

  it('malformed JSON: says so in one line', () => {
    expect(() => parsePytorchOutput('PYTORCH_RESULT {"torch": "1.13", ')).toThrow(/^malformed PYTORCH_RESULT line \(/);
  });

  it.each([
    ['not an object', [1, 2], 'not a JSON object'],
    ['no torch version', { ...OUTPUT, torch: undefined }, 'no torch version'],
    ['a time that is not a number', { ...OUTPUT, medianMs: 'fast' }, 'medianMs is not a time'],
    ['a phase missing', { ...OUTPUT, phasesMs: { dArch: 1, dWeights: 2, gArch: 3 } }, 'phasesMs lacks a phase'],
    ['counts that are not counts', { ...OUTPUT, parameters: { generator: 1.5, discriminator: 2 } }, 'parameters is not {generator, discriminator}'],
    ['samples that are not times', { ...OUTPUT, samplesMs: ['a'] }, 'samplesMs is not a list of times'],
  ])('malformed content (%s): names what is wrong', (_, value, message) => {
    expect(() => parsePytorchOutput(line(value))).toThrow(`malformed PYTORCH_RESULT line: ${message}`);
  });
});

describe('the same networks on both sides', () => {
  it('our counts at the paper widths 160/80 are the reference code\'s', () => {
    expect(referenceNetworks({ spec: 'cifar10.yaml', widths: { generator: 160, discriminator: 80 } }).parameters).toEqual({ generator: 29_265_443, discriminator: 11_049_120 });
  });

  it('our counts at 16/16 and 32/32 (what the script is asked to match)', () => {
    expect(referenceNetworks({ spec: 'cifar10.yaml', widths: { generator: 16, discriminator: 16 } }).parameters).toEqual({ generator: 493_523, discriminator: 451_616 });
    expect(referenceNetworks({ spec: 'cifar10.yaml', widths: { generator: 32, discriminator: 32 } }).parameters).toEqual({ generator: 1_527_715, discriminator: 1_782_336 });
  });

  it('the script is asked for the same iteration and our counts', () => {
    const args = pytorchArgs({ ...CASE, threads: 2 }, { generator: 493_523, discriminator: 451_616 }, 0.5);
    expect(args[0]).toBe(PYTORCH_SCRIPT);
    expect(existsSync(PYTORCH_SCRIPT)).toBe(true);
    expect(args.slice(1).join(' ')).toBe('--widths 16/16 --batch 16 --split 0.5 --generator-batch 16 --warmup 1 --iterations 3 --threads 2 --expect-parameters 493523,451616');
  });

  it("the authors' script is asked for the same iteration, their code's directory and our counts (no split: theirs is halves)", () => {
    const args = pytorchArgs({ ...CASE, threads: 2, authors: '/src/AdversarialNAS' }, { generator: 493_523, discriminator: 451_616 }, 0.5);
    expect(args[0]).toBe(AUTHORS_SCRIPT);
    expect(existsSync(AUTHORS_SCRIPT)).toBe(true);
    expect(args.slice(1).join(' ')).toBe('--code /src/AdversarialNAS --widths 16/16 --batch 16 --generator-batch 16 --warmup 1 --iterations 3 --threads 2 --expect-parameters 493523,451616');
  });

  it("a parameter mismatch names both counts of each network that differs, and whose code counted them", () => {
    expect(parameterMismatch({ generator: 10, discriminator: 20 }, { generator: 11, discriminator: 20 }, "the authors' code")).toBe(
      "parameter counts differ (generator 11 in the authors' code, 10 in tfjs): not the same networks",
    );
    expect(parameterMismatch({ generator: 10, discriminator: 20 }, { generator: 10, discriminator: 20 })).toBeUndefined();
    expect(parameterMismatch({ generator: 493_523, discriminator: 451_616 }, { generator: 493_523, discriminator: 451_617 })).toBe(
      'parameter counts differ (discriminator 451617 in PyTorch, 451616 in tfjs): not the same networks',
    );
  });
});

describe('failures are one line, with the fix where there is one', () => {
  const hint = 'set DSL_BENCH_PYTHON to a python with torch, e.g. /usr/bin/python3 after `apt install python3-torch`';

  it('python not found', () => {
    const spawnError = Object.assign(new Error('spawn python3 ENOENT'), { code: 'ENOENT' });
    expect(failureMessage({ python: 'python3', spawnError })).toBe(`python3 not found: ${hint}`);
  });

  /** A script's own stderr line: its message when it explains itself, the torch hint when torch is missing. */
  const scriptLines = [
    { name: 'a python without torch', python: 'python3', code: 3, stderr: "search_iteration.py: no torch in /root/.pyenv/versions/3.11.7/bin/python3 (No module named 'torch')\n", expected: `python3 has no torch: ${hint}` },
    {
      name: "the script's parameter check: its message, not its progress",
      python: '/usr/bin/python3',
      code: 4,
      stderr: 'search_iteration.py: parameter counts differ (discriminator 451616 here, 451617 expected): not the same networks, nothing timed\n',
      expected: 'exited with 4: search_iteration.py: parameter counts differ (discriminator 451616 here, 451617 expected): not the same networks, nothing timed',
    },
    { name: "authors_iteration.py without torch (it imports search_iteration.py's check)", python: 'python3', code: 3, stderr: "authors_iteration.py: no torch in /usr/local/bin/python3 (No module named 'torch')\n", expected: `python3 has no torch: ${hint}` },
    {
      name: "authors_iteration.py without the authors' code: its line, with the path and the fix",
      python: 'python3',
      code: 5,
      stderr: 'authors_iteration.py: /src/nothing is not a directory: pass --code the directory of a clone of https://github.com/chengaopro/AdversarialNAS\n',
      expected: 'exited with 5: authors_iteration.py: /src/nothing is not a directory: pass --code the directory of a clone of https://github.com/chengaopro/AdversarialNAS',
    },
  ];
  it.each(scriptLines)('$name', ({ python, code, stderr, expected }) => {
    expect(failureMessage({ python, code, stderr })).toBe(expected);
  });

  it('a Python error: the last line of its traceback', () => {
    const stderr = ['  search 16/16 pytorch: iteration 1/3 1200 ms', 'Traceback (most recent call last):', '  File "search_iteration.py", line 9, in <module>', 'RuntimeError: loss dLoss is nan', ''].join('\n');
    expect(failureMessage({ python: 'python3', code: 1, stderr })).toBe('exited with 1: RuntimeError: loss dLoss is nan');
  });

  it('DSL_BENCH_PYTHON chooses the python, python3 otherwise', () => {
    expect(pythonCommand({ DSL_BENCH_PYTHON: '/usr/bin/python3' })).toBe('/usr/bin/python3');
    expect(pythonCommand({})).toBe('python3');
  });
});

describe('running the reference (a stand-in script instead of python)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsl-bench-pytorch-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let stderr = '';
  const progress = (text: string) => (stderr += text);

  /**
   * An executable that answers like search_iteration.py, reporting the counts it is asked for plus
   * `extra`; given --code DIR, like authors_iteration.py, which first checks DIR (exit 5).
   */
  function fakePython(name: string, extra: number): string {
    const file = join(dir, name);
    writeFileSync(
      file,
      `#!${process.execPath}
const { existsSync } = require('node:fs');
const argv = process.argv.slice(2);
const code = argv.includes('--code') ? argv[argv.indexOf('--code') + 1] : undefined;
if (code !== undefined && !existsSync(code + '/architect.py')) {
  process.stderr.write('authors_iteration.py: ' + code + ' is not a directory: pass --code the directory of a clone of https://github.com/chengaopro/AdversarialNAS\\n');
  process.exit(5);
}
const [g, d] = argv[argv.indexOf('--expect-parameters') + 1].split(',').map(Number);
process.stderr.write('  progress\\n');
console.log('PYTORCH_RESULT ' + JSON.stringify({ ...${JSON.stringify(OUTPUT)}, parameters: { generator: g, discriminator: d + ${extra} } }));
`,
    );
    chmodSync(file, 0o755);
    return file;
  }

  it('gives the result with our MAC counts and useful FLOP', async () => {
    const r = await runPytorch(CASE, { python: fakePython('good', 0), timeoutMs: 30_000, progress });
    expect(r.output.medianMs).toBe(1200.5);
    expect(r.output.parameters).toEqual({ generator: 493_523, discriminator: 451_616 });
    expect(r.macs).toEqual({ generator: 122_682_624, discriminator: 88_537_872 });
    expect(r.flops).toBeGreaterThan(0);
    expect(stderr).toContain('progress');
  });

  it('refuses a result for other networks', async () => {
    await expect(runPytorch(CASE, { python: fakePython('other', 1), timeoutMs: 30_000, progress })).rejects.toThrow(
      'parameter counts differ (discriminator 451617 in PyTorch, 451616 in tfjs): not the same networks',
    );
  });

  it("the authors' code: the result, refused when its counts differ", async () => {
    const code = join(dir, 'AdversarialNAS');
    mkdirSync(code);
    writeFileSync(join(code, 'architect.py'), '');
    const r = await runPytorch({ ...CASE, authors: code }, { python: fakePython('authors', 0), timeoutMs: 30_000, progress });
    expect(r.case.authors).toBe(code);
    expect(r.output.parameters).toEqual({ generator: 493_523, discriminator: 451_616 });
    await expect(runPytorch({ ...CASE, authors: code }, { python: fakePython('authors-other', 1), timeoutMs: 30_000, progress })).rejects.toThrow(
      "parameter counts differ (discriminator 451617 in the authors' code, 451616 in tfjs): not the same networks",
    );
  });

  it("the authors' code not where it is said to be: one line naming the path and the fix, no traceback", async () => {
    const missing = join(dir, 'no-such-clone');
    const error = await runPytorch({ ...CASE, authors: missing }, { python: fakePython('authors-missing', 0), timeoutMs: 30_000, progress }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(`exited with 5: authors_iteration.py: ${missing} is not a directory: pass --code the directory of a clone of https://github.com/chengaopro/AdversarialNAS`);
  });

  it('a python that is not there: the fix, no stack trace', async () => {
    await expect(runPytorch(CASE, { python: join(dir, 'no-such-python'), timeoutMs: 30_000, progress })).rejects.toThrow(/no-such-python not found: set DSL_BENCH_PYTHON/);
  });
});

describe("the bench's own check of --pytorch-authors DIR (before its first case)", () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsl-bench-authors-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const fix = 'pass the directory of a clone of https://github.com/chengaopro/AdversarialNAS';

  it('a missing directory, or a file', () => {
    expect(authorsCodeProblem(join(dir, 'nothing'))).toBe(`${join(dir, 'nothing')} is not a directory: ${fix}`);
    writeFileSync(join(dir, 'file'), '');
    expect(authorsCodeProblem(join(dir, 'file'))).toBe(`${join(dir, 'file')} is not a directory: ${fix}`);
  });

  it('a directory without the modules the script imports names them', () => {
    const clone = join(dir, 'clone');
    mkdirSync(join(clone, 'archs'), { recursive: true });
    expect(authorsCodeProblem(clone)).toBe(`${clone} has no ${join('archs', 'search_both_cifar10.py')} or architect.py: ${fix}`);
    writeFileSync(join(clone, 'architect.py'), '');
    expect(authorsCodeProblem(clone)).toBe(`${clone} has no ${join('archs', 'search_both_cifar10.py')}: ${fix}`);
    writeFileSync(join(clone, 'archs', 'search_both_cifar10.py'), '');
    expect(authorsCodeProblem(clone)).toBeUndefined();
  });
});

/**
 * The PyTorch reference of `npm run bench -- --pytorch`: scripts/pytorch-reference/search_iteration.py
 * times the same search iteration (same super-networks, batches, optimizers, n_critic 1) in eager
 * PyTorch on the same machine, so that the bench can say how far tfjs is from it. The script runs
 * in a python child process and must count the same weights as our networks, or it times nothing.
 * Its OpenMP threads wait for each other at every op: with other processes on the cores an
 * iteration took 10-25x its quiet time here (tfjs 3-4x), so only a quiet machine gives a fair ratio.
 *
 * With --pytorch-authors DIR, scripts/pytorch-reference/authors_iteration.py times the authors' own
 * code as written (imported from DIR, a clone of github.com/chengaopro/AdversarialNAS; nothing of it
 * is ours): the same weights, but every backward pass differentiates everything.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { networkCost } from '../nas/count.js';
import { buildSpace } from '../nas/space.js';
import { resolveExperiment } from './experiments.js';
import { iterationFlops, type ImageCounts } from '../nas/iterationWork.js';
import { pairLabel } from './options.js';

export const PYTORCH_SCRIPT = fileURLToPath(new URL('../../scripts/pytorch-reference/search_iteration.py', import.meta.url));
export const AUTHORS_SCRIPT = fileURLToPath(new URL('../../scripts/pytorch-reference/authors_iteration.py', import.meta.url));
export const PYTORCH_RESULT = 'PYTORCH_RESULT ';
/** The variant of the rows that time the authors' code. */
export const AUTHORS_VARIANT = "authors' code";

export const PYTHON_HINT = 'set DSL_BENCH_PYTHON to a python with torch, e.g. /usr/bin/python3 after `apt install python3-torch`';

type Counts = { readonly generator: number; readonly discriminator: number };

/** One search size timed in PyTorch; `backend` tells it from the tfjs cases in the bench's plan. */
export interface PytorchCase {
  readonly name: string;
  readonly backend: 'pytorch';
  readonly spec: string;
  readonly widths: Counts;
  readonly batch: number;
  readonly generatorBatch: number;
  readonly warmup: number;
  readonly iterations: number;
  readonly threads?: number;
  /** The directory of the authors' code (authors_iteration.py); absent: our like-for-like search_iteration.py. */
  readonly authors?: string;
}

/** What the script prints after PYTORCH_RESULT (times in ms; null where no iteration was timed). */
export interface PytorchOutput {
  readonly torch: string;
  readonly threads: number;
  readonly widths: Counts;
  readonly batch: { readonly discriminator: number; readonly split: number; readonly generator: number };
  readonly warmup: number;
  readonly iterations: number;
  readonly medianMs: number | null;
  readonly minMs: number | null;
  readonly maxMs: number | null;
  readonly q1Ms: number | null;
  readonly q3Ms: number | null;
  readonly phasesMs: Readonly<Record<'dArch' | 'dWeights' | 'gArch' | 'gWeights', number | null>>;
  readonly samplesMs: readonly number[];
  readonly cpuMs: number | null;
  /** Weights only. */
  readonly parameters: Counts;
  /** The architecture parameters (α, β): the authors' D has 6 more (7-wide rows for its 3 stem edges). */
  readonly architectureParameters?: Counts;
  readonly peakRssBytes?: number;
  readonly losses?: Readonly<Record<string, number>>;
  /** authors_iteration.py: the directory it imported the authors' code from. */
  readonly code?: string;
}

export interface PytorchResult {
  readonly case: PytorchCase;
  readonly output: PytorchOutput;
  /** Our MAC counts and useful FLOP of the iteration: the same formula as the tfjs rows. */
  readonly macs: Counts;
  readonly flops: number;
  readonly images: ImageCounts;
  readonly loadAverage: { readonly before: readonly number[]; readonly after: readonly number[] };
}

/** Our networks at the case's widths, counted from the space alone (no tfjs): what the script must match. */
export function referenceNetworks(c: Pick<PytorchCase, 'spec' | 'widths'>): { parameters: Counts; macs: Counts; split: number } {
  const spec = resolveExperiment(c.spec);
  const space = buildSpace(spec, c.widths);
  const g = networkCost(space.generator);
  const d = networkCost(space.discriminator);
  return { parameters: { generator: g.parameters, discriminator: d.parameters }, macs: { generator: g.macs, discriminator: d.macs }, split: spec.search.batch.split };
}

export function pytorchArgs(c: PytorchCase, expected: Counts, split: number): string[] {
  return [
    // The authors' code splits the real batch in halves, no option (runPytorch checks the spec does too).
    ...(c.authors !== undefined ? [AUTHORS_SCRIPT, '--code', c.authors] : [PYTORCH_SCRIPT]),
    '--widths', pairLabel(c.widths),
    '--batch', String(c.batch),
    ...(c.authors !== undefined ? [] : ['--split', String(split)]),
    '--generator-batch', String(c.generatorBatch),
    '--warmup', String(c.warmup),
    '--iterations', String(c.iterations),
    ...(c.threads !== undefined ? ['--threads', String(c.threads)] : []),
    '--expect-parameters', `${expected.generator},${expected.discriminator}`,
  ];
}

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;
const isTime = (x: unknown): x is number | null => x === null || (typeof x === 'number' && Number.isFinite(x));
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The PYTORCH_RESULT line of the script's stdout; throws a one-line message when there is none or it is malformed. */
export function parsePytorchOutput(stdout: string): PytorchOutput {
  const line = stdout.split('\n').find((l) => l.startsWith(PYTORCH_RESULT));
  if (line === undefined) throw new Error('no PYTORCH_RESULT line in its output');
  let value: unknown;
  try {
    value = JSON.parse(line.slice(PYTORCH_RESULT.length));
  } catch (error) {
    throw new Error(`malformed PYTORCH_RESULT line (${error instanceof Error ? error.message : String(error)})`);
  }
  const wrong = (what: string) => new Error(`malformed PYTORCH_RESULT line: ${what}`);
  if (!isObject(value)) throw wrong('not a JSON object');
  if (typeof value.torch !== 'string') throw wrong('no torch version');
  for (const k of ['threads', 'warmup', 'iterations'] as const) if (!isCount(value[k])) throw wrong(`${k} is not a count`);
  for (const k of ['medianMs', 'minMs', 'maxMs', 'q1Ms', 'q3Ms', 'cpuMs'] as const) if (!isTime(value[k])) throw wrong(`${k} is not a time`);
  for (const k of ['widths', 'parameters'] as const) {
    const pair = value[k];
    if (!isObject(pair) || !isCount(pair.generator) || !isCount(pair.discriminator)) throw wrong(`${k} is not {generator, discriminator}`);
  }
  if (!isObject(value.batch)) throw wrong('no batch');
  const phases = value.phasesMs;
  if (!isObject(phases) || !['dArch', 'dWeights', 'gArch', 'gWeights'].every((k) => isTime(phases[k]))) throw wrong('phasesMs lacks a phase');
  if (!Array.isArray(value.samplesMs) || !value.samplesMs.every((x) => typeof x === 'number')) throw wrong('samplesMs is not a list of times');
  return value as unknown as PytorchOutput;
}

/**
 * Why the networks differ, or undefined when the script counted the same weights as we do. Weights
 * only: the authors' D has more architecture parameters than ours (and search_iteration.py's) by
 * design, 7-wide rows for the 3 stem edges of its first cell whose 5 convs take the first 5 entries.
 */
export function parameterMismatch(expected: Counts, got: Counts, where = 'PyTorch'): string | undefined {
  const wrong = (['generator', 'discriminator'] as const).filter((k) => expected[k] !== got[k]).map((k) => `${k} ${got[k]} in ${where}, ${expected[k]} in tfjs`);
  return wrong.length > 0 ? `parameter counts differ (${wrong.join('; ')}): not the same networks` : undefined;
}

/**
 * A one-line reason for a run that gave no result: python missing, torch missing (the fix in
 * both cases), or the script's own last words (e.g. its parameter check), never a whole traceback.
 */
export function failureMessage(o: { python: string; code?: number | null; signal?: string | null; stderr?: string; spawnError?: NodeJS.ErrnoException; timedOutMs?: number }): string {
  if (o.spawnError) return o.spawnError.code === 'ENOENT' ? `${o.python} not found: ${PYTHON_HINT}` : `${o.python} did not start (${o.spawnError.message})`;
  if (o.timedOutMs !== undefined) return `killed after ${Math.round(o.timedOutMs / 1000)} s`;
  const lines = (o.stderr ?? '').split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
  if (lines.some((l) => /^(search|authors)_iteration\.py: no torch/.test(l) || l.includes("No module named 'torch'"))) return `${o.python} has no torch: ${PYTHON_HINT}`;
  // The scripts' own messages start with their name (authors_iteration.py's about DIR end with the
  // fix); a Python error ends its traceback with "XError: ...".
  const own = lines.filter((l) => /^(search|authors)_iteration\.py: /.test(l)).pop();
  const last = own ?? lines.filter((l) => !l.startsWith(' ') && l.length < 400).pop();
  return `exited with ${o.signal ?? o.code}${last ? `: ${last}` : ''}`;
}

/**
 * Why `dir` cannot be the authors' code (the check authors_iteration.py makes, in its words), or
 * undefined: lets the bench refuse a wrong --pytorch-authors before its first case.
 */
export function authorsCodeProblem(dir: string): string | undefined {
  const fix = 'pass the directory of a clone of https://github.com/chengaopro/AdversarialNAS';
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return `${dir} is not a directory: ${fix}`;
  const missing = [join('archs', 'search_both_cifar10.py'), 'architect.py'].filter((m) => !existsSync(join(dir, m)));
  return missing.length > 0 ? `${dir} has no ${missing.join(' or ')}: ${fix}` : undefined;
}

export const pythonCommand = (env: NodeJS.ProcessEnv = process.env): string => env.DSL_BENCH_PYTHON || 'python3';

/**
 * Runs the script for one case; its progress lines (stderr) go to `progress` (default: our
 * stderr). Rejects with a one-line message (failureMessage, parsePytorchOutput, parameterMismatch).
 */
export function runPytorch(c: PytorchCase, o: { python: string; timeoutMs: number; progress?: (text: string) => void }): Promise<PytorchResult> {
  const progress = o.progress ?? ((text: string) => process.stderr.write(text));
  const reference = referenceNetworks(c);
  const batch = { discriminator: c.batch, split: reference.split, generator: c.generatorBatch };
  const { flops, images } = iterationFlops({ batch, macs: reference.macs, search: true });
  const before = os.loadavg();
  return new Promise((resolve, reject) => {
    const child = spawn(o.python, pytorchArgs(c, reference.parameters, reference.split), { stdio: ['ignore', 'pipe', 'pipe'] });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, o.timeoutMs);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      progress(d.toString());
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new Error(failureMessage({ python: o.python, spawnError: error })));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) return reject(new Error(failureMessage({ python: o.python, timedOutMs: o.timeoutMs })));
      if (code !== 0) return reject(new Error(failureMessage({ python: o.python, code, signal, stderr })));
      try {
        const output = parsePytorchOutput(stdout);
        const mismatch = parameterMismatch(reference.parameters, output.parameters, c.authors !== undefined ? "the authors' code" : 'PyTorch');
        if (mismatch) throw new Error(mismatch);
        if (output.batch.split !== reference.split) throw new Error(`its batch split ${output.batch.split} is not the spec's ${reference.split}: not the same iteration`);
        resolve({ case: c, output, macs: reference.macs, flops, images, loadAverage: { before, after: os.loadavg() } });
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

/**
 * `npm run bench`: times one AdversarialNAS search iteration of the paper's super-networks at
 * small widths, the derived network's training iteration, the MNIST quick experiment's
 * iterations, the paper configuration's memory, and the CLI's start-up. Each case runs in a
 * child process of its own (clean peak RSS; a wasm heap never shrinks). With --pytorch, each search
 * size is also timed in PyTorch (pytorch.ts), for the tfjs/PyTorch ratio; with --pytorch-authors DIR,
 * in the authors' own code too. Prints a table, or one JSON object with --json. See options.ts for the flags.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { tf } from '../ml/tf.js';
import { FLOP_FORMULA } from '../nas/iterationWork.js';
import { pairLabel, parseOptions, USAGE, type BenchOptions } from './options.js';
import { AUTHORS_VARIANT, authorsCodeProblem, pythonCommand, runPytorch, type PytorchCase, type PytorchResult } from './pytorch.js';
import { searchCaseUnfit } from './memoryFit.js';
import { toJson, toText, type BenchReport, type SkippedCase } from './report.js';
import { runCase, type BenchCase, type CaseResult } from './run.js';
import { measureStartup } from './startup.js';
import { measureSweep } from './sweep.js';

const RESULT = 'BENCH_RESULT ';
const ERROR = 'BENCH_ERROR ';

/** The cases to run, and those left out because the backend cannot hold them. */
function plan(o: BenchOptions): { cases: (BenchCase | PytorchCase)[]; skipped: SkippedCase[] } {
  const cases: (BenchCase | PytorchCase)[] = [];
  const skipped: SkippedCase[] = [];
  // The A/B of the convolution kernels runs wasm on every core, as `auto` does without oneDNN
  // (with it, one wasm thread): XNNPACK's convolutions at their best against oneDNN's.
  const threads = o.threads ?? (o.variants.includes('wasm-conv') ? os.availableParallelism() : undefined);
  const common = { variants: o.variants, profile: o.profile, ...(threads !== undefined ? { threads } : {}) };
  const timing = (backend: string, train = false) =>
    backend === 'cpu' ? { warmup: 1, iterations: o.cpuIterations } : train ? { warmup: o.trainWarmup, iterations: o.trainIterations } : { warmup: o.warmup, iterations: o.iterations };
  // The training and paper-size cases would take hours on the pure-JavaScript backend.
  const heavyBackends = o.backends.filter((b) => b !== 'cpu');
  if (o.sections.includes('search')) {
    // Size by size, so that the PyTorch reference of a size runs right after its tfjs cases (same machine state).
    for (const widths of o.sizes) {
      const name = `search ${pairLabel(widths)}`;
      for (const backend of o.backends) {
        cases.push({ name, kind: 'search', spec: 'cifar10.yaml', backend, widths, batch: 16, generatorBatch: 16, ...timing(backend), ...common });
      }
      const threads = o.threads !== undefined ? { threads: o.threads } : {};
      const reference = { name, backend: 'pytorch', spec: 'cifar10.yaml', widths, batch: 16, generatorBatch: 16, warmup: o.warmup, iterations: o.iterations, ...threads } as const;
      if (o.pytorch) cases.push(reference);
      if (o.pytorchAuthors !== undefined) cases.push({ ...reference, authors: o.pytorchAuthors });
    }
  }
  if (o.sections.includes('paper')) {
    const widths = { generator: 160, discriminator: 80 };
    for (const batch of o.paperBatches) {
      const name = `paper 160/80 batch ${batch}`;
      const timing = { warmup: o.paperWarmup, iterations: o.paperIterations };
      for (const backend of heavyBackends) {
        const unfit = searchCaseUnfit(backend, '160/80', batch);
        if (unfit !== undefined) skipped.push({ name, backend, reason: unfit });
        else cases.push({ name, kind: 'search', spec: 'cifar10.yaml', backend, widths, batch, generatorBatch: batch, ...timing, ...common, profile: false });
      }
      const threads = o.threads !== undefined ? { threads: o.threads } : {};
      const reference = { name, backend: 'pytorch', spec: 'cifar10.yaml', widths, batch, generatorBatch: batch, ...timing, ...threads } as const;
      if (o.pytorch) cases.push(reference);
      if (o.pytorchAuthors !== undefined) cases.push({ ...reference, authors: o.pytorchAuthors });
    }
  }
  if (o.sections.includes('train')) {
    for (const backend of heavyBackends) {
      for (const b of o.trainBatches) {
        cases.push({
          name: `train 256/128 batch ${pairLabel(b)}`,
          kind: 'train',
          spec: 'cifar10.yaml',
          genotype: 'genotypes/adversarialnas-cifar10.yaml',
          backend,
          batch: b.discriminator,
          generatorBatch: b.generator,
          ...timing(backend, true),
          ...common,
        });
      }
    }
  }
  if (o.sections.includes('mnist')) {
    for (const backend of o.backends) {
      cases.push({ name: 'mnist search', kind: 'search', spec: 'mnist.yaml', backend, ...timing(backend), ...common });
      if (backend !== 'cpu') cases.push({ name: 'mnist train', kind: 'train', spec: 'mnist.yaml', genotype: 'genotypes/adversarialnas-cifar10.yaml', backend, ...timing(backend, true), ...common });
    }
  }
  if (o.sections.includes('memory')) {
    // The first backend asked for: on cpu only at the small widths one asks for (the paper's would take hours).
    const backend = o.backends[0] ?? 'wasm';
    for (const widths of o.memorySizes ?? [undefined]) {
      for (const batch of o.memoryBatches) {
        const size = widths ? pairLabel(widths) : o.memoryStage === 'search' ? 'spec widths' : 'spec train widths';
        // Not profiled: under tf.profile a kernel that fails (a full heap) surfaces as an unrelated
        // error from the profiler, and the real one as an unhandled rejection. Two iterations: the
        // first generator step separates the EMA from the weights, so the second holds one more copy.
        cases.push({
          name: `memory ${o.memoryStage} ${size} batch ${pairLabel(batch)}`,
          kind: o.memoryStage,
          spec: o.memorySpec,
          ...(o.memoryStage === 'train' ? { genotype: 'genotypes/adversarialnas-cifar10.yaml' } : {}),
          backend,
          ...(widths ? { widths } : {}),
          batch: batch.discriminator,
          generatorBatch: batch.generator,
          warmup: 1,
          iterations: 1,
          variants: ['fast'],
          profile: false,
          heapTop: true,
        });
      }
    }
  }
  return { cases, skipped };
}

/**
 * Runs a case in a child process; progress lines go to stderr. A case that outlives
 * `timeoutMs` is killed (a last resort: a full wasm heap fails with a message since
 * src/ml/backend/wasm_heap.ts, but allocations inside XNNPACK are not guarded).
 */
function runChild(c: BenchCase, timeoutMs: number): Promise<CaseResult> {
  const self = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, self, '--child', JSON.stringify(c)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT));
      const failure = stdout.split('\n').find((l) => l.startsWith(ERROR));
      if (line) resolve(JSON.parse(line.slice(RESULT.length)) as CaseResult);
      else if (failure) reject(new Error(failure.slice(ERROR.length)));
      else if (timedOut) reject(new Error(`killed after ${Math.round(timeoutMs / 1000)} s (with wasm: likely out of its 4 GiB heap)`));
      else reject(new Error(`exited with ${signal ?? code}${stderr ? `: ${lastLines(stderr)}` : ''}`));
    });
  });
}

/** Processes that each keep a core busy until killed (--neighbours). */
function startNeighbours(n: number): ChildProcess[] {
  const spin = 'let x = 0; for (;;) x = (x + 1) % 1e9;';
  const children = Array.from({ length: n }, () => spawn(process.execPath, ['-e', spin], { stdio: 'ignore' }));
  process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));
  return children;
}

const lastLines = (text: string) => text.trim().split('\n').filter((l) => l.length < 400).slice(-3).join(' | ');

async function child(payload: string): Promise<number> {
  const c = JSON.parse(payload) as BenchCase;
  try {
    const result = await runCase(c, (line) => process.stderr.write(`  ${line}\n`));
    process.stdout.write(`${RESULT}${JSON.stringify(result)}\n`);
    return 0;
  } catch (error) {
    process.stdout.write(`${ERROR}${(error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ')}\n`);
    return 1;
  }
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === '--child') return child(argv[1]!);
  let options: BenchOptions | 'help';
  try {
    options = parseOptions(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // Before the first case, not after the tfjs cases of the first size.
  const authorsProblem = options.pytorchAuthors === undefined ? undefined : authorsCodeProblem(options.pytorchAuthors);
  if (authorsProblem) {
    process.stderr.write(`--pytorch-authors: ${authorsProblem}\n`);
    return 2;
  }
  const neighbours = startNeighbours(options.neighbours);
  const meta = {
    ...(options.neighbours > 0 ? { busyNeighbours: options.neighbours } : {}),
    date: new Date().toISOString(),
    node: process.version,
    tfjs: tf.version_core,
    cpus: os.cpus()[0]?.model ?? 'unknown CPU',
    cores: os.availableParallelism(),
    loadAverage: os.loadavg(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
  const results: CaseResult[] = [];
  const pytorch: PytorchResult[] = [];
  const pytorchAuthors: PytorchResult[] = [];
  const failures: BenchReport['failures'][number][] = [];
  const { cases, skipped } = plan(options);
  for (const s of skipped) process.stderr.write(`${s.name} on ${s.backend}: skipped, ${s.reason}\n`);
  for (const c of cases) {
    const authors = c.backend === 'pytorch' && c.authors !== undefined;
    process.stderr.write(`${c.name} on ${c.backend}${authors ? " (the authors' code)" : ''}...\n`);
    try {
      if (c.backend === 'pytorch') (authors ? pytorchAuthors : pytorch).push(await runPytorch(c, { python: pythonCommand(), timeoutMs: options.timeoutMinutes * 60_000 }));
      else {
        const result = await runChild(c, options.timeoutMinutes * 60_000);
        process.stderr.write(`  ${result.backend.summary}\n`); // which kernels ran, e.g. the convolutions
        results.push(result);
      }
    } catch (error) {
      failures.push({ name: c.name, backend: authors ? `${c.backend}, ${AUTHORS_VARIANT}` : c.backend, error: error instanceof Error ? error.message : String(error) });
    }
  }
  for (const n of neighbours) n.kill('SIGKILL');
  const startup = options.sections.includes('startup') ? measureStartup({ runs: options.startupRuns, inProcessSpec: 'cifar10.yaml', cliSpec: 'mnist.yaml' }) : undefined;
  if (options.sections.includes('sweep')) process.stderr.write('sweep of 4 tiny trials...\n');
  const sweep = options.sections.includes('sweep') ? await measureSweep() : undefined;
  const report: BenchReport = { meta, flopFormula: FLOP_FORMULA, results, failures, ...(skipped.length ? { skipped } : {}), ...(options.pytorch ? { pytorch } : {}), ...(options.pytorchAuthors !== undefined ? { pytorchAuthors } : {}), ...(startup ? { startup } : {}), ...(sweep ? { sweep } : {}) };
  process.stdout.write(options.json ? `${JSON.stringify(toJson(report), null, 2)}\n` : toText(report));
  return failures.length > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);

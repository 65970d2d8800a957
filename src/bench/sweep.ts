/**
 * Sweeps (opt-in section `sweep`): the wall time of 4 tiny trials on this machine with 1 and 2
 * trial processes, and what the Redis queue adds per trial: from a job being free to run to a
 * worker starting it, and from the last trial's end to the summary. Starts its own
 * redis-server on a loopback port (Debian's `redis-server`); without one, the queue part says so.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { QUEUE_NAME } from '../sweep/queue/connection.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin/dsl.js');

/** The tiny settings of test/helpers/tiny.ts, without the search (derive.from), 4 trials. */
const TINY = [
  'train.generator.channels=4', 'train.discriminator.channels=4', 'train.schedule={ iterations: 4 }',
  'train.batch.discriminator=8', 'train.batch.generator=8', 'data.limit=200', 'evaluate.samples=40',
  'evaluate.splits=2', 'evaluate.grid=16', 'evaluate.features.epochs=1', 'derive.from=experiments/genotypes/adversarialnas-cifar10.yaml',
];

export interface SweepBench {
  readonly trials: number;
  /** `dsl sweep --workers N`, wall seconds of the whole command, a fresh run directory each. */
  readonly localSeconds: Readonly<Record<string, number>>;
  readonly queue?: { readonly workerSeconds: number; readonly startLatencyMs: readonly number[]; readonly finishToSummaryMs: number };
  readonly queueError?: string;
}

function specIn(dir: string): string {
  const file = join(dir, 'sweep.yaml');
  writeFileSync(file, `extends: ${join(root, 'experiments/mnist.yaml')}\nname: bench-sweep\nsweep:\n  parameters:\n    train.optimizers.generator.lr: [0.0001, 0.0002, 0.0003, 0.0004]\n`);
  return file;
}

const set = (out: string) => [...TINY, `runtime.outDir=${out}`].flatMap((s) => ['--set', s]);

function timed(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: '1' } });
  if (r.status !== 0) throw new Error(`dsl ${args[0]} exited with ${r.status}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}`);
  return (performance.now() - t0) / 1000;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

export async function measureSweep(): Promise<SweepBench> {
  const dir = mkdtempSync(join(tmpdir(), 'dsl-bench-sweep-'));
  try {
    const spec = specIn(dir);
    const localSeconds: Record<string, number> = {};
    for (const workers of [1, 2]) localSeconds[String(workers)] = timed(['sweep', spec, ...set(join(dir, `local-${workers}`)), '--workers', String(workers)]);
    if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) return { trials: 4, localSeconds, queueError: 'redis-server is not installed' };
    const port = await freePort();
    const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', ''], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 500));
    const url = `redis://127.0.0.1:${port}`;
    const worker = spawn(process.execPath, [bin, 'worker', '--queue', url, '--root', dir, '--root', join(root, 'experiments')], { cwd: root, stdio: 'ignore', env: { ...process.env, CI: '1' } });
    try {
      const workerSeconds = timed(['sweep', spec, ...set(join(dir, 'queue')), '--queue', url]);
      const ended = Date.now();
      const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port } });
      const jobs = (await queue.getJobs(['completed'])).sort((a, b) => (a.processedOn ?? 0) - (b.processedOn ?? 0));
      await queue.close();
      // A job is free to run once it is queued and the one worker has finished the previous job.
      const startLatencyMs = jobs.map((j, i) => (j.processedOn ?? 0) - Math.max(j.timestamp, i ? (jobs[i - 1]!.finishedOn ?? 0) : 0));
      const lastFinish = Math.max(...jobs.map((j) => j.finishedOn ?? 0));
      return { trials: 4, localSeconds, queue: { workerSeconds, startLatencyMs, finishToSummaryMs: ended - lastFinish } };
    } finally {
      worker.kill('SIGTERM');
      redis.kill('SIGTERM');
    }
  } catch (error) {
    return { trials: 4, localSeconds: {}, queueError: error instanceof Error ? error.message : String(error) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function sweepText(m: SweepBench): string[] {
  const out = ['', `sweep of ${m.trials} tiny trials (shared derivation; each re-trains and evaluates):`];
  for (const [workers, s] of Object.entries(m.localSeconds)) out.push(`  dsl sweep --workers ${workers}: ${s.toFixed(1)} s wall`);
  if (m.queue) {
    const median = [...m.queue.startLatencyMs].sort((a, b) => a - b)[Math.floor(m.queue.startLatencyMs.length / 2)] ?? NaN;
    out.push(`  dsl sweep --queue with 1 worker: ${m.queue.workerSeconds.toFixed(1)} s wall`);
    out.push(`  queue overhead per trial: job free → worker starts it, median ${median.toFixed(0)} ms [${m.queue.startLatencyMs.map((v) => v.toFixed(0)).join(', ')}]; last trial's end → summary written ${m.queue.finishToSummaryMs.toFixed(0)} ms`);
  }
  if (m.queueError) out.push(`  queue: not measured (${m.queueError})`);
  return out;
}

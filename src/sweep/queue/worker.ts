import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { nodeSpecHost } from '../../io/specHost.js';
import { builtinTemplatesDir } from '../../spec/assets.js';
import { openStore } from '../../run/store.js';
import { compileSweep } from '../compileTrials.js';
import { checkTrialJob, outsideRoots, pathsOf, type TrialJob } from '../core/payload.js';
import { isInside, redactSecret, type QueueUrl } from '../core/queueUrl.js';
import { resolveSweep } from '../core/resolveTrials.js';
import { childModule } from '../localPool.js';
import type { FromTrialProcess, ToTrialProcess } from '../protocol.js';
import { TRIAL_FILE, writeTrialRecord, type TrialRecord } from '../trialRecord.js';
import { QUEUE_NAME, redisOptions } from './connection.js';

export interface WorkerOptions {
  readonly url: QueueUrl;
  readonly concurrency: number;
  /** Directories whose specs this worker runs; every path of a trial must be inside one. */
  readonly roots: readonly string[];
  /** How soon a job whose worker died goes back to the queue. */
  readonly stalledSeconds: number;
  readonly threads?: number;
  readonly onLine: (line: string) => void;
}

/** What the queue says a job's progress is: read by a waiting `dsl sweep`. */
export interface JobProgress {
  readonly stage?: string;
  readonly done?: number;
  readonly total?: number;
  readonly worker: string;
}

/**
 * A queue worker: takes trial jobs and runs each in a child process (training blocks the event
 * loop, and this process must keep renewing the jobs' locks). It refuses, without retrying, a
 * job whose data is malformed, whose spec does not resolve, or which reads or writes anywhere
 * outside the roots it serves.
 */
export function startWorker(options: WorkerOptions): { worker: Worker; close: () => Promise<void> } {
  const name = `${process.pid}`;
  const idle: ChildProcess[] = [];
  const all = new Set<ChildProcess>();
  const redact = (text: string) => redactSecret(text, options.url.password);

  const processor = async (job: Job): Promise<TrialRecord> => {
    const problem = checkTrialJob(job.data);
    if (problem) throw new UnrecoverableError(`refused: ${problem}`);
    const data = job.data as TrialJob;
    if (!options.roots.some((r) => isInside(data.specFile, r))) throw new UnrecoverableError(`refused: the spec ${data.specFile} is outside the directories this worker serves (${options.roots.join(', ')})`);
    const sweep = resolveSweep(data.specFile, { host: nodeSpecHost, overrides: data.set, cwd: data.cwd });
    const error = sweep.problems.find((p) => p.severity === 'error');
    if (error || !sweep.base.spec) throw new UnrecoverableError(`refused: the spec does not resolve on this worker: ${error?.message ?? 'no spec'}`);
    const trial = compileSweep(sweep).trials.find((t) => t.fingerprint === data.fingerprint);
    if (!trial) throw new UnrecoverableError('refused: no trial of this spec has the job\'s fingerprint (was the spec edited after the sweep was submitted?)');
    // The package's own templates are read by every spec, wherever it lives.
    const outside = outsideRoots(pathsOf(trial.spec, trial.trial.resolution.files), [...options.roots, builtinTemplatesDir]);
    if (outside.length) {
      const message = `refused: the trial uses paths outside the directories this worker serves: ${outside.join(', ')}`;
      const root = openStore(trial.spec.runtime.outDir, trial.spec.name).root;
      if (options.roots.some((r) => isInside(root, r))) writeTrialRecord(join(root, trial.dirName, TRIAL_FILE), refusedRecord(data, trial.spec.runtime.seed, message));
      throw new UnrecoverableError(message);
    }
    options.onLine(`job ${job.id!.slice(0, 10)} trial ${data.number} (${data.label}): running`);
    const child = idle.pop() ?? spawnChild(all);
    const record = await new Promise<TrialRecord>((resolve, reject) => {
      let last = 0;
      const onMessage = (message: FromTrialProcess) => {
        if (message.fingerprint !== data.fingerprint) return;
        if (message.type === 'event') {
          const event = message.event;
          const now = Date.now();
          // A progress write per second at most: the queue is shared.
          if (event.type === 'step' && now - last > 1_000) {
            last = now;
            void job.updateProgress({ stage: event.stage, done: event.iteration + 1, total: event.total, worker: name } satisfies JobProgress).catch(() => undefined);
          } else if (event.type === 'start' || event.type === 'cache-hit') {
            void job.updateProgress({ stage: event.stage, worker: name } satisfies JobProgress).catch(() => undefined);
          }
        } else if (message.type === 'done') done(() => resolve(message.record));
        else done(() => reject(new UnrecoverableError(`refused: ${message.message}`)));
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => done(() => reject(new Error(`the trial process exited (${signal ?? `code ${code}`})`)));
      const done = (then: () => void) => {
        child.off('message', onMessage);
        child.off('exit', onExit);
        then();
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.send({ type: 'trial', specFile: data.specFile, set: data.set, cwd: data.cwd, fingerprint: data.fingerprint, ...(options.threads ? { threads: options.threads } : {}) } satisfies ToTrialProcess);
    });
    if (child.connected) idle.push(child);
    options.onLine(`job ${job.id!.slice(0, 10)} trial ${data.number} (${data.label}): ${record.status}${record.error ? `: ${record.error}` : ''}`);
    // An interrupted trial (this worker is stopping) goes back to the queue to resume elsewhere.
    if (record.status !== 'complete') throw new Error(redact(record.error ?? `trial ${record.status}`));
    return record;
  };

  const stalled = Math.max(1, options.stalledSeconds) * 1000;
  const worker = new Worker(QUEUE_NAME, processor, {
    connection: redisOptions(options.url),
    concurrency: options.concurrency,
    lockDuration: stalled,
    stalledInterval: stalled,
    // A worker killed mid-trial leaves a stalled job; hand it on rather than failing it.
    maxStalledCount: 5,
    autorun: true,
  });
  worker.on('error', (error) => options.onLine(`queue error: ${redact(error.message)}`));
  worker.on('failed', (job, error) => job && options.onLine(`job ${String(job.id).slice(0, 10)} failed: ${redact(error.message)}`));
  const close = async () => {
    for (const child of all) if (child.connected) child.send({ type: 'stop' } satisfies ToTrialProcess);
    await worker.close();
    for (const child of all) if (child.connected) child.disconnect();
  };
  return { worker, close };
}

function spawnChild(all: Set<ChildProcess>): ChildProcess {
  const child = fork(childModule(), [], { stdio: ['ignore', 2, 2, 'ipc'], serialization: 'advanced' });
  all.add(child);
  child.on('exit', () => all.delete(child));
  return child;
}

function refusedRecord(job: TrialJob, seed: number, error: string): TrialRecord {
  return {
    format: 'dsl-trial/1',
    id: job.fingerprint.slice(0, 10),
    fingerprint: job.fingerprint,
    number: job.number,
    label: job.label,
    overrides: {},
    seed,
    status: 'refused',
    stages: {},
    ran: [],
    resumed: [],
    cacheHits: [],
    seconds: 0,
    error,
  };
}

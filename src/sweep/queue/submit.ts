import { join } from 'node:path';
import { Queue, type Job } from 'bullmq';
import { openStore } from '../../run/store.js';
import type { CompiledTrial } from '../compileTrials.js';
import type { TrialJob } from '../core/payload.js';
import type { QueueUrl } from '../core/queueUrl.js';
import { readTrialRecord } from '../trialRecord.js';
import { QUEUE_NAME, redisOptions } from './connection.js';
import type { JobProgress } from './worker.js';

export interface Submission {
  readonly queue: Queue;
  /** Trials newly queued, and those already queued, running or done (a re-submission or reattachment). */
  readonly added: readonly CompiledTrial[];
  readonly present: readonly CompiledTrial[];
}

export const openQueue = (url: QueueUrl): Queue => new Queue(QUEUE_NAME, { connection: redisOptions(url) });

export const jobData = (trial: CompiledTrial, specFile: string, set: readonly string[], cwd: string): TrialJob => ({
  format: 'dsl-trial-job/1',
  specFile,
  set,
  cwd,
  fingerprint: trial.fingerprint,
  number: trial.trial.def.number,
  label: trial.trial.label,
});

/**
 * Queues each trial as a job whose id is its fingerprint, so submitting a sweep again (or
 * another sweep sharing trials) never duplicates one. A failed job is retried; a completed job
 * whose trial record has gone (the run directory was deleted) is queued afresh.
 */
export async function submitSweep(queue: Queue, trials: readonly CompiledTrial[], specFile: string, set: readonly string[], cwd: string): Promise<Submission> {
  const added: CompiledTrial[] = [];
  const present: CompiledTrial[] = [];
  for (const trial of trials) {
    const job = await queue.getJob(trial.fingerprint);
    if (job) {
      const state = await job.getState();
      const root = openStore(trial.spec.runtime.outDir, trial.spec.name).root;
      const record = readTrialRecord(join(root, trial.dirName));
      if (state === 'failed') {
        await job.retry('failed');
        present.push(trial);
        continue;
      }
      if (state !== 'completed' || record?.status === 'complete') {
        present.push(trial);
        continue;
      }
      await job.remove();
    }
    await queue.add('trial', jobData(trial, specFile, set, cwd), { jobId: trial.fingerprint, attempts: 2, removeOnComplete: false, removeOnFail: false });
    added.push(trial);
  }
  return { queue, added, present };
}

export type JobPhase = 'waiting' | 'active' | 'completed' | 'failed';

export interface WatchCallbacks {
  readonly onPhase: (trial: CompiledTrial, phase: JobPhase, job: Job) => void;
  readonly onProgress: (trial: CompiledTrial, progress: JobProgress) => void;
}

const phaseOf = (state: string): JobPhase => (state === 'completed' ? 'completed' : state === 'failed' ? 'failed' : state === 'active' ? 'active' : 'waiting');

/** Follows the trials' jobs until each has completed or failed (or `signal` aborts); returns their final phases. */
export async function watchSweep(queue: Queue, trials: readonly CompiledTrial[], callbacks: WatchCallbacks, signal: AbortSignal, pollMs = 500): Promise<Map<string, { phase: JobPhase; job?: Job }>> {
  const phases = new Map<string, { phase: JobPhase; job?: Job }>();
  const progress = new Map<string, string>();
  for (;;) {
    let open = 0;
    for (const trial of trials) {
      const known = phases.get(trial.fingerprint);
      if (known?.phase === 'completed' || known?.phase === 'failed') continue;
      const job = await queue.getJob(trial.fingerprint);
      if (!job) {
        phases.set(trial.fingerprint, { phase: 'failed' });
        continue;
      }
      const phase = phaseOf(await job.getState());
      if (phase !== known?.phase) {
        // A job that finished between the two reads holds no reason or result yet: read it again.
        const final = phase === 'failed' || phase === 'completed' ? ((await queue.getJob(trial.fingerprint)) ?? job) : job;
        phases.set(trial.fingerprint, { phase, job: final });
        callbacks.onPhase(trial, phase, final);
      }
      if (phase === 'active' && job.progress && typeof job.progress === 'object') {
        const text = JSON.stringify(job.progress);
        if (text !== progress.get(trial.fingerprint)) {
          progress.set(trial.fingerprint, text);
          callbacks.onProgress(trial, job.progress as JobProgress);
        }
      }
      if (phase !== 'completed' && phase !== 'failed') open++;
    }
    if (!open || signal.aborted) return phases;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

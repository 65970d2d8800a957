import { join } from 'node:path';
import type { CompiledTrial } from '../sweep/compileTrials.js';
import { redactSecret, type QueueUrl } from '../sweep/core/queueUrl.js';
import { readTrialRecord, type TrialRecord } from '../sweep/trialRecord.js';
import { openStore } from '../run/store.js';
import { dim, green, red, type Output } from './output.js';

export interface QueuedSweepRequest {
  readonly url: QueueUrl;
  readonly trials: readonly CompiledTrial[];
  readonly specFile: string;
  readonly set: readonly string[];
  readonly detach: boolean;
  readonly signal: AbortSignal;
  readonly output: Output;
  readonly tag: (trial: CompiledTrial) => string;
}

/**
 * Queues the trials and, unless detached, follows their jobs to the end, printing each state
 * change and the running trials' progress. Killed and started again, it finds its jobs by
 * their ids (the trials' fingerprints) and carries on following them. Returns the trials'
 * records, or undefined when detached.
 */
export async function runQueuedSweep(request: QueuedSweepRequest): Promise<TrialRecord[] | undefined> {
  const { url, trials, output, tag } = request;
  const { checkReachable } = await import('../sweep/queue/connection.js');
  const { openQueue, submitSweep, watchSweep } = await import('../sweep/queue/submit.js');
  await checkReachable(url);
  const queue = openQueue(url);
  queue.on('error', (error) => output.err(`queue error: ${redactSecret(error.message, url.password)}`));
  try {
    const submission = await submitSweep(queue, trials, request.specFile, request.set, process.cwd());
    output.err(`queued ${submission.added.length} new trial${submission.added.length === 1 ? '' : 's'}${submission.present.length ? `; ${submission.present.length} already on the queue` : ''}`);
    if (request.detach) {
      for (const t of trials) output.err(`${tag(t)}: job ${t.fingerprint}`);
      output.err(dim(output, `follow them with the same command without --detach; workers: dsl worker --queue ${url.display}`));
      return undefined;
    }
    const phases = await watchSweep(
      queue,
      trials,
      {
        onPhase: (t, phase, job) => {
          const text = phase === 'completed' ? green(output, 'complete') : phase === 'failed' ? `${red(output, 'failed')}: ${redactSecret(job.failedReason ?? '', url.password)}` : phase === 'active' ? 'running' : 'waiting for a worker';
          output.err(`${tag(t)}: ${text}`);
        },
        onProgress: (t, p) => {
          if (p.stage && p.total) output.err(dim(output, `${tag(t)}: ${p.stage} ${p.done}/${p.total} (worker ${p.worker})`));
        },
      },
      request.signal,
    );
    return trials.map((t): TrialRecord => {
      const record = readTrialRecord(join(openStore(t.spec.runtime.outDir, t.spec.name).root, t.dirName));
      const final = phases.get(t.fingerprint);
      if (record && (record.status === 'complete' || final?.phase !== 'completed')) {
        if (final?.phase === 'failed' && record.status !== 'refused') return { ...record, status: 'failed', error: redactSecret(final.job?.failedReason ?? record.error ?? 'failed', url.password) };
        return record;
      }
      const reason = final?.job?.failedReason ?? (final ? `job ${final.phase}` : 'not followed to the end');
      return {
        format: 'dsl-trial/1',
        id: t.id,
        fingerprint: t.fingerprint,
        number: t.trial.def.number,
        label: t.trial.label,
        overrides: t.trial.overrides,
        seed: t.spec.runtime.seed,
        status: final?.phase === 'failed' ? (reason.startsWith('refused') ? 'refused' : 'failed') : 'interrupted',
        stages: {},
        ran: [],
        resumed: [],
        cacheHits: [],
        seconds: 0,
        error: redactSecret(reason, url.password),
      };
    });
  } finally {
    await queue.close();
  }
}

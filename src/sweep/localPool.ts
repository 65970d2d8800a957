import { fork, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunEvent } from '../run/events.js';
import { openStore } from '../run/store.js';
import type { CompiledTrial } from './compileTrials.js';
import type { FromTrialProcess, ToTrialProcess } from './protocol.js';
import { TRIAL_FILE, writeTrialRecord, type TrialRecord } from './trialRecord.js';

export interface LocalSweepOptions {
  readonly specFile: string;
  readonly set: readonly string[];
  readonly cwd: string;
  readonly trials: readonly CompiledTrial[];
  /** How many trial processes run at once. */
  readonly workers: number;
  readonly signal: AbortSignal;
  readonly onStart: (trial: CompiledTrial) => void;
  readonly onEvent: (trial: CompiledTrial, event: RunEvent) => void;
  readonly onDone: (trial: CompiledTrial, record: TrialRecord) => void;
}

export const childModule = (): string => fileURLToPath(new URL('./child.js', import.meta.url));

/** Each process gets an equal share of the cores, unless the spec fixes its threads. */
export const threadsPerProcess = (workers: number): number => Math.max(1, Math.floor(cpus().length / workers));

/**
 * Runs trials on this machine, in order, in `workers` child processes, each taking the next
 * trial when it finishes one. A process that dies takes only its trial with it: the trial is
 * recorded as failed and a fresh process carries on with the rest.
 */
export async function runLocalSweep(options: LocalSweepOptions): Promise<TrialRecord[]> {
  const pending = [...options.trials];
  const records = new Map<string, TrialRecord>();
  const threads = options.trials[0]?.spec.runtime.threads === 'auto' && options.workers > 1 ? threadsPerProcess(options.workers) : undefined;
  const children = new Set<ChildProcess>();
  const stop = () => {
    for (const child of children) if (child.connected) child.send({ type: 'stop' } satisfies ToTrialProcess);
  };
  options.signal.addEventListener('abort', stop, { once: true });

  const lane = async (): Promise<void> => {
    let child: ChildProcess | undefined;
    try {
      for (;;) {
        if (options.signal.aborted) return;
        const trial = pending.shift();
        if (!trial) return;
        if (!child || !child.connected) {
          child = fork(childModule(), [], { stdio: ['ignore', 2, 2, 'ipc'], serialization: 'advanced' });
          children.add(child);
        }
        options.onStart(trial);
        const record = await runOn(child, trial, { ...options, ...(threads ? { threads } : {}) });
        records.set(trial.fingerprint, record);
        options.onDone(trial, record);
        if (record.status === 'interrupted') return;
      }
    } finally {
      if (child) {
        children.delete(child);
        if (child.connected) child.disconnect();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.workers, options.trials.length)) }, lane));
  } finally {
    options.signal.removeEventListener('abort', stop);
  }
  return options.trials.map((t) => records.get(t.fingerprint)).filter((r): r is TrialRecord => r !== undefined);
}

function runOn(child: ChildProcess, trial: CompiledTrial, options: LocalSweepOptions & { threads?: number }): Promise<TrialRecord> {
  return new Promise((resolve) => {
    const onMessage = (message: FromTrialProcess) => {
      if (message.fingerprint !== trial.fingerprint) return;
      if (message.type === 'event') options.onEvent(trial, message.event);
      else if (message.type === 'done') finish(message.record);
      else finish(lost(trial, 'refused', message.message));
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => finish(lost(trial, 'failed', `its process exited (${signal ?? `code ${code}`}) before the trial finished`));
    const finish = (record: TrialRecord) => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(record);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.send({ type: 'trial', specFile: options.specFile, set: options.set, cwd: options.cwd, fingerprint: trial.fingerprint, ...(options.threads ? { threads: options.threads } : {}) } satisfies ToTrialProcess);
  });
}

/** The record of a trial whose process could not report one itself. */
function lost(trial: CompiledTrial, status: 'failed' | 'refused', error: string): TrialRecord {
  const record: TrialRecord = {
    format: 'dsl-trial/1',
    id: trial.id,
    fingerprint: trial.fingerprint,
    number: trial.trial.def.number,
    label: trial.trial.label,
    overrides: trial.trial.overrides,
    seed: trial.spec.runtime.seed,
    status,
    stages: {},
    ran: [],
    resumed: [],
    cacheHits: [],
    seconds: 0,
    error,
  };
  const store = openStore(trial.spec.runtime.outDir, trial.spec.name);
  writeTrialRecord(join(store.root, trial.dirName, TRIAL_FILE), record);
  return record;
}

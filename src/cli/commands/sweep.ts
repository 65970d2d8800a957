import { Command, InvalidArgumentError } from '@commander-js/extra-typings';
import { join, relative } from 'node:path';
import type { RunEvent } from '../../run/events.js';
import type { CompiledTrial } from '../../sweep/compileTrials.js';
import type { TrialRecord } from '../../sweep/trialRecord.js';
import { duration } from '../../util/format.js';
import { UserError } from '../errors.js';
import { dim, green, red, yellow, type Output } from '../output.js';
import { progressReporter } from '../progress.js';
import { collect } from '../specArgs.js';
import { resolveSweepForCommand } from '../sweepSpec.js';

export const positiveInteger = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
};

export function sweepCommand(output: Output, setExit: (code: number) => void) {
  return new Command('sweep')
    .description("run every trial of the spec's sweep section on this machine, stages shared by trials computed once, and summarise them")
    .argument('<spec>', 'experiment spec file (YAML) with a `sweep` section')
    .option('--set <key=value>', 'override a spec value in every trial (repeatable)', collect, [])
    .option('--workers <n>', 'trial processes running at once', positiveInteger, 1)
    .option('--json', 'print the trials and their results as JSON')
    .option('--queue <url>', 'queue the trials as jobs on Redis (redis://HOST:PORT, rediss:// for TLS) for `dsl worker`s, and follow them')
    .option('--detach', 'with --queue: only queue the trials, do not wait for them')
    .action(async (file, options) => {
      const { parseQueueUrl } = await import('../../sweep/core/queueUrl.js');
      const url = options.queue === undefined ? undefined : parseQueueUrl(options.queue);
      if (options.detach && !url) throw new UserError('--detach needs --queue', { exitCode: 2, hint: 'a sweep on this machine runs in the foreground; stop it with Ctrl-C and run it again to resume' });
      const sweep = await resolveSweepForCommand(file, options, output);
      if (!sweep.base.spec || sweep.trials.some((t) => !t.resolution.spec)) return setExit(1);
      if (!sweep.trials.length) {
        throw new UserError(`${file} has no \`sweep\` section`, { hint: 'add one, e.g. `sweep: { parameters: { search.nCritic: [1, 5] }, seeds: [1, 2] }`, or use `dsl run`' });
      }
      const { compileSweep } = await import('../../sweep/compileTrials.js');
      const { runLocalSweep } = await import('../../sweep/localPool.js');
      const { writeSweepSummary } = await import('../../sweep/summaryWriter.js');
      const compiled = compileSweep(sweep);
      const trials = uniqueTrials(compiled.trials, output);
      const spec = sweep.base.spec;
      const root = join(spec.runtime.outDir, spec.name);
      const show = (path: string) => relative(process.cwd(), path) || path;
      const where = url ? `on the queue ${url.display}` : `${options.workers} at a time`;
      output.err(`sweep: ${trials.length} trial${trials.length === 1 ? '' : 's'} of ${spec.name}, ${where} ${dim(output, `(${show(root)})`)}`);

      const controller = new AbortController();
      const onSignal = () => {
        if (controller.signal.aborted) process.exit(130);
        output.err(yellow(output, url ? '\nno longer following the jobs: the workers carry on; the same command reattaches' : '\nstopping the running trials at their next step boundary (checkpoints are written); Ctrl-C again to quit at once'));
        controller.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      // One trial at a time on a terminal: its stages draw their live bars.
      const live = output.interactive && options.workers === 1 ? progressReporter(output) : undefined;
      const tag = (t: CompiledTrial) => `[${t.trial.def.number}/${trials.length}] ${t.id} ${t.trial.label}`;
      let records: TrialRecord[];
      try {
        if (url) {
          const { runQueuedSweep } = await import('../queuedSweep.js');
          const queued = await runQueuedSweep({ url, trials, specFile: sweep.base.files[0] ?? file, set: options.set, detach: Boolean(options.detach), signal: controller.signal, output, tag });
          if (!queued) return setExit(0);
          records = queued;
        } else records = await runLocalSweep({
          specFile: sweep.base.files[0] ?? file,
          set: options.set,
          cwd: process.cwd(),
          trials,
          workers: options.workers,
          signal: controller.signal,
          onStart: (t) => output.err(`${tag(t)}: running`),
          onEvent: (_t, event: RunEvent) => {
            if (live && event.type !== 'plan' && event.type !== 'backend') live(event);
          },
          onDone: (t, record) => output.err(`${tag(t)}: ${describeOutcome(record, output)}`),
        });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      const summary = await writeSweepSummary({ root, fingerprint: compiled.fingerprint, swept: compiled.swept, trials, records, specFile: sweep.base.files[0] ?? file });
      output.err(`summary: ${show(summary.markdown)}`);
      if (options.json) output.out(JSON.stringify(summary.json, null, 2));
      const statuses = new Set(records.map((r) => r.status));
      setExit(statuses.has('failed') || statuses.has('refused') ? 1 : records.length < trials.length || statuses.has('interrupted') ? 130 : 0);
    });
}

/** Trials that would compute the same thing are one trial: run once, listed once. */
function uniqueTrials(trials: readonly CompiledTrial[], output: Output): CompiledTrial[] {
  const seen = new Map<string, CompiledTrial>();
  for (const t of trials) {
    const first = seen.get(t.fingerprint);
    if (first) output.err(yellow(output, `warning: trial ${t.trial.def.number} (${t.trial.label}) computes exactly what trial ${first.trial.def.number} does; it runs once`));
    else seen.set(t.fingerprint, t);
  }
  return [...seen.values()];
}

export function describeOutcome(record: TrialRecord, output: Output): string {
  const time = `in ${duration(record.seconds)}`;
  const parts = [
    record.ran.length ? `computed ${record.ran.join(', ')}` : '',
    record.resumed.length ? `resumed ${record.resumed.join(', ')}` : '',
    record.cacheHits.length ? `cache hits ${record.cacheHits.join(', ')}` : '',
  ].filter(Boolean);
  const detail = dim(output, `(${parts.join('; ')})`);
  switch (record.status) {
    case 'complete':
      return `${green(output, 'complete')} ${time} ${detail}`;
    case 'interrupted':
      return `${yellow(output, 'interrupted')} ${time}; its checkpoint is kept and the next \`dsl sweep\` resumes it`;
    default:
      return `${red(output, record.status)}: ${record.error ?? 'no reason given'}`;
  }
}

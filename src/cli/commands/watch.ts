import { atCommandEnd } from '../cleanup.js';
import { Command, Option } from '@commander-js/extra-typings';
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { BACKEND_REQUESTS } from '../../ml/backend/types.js';
import type { WatchOutput } from '../../watch/notices.js';
import { UserError } from '../errors.js';
import { dim, green, red, yellow, type Output } from '../output.js';
import { progressReporter } from '../progress.js';
import { collect } from '../specArgs.js';

export function watchCommand(output: Output, setExit: (code: number) => void) {
  return new Command('watch')
    .description('check the spec on every save; re-run the stages an edit invalidates (a running one stops at its next step), re-render the report on template edits')
    .argument('<spec>', 'experiment spec file (YAML)')
    .option('--set <key=value>', 'override a spec value (repeatable)', collect, [])
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend (overrides runtime.backend)').choices(BACKEND_REQUESTS))
    .option('--threads <n>', 'wasm threads (overrides runtime.threads)')
    .option('--quiet', 'print only outcomes, not progress')
    .action(async (file, options) => {
      // Watch a spec that exists; everything else about it is reported, and fixed, while watching.
      if (!existsSync(file)) throw new UserError(`cannot read spec file ${file}`, { hint: 'watch mode needs the spec file to exist' });
      const overrides = [...options.set];
      if (options.backend) overrides.push(`runtime.backend=${options.backend}`);
      if (options.threads) overrides.push(`runtime.threads=${options.threads}`);
      const { startWatch } = await import('../../watch/driver.js');
      const { RUNNERS } = await import('../../run/stages/index.js');
      const { releaseBackend, selectBackend } = await import('../../ml/backend/select.js');
      atCommandEnd(releaseBackend);
      const { formatProblems, summarize } = await import('../../spec/format.js');
      const progress = progressReporter(output, { quiet: Boolean(options.quiet) });
      const shown = (path: string) => relative(process.cwd(), path) || path;

      const show = (event: WatchOutput) => {
        switch (event.type) {
          case 'watching':
            return output.err(dim(output, `watching ${file} and ${event.files - 1} more files and folders; Ctrl-C to stop`));
          case 'changed':
            return output.err(`\n${dim(output, `changed: ${event.files.map(shown).join(', ')}`)}`);
          case 'checked':
            if (event.problems.length) output.err(formatProblems(event.problems, event.sources, { color: output.color }));
            return output.err(event.valid ? `${green(output, '✓')} ${file} is valid${event.problems.length ? ` (${summarize(event.problems)})` : ''}` : `${red(output, '✗')} ${file}: ${summarize(event.problems)}`);
          case 'replanned':
            return output.err(dim(output, `plan: ${event.stages.map((s) => `${s.stage} ${s.action === 'skip' ? 'up to date' : s.action}`).join(', ')}`));
          case 'aborting':
            return output.err(yellow(output, event.reason === 'invalidated' ? `■ the edit invalidates ${event.stage}: stopping it at its next step (a checkpoint is kept)` : `stopping ${event.stage} at its next step (a checkpoint is written); Ctrl-C again to quit at once`));
          case 'waiting':
            return output.err(yellow(output, event.reason === 'invalid' ? 'waiting: fix the spec to continue (nothing running or done is touched)' : 'waiting for an edit before running again'));
          case 'up-to-date':
            return output.err(`${green(output, '✓')} up to date; watching for changes`);
          case 'error':
            output.err(`${red(output, 'error')}: ${event.message}`);
            return event.hint ? output.err(`  hint: ${event.hint}`) : undefined;
          case 'stopped':
            return output.err(dim(output, 'stopped watching'));
          default:
            return progress(event);
        }
      };

      const session = startWatch({
        specFile: file,
        overrides,
        cwd: process.cwd(),
        runners: RUNNERS,
        backend: async (spec) => {
          const backend = await selectBackend(spec.runtime.backend, { threads: spec.runtime.threads });
          progress({ type: 'backend', summary: backend.summary });
          return backend;
        },
        onOutput: show,
      });
      let stopping = false;
      const onSignal = () => {
        if (stopping) process.exit(130);
        stopping = true;
        session.stop();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        await session.closed;
        setExit(0);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}

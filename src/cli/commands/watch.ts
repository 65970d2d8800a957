import { atCommandEnd } from '../cleanup.js';
import { Command, Option } from '@commander-js/extra-typings';
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { BACKEND_REQUESTS } from '../../ml/backend/types.js';
import type { WatchOutput } from '../../watch/notices.js';
import { UserError } from '../errors.js';
import { dim, green, red, yellow, type Output } from '../output.js';
import { progressReporter } from '../progress.js';
import { collect, withBackendFlags } from '../specArgs.js';
import { DEFAULT_HOST, parsePort } from './serve.js';

export function watchCommand(output: Output, setExit: (code: number) => void) {
  return new Command('watch')
    .description('check the spec on every save; re-run the stages an edit invalidates (a running one stops at its next step), re-render the report on template edits')
    .argument('<spec>', 'experiment spec file (YAML)')
    .option('--set <key=value>', 'override a spec value (repeatable)', collect, [])
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend (overrides runtime.backend)').choices(BACKEND_REQUESTS))
    .option('--threads <n>', 'wasm threads (overrides runtime.threads)')
    .option('--quiet', 'print only outcomes, not progress')
    .option('--serve', 'also show the run live in the browser (see `dsl serve`), with the spec\'s diagnostics')
    .option('--port <n>', 'with --serve: port to listen on (0: a free one)', '0')
    .option('--host <host>', 'with --serve: address to listen on', DEFAULT_HOST)
    .action(async (file, options) => {
      // Watch a spec that exists; everything else about it is reported, and fixed, while watching.
      if (!existsSync(file)) throw new UserError(`cannot read spec file ${file}`, { hint: 'watch mode needs the spec file to exist' });
      const overrides = withBackendFlags(options);
      const { startWatch } = await import('../../watch/driver.js');
      const { RUNNERS } = await import('../../run/stages/index.js');
      const { releaseBackend, selectBackend } = await import('../../ml/backend/select.js');
      const { backendOptionsFor } = await import('../../run/backendOptions.js');
      atCommandEnd(releaseBackend);
      const { formatProblems, summarize } = await import('../../spec/format.js');
      const progress = progressReporter(output, { quiet: Boolean(options.quiet) });
      const shown = (path: string) => relative(process.cwd(), path) || path;

      const live = options.serve ? await startLivePage(output, file, overrides, { host: options.host, port: parsePort(options.port) }) : undefined;
      const show = (event: WatchOutput) => {
        live?.(event);
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
          const backend = await selectBackend(spec.runtime.backend, backendOptionsFor(spec));
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
        await live?.({ type: 'stopped' });
        setExit(0);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}

/**
 * `watch --serve`: the page follows the run's files as `dsl serve` does, and the watch's own
 * checks, so that a save with an error shows on the page at once. Returns the hook the
 * watch's output goes through.
 */
async function startLivePage(output: Output, file: string, overrides: readonly string[], listen: { host: string; port: number }) {
  const { RunView } = await import('../../serve/runView.js');
  const { startServer } = await import('../../serve/server.js');
  const { specRun } = await import('../../serve/target.js');
  const { formatProblems } = await import('../../spec/format.js');
  const { announce } = await import('./serve.js');
  const view = new RunView({ mode: 'watch', sessionStart: new Date().toISOString() });
  const server = await startServer({ ...listen, view }).catch((error: NodeJS.ErrnoException) => {
    view.close();
    throw new UserError(`cannot listen on ${listen.host}:${listen.port}: ${error.code ?? error.message}`, { hint: 'pick another --port, or --port 0 for a free one' });
  });
  await announce(output, server.url, listen.host);
  let closed = false;
  return async (event: WatchOutput) => {
    if (event.type === 'checked') {
      const errors = event.problems.filter((p) => p.severity === 'error').length;
      view.setDiagnostics({ valid: event.valid, errors, warnings: event.problems.length - errors, text: formatProblems(event.problems, event.sources, { color: false }) });
      // The driver resolved the spec too, but keeps its result: one more resolve is cheap.
      if (event.valid) {
        const { source } = specRun(file, { overrides, cwd: process.cwd() });
        if (source) view.setSource(source);
      }
    }
    if (event.type === 'stopped' && !closed) {
      closed = true;
      view.close();
      await server.close();
    }
  };
}

import { Command } from '@commander-js/extra-typings';
import { UserError } from '../errors.js';
import { dim, yellow, type Output } from '../output.js';
import { collect } from '../specArgs.js';

export const DEFAULT_HOST = '127.0.0.1';

/** `--port`: a port number, 0 for any free one. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new UserError(`--port must be a port number from 0 to 65535, not \`${value}\``, { hint: '--port 0 picks a free one', exitCode: 2 });
  return port;
}

/** Prints where the page is (the first line) and warns when it is reachable from other machines. */
export async function announce(output: Output, url: string, host: string): Promise<void> {
  const { isLoopback } = await import('../../serve/host.js');
  output.out(`serving ${url}`);
  if (!isLoopback(host)) output.err(yellow(output, `warning: --host ${host}: the page and the run's files can be read by anyone who can reach this machine on that address`));
}

export function serveCommand(output: Output, setExit: (code: number) => void) {
  return new Command('serve')
    .description("a live page of a run in the browser: the stage graph, losses, architecture weights and samples as they arrive, then the report (read-only; Ctrl-C to stop)")
    .argument('<target>', 'experiment spec file (YAML) or run folder (runs/<experiment>/)')
    .option('--set <key=value>', 'override a spec value (repeatable)', collect, [])
    .option('--port <n>', 'port to listen on (0: a free one)', '0')
    .option('--host <host>', 'address to listen on; anything but loopback lets other machines read the page', DEFAULT_HOST)
    .action(async (arg, options) => {
      const port = parsePort(options.port);
      const { openView, resolveTarget } = await import('../../serve/target.js');
      const { formatProblems, summarize } = await import('../../spec/format.js');
      const { target, resolution } = resolveTarget(arg, { overrides: options.set, cwd: process.cwd() });
      if (!target) {
        if (resolution?.problems.length) output.err(formatProblems(resolution.problems, resolution.sources, { color: output.color }));
        output.err(`\n${arg}: ${resolution ? summarize(resolution.problems) : 'nothing to serve'}`);
        return setExit(1);
      }
      const { startServer } = await import('../../serve/server.js');
      const view = openView(target);
      const server = await startServer({ host: options.host, port, view }).catch((error: NodeJS.ErrnoException) => {
        view.close();
        throw new UserError(`cannot listen on ${options.host}:${port}: ${error.code ?? error.message}`, { hint: error.code === 'EADDRINUSE' ? 'another program uses that port: pick another, or --port 0 for a free one' : 'check --host and --port' });
      });
      await announce(output, server.url, options.host);
      output.err(dim(output, `showing ${view.root}; Ctrl-C to stop`));
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      view.close();
      await server.close();
      setExit(0);
    });
}

import { Command, CommanderError } from '@commander-js/extra-typings';
import { createRequire } from 'node:module';
import { compareCommand } from './commands/compare.js';
import { backendsCommand } from './commands/backends.js';
import { dataCommand } from './commands/data.js';
import { deriveCommand } from './commands/derive.js';
import { exportCommand } from './commands/export.js';
import { fidCommand } from './commands/fid.js';
import { inspectCommand } from './commands/inspect.js';
import { planCommand } from './commands/plan.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { sampleCommand } from './commands/sample.js';
import { schemaCommand } from './commands/schema.js';
import { serveCommand } from './commands/serve.js';
import { sweepCommand } from './commands/sweep.js';
import { setupCommand } from './commands/setup.js';
import { validateCommand } from './commands/validate.js';
import { watchCommand } from './commands/watch.js';
import { workerCommand } from './commands/worker.js';
import { runCleanup } from './cleanup.js';
import { USER_FACING } from './errors.js';
import { describeFsError } from '../io/fsErrors.js';
import { processOutput, red, type Output } from './output.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

type CommandFactory = (output: Output, setExit: (code: number) => void) => Command<unknown[], Record<string, unknown>>;

const COMMANDS: CommandFactory[] = [
  validateCommand as CommandFactory,
  planCommand as CommandFactory,
  schemaCommand as CommandFactory,
  inspectCommand as CommandFactory,
  deriveCommand as CommandFactory,
  runCommand as CommandFactory,
  reportCommand as CommandFactory,
  watchCommand as CommandFactory,
  serveCommand as CommandFactory,
  dataCommand as CommandFactory,
  fidCommand as CommandFactory,
  sampleCommand as CommandFactory,
  exportCommand as CommandFactory,
  sweepCommand as CommandFactory,
  workerCommand as CommandFactory,
  compareCommand as CommandFactory,
  setupCommand as CommandFactory,
  backendsCommand as CommandFactory,
];

/**
 * `dsl` entry point: parses arguments, runs one command, maps the outcome to an exit code
 * (0 success, 1 invalid input or failed work, 2 usage error) and prints every error as a
 * message, never as a stack trace (set DSL_DEBUG=1 to see one).
 */
export async function main(argv: readonly string[], output: Output = processOutput()): Promise<number> {
  let exitCode = 0;
  const setExit = (code: number) => {
    exitCode = code;
  };
  const program = new Command('dsl')
    .description('Describe an AdversarialNAS experiment (GAN architecture search) in one YAML file, and run it.')
    .version(version)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => output.out(s.trimEnd()), writeErr: (s) => output.err(s.trimEnd()) })
    .exitOverride();
  for (const factory of COMMANDS) program.addCommand(factory(output, setExit).exitOverride().showHelpAfterError('(run with --help for usage)'));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    return handleError(error, output);
  } finally {
    await runCleanup();
  }
}

function handleError(error: unknown, output: Output): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
    return 2;
  }
  const e = error instanceof Error ? error : new Error(String(error));
  if (process.env.DSL_DEBUG) output.err(e.stack ?? e.message);
  if (USER_FACING.has(e.name)) {
    output.err(`${red(output, 'error')}: ${e.message}`);
    const hint = (e as { hint?: string }).hint;
    if (hint) output.err(`  hint: ${hint}`);
    return (e as { exitCode?: number }).exitCode ?? 1;
  }
  // A full disk, a revoked permission: the user's to fix, not a bug.
  const fsCause = describeFsError(e);
  if (fsCause) {
    output.err(`${red(output, 'error')}: ${fsCause}`);
    output.err('  hint: free some space or fix the permissions, then run the same command again: finished work is kept and interrupted stages resume');
    return 1;
  }
  output.err(`${red(output, 'internal error')}: ${e.message}`);
  output.err('  this is a bug in dsl; rerun with DSL_DEBUG=1 to see where it happened, and report it');
  return 1;
}

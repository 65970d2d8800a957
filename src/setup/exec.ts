/** Runs the external tools setup needs (python, pip, npm, node-gyp), keeping their output for error messages. */
import { spawn } from 'node:child_process';
import { SetupError } from './errors.js';

export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** The last lines of a tool's output: enough to see its error, short enough to read. */
export function tail(text: string, lines = 12): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Runs `command args`; resolves with its output on exit 0.
 * @throws SetupError naming the command, its exit status and the end of its output, with `hint`.
 */
export function exec(command: string, args: readonly string[], hint: string, options: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // An inline script (python -c) would drown the message: shown as <script>.
    const shown = [command, ...args.map((a) => (a.includes('\n') ? '<script>' : a))].join(' ');
    child.on('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'ENOENT' ? `${command} was not found` : error.message;
      reject(new SetupError(`\`${shown}\` could not start: ${why}`, hint));
    });
    child.on('close', (code, signal) => {
      if (code === 0) return resolve({ stdout, stderr });
      const status = signal ? `was killed by ${signal}` : `exited with status ${code}`;
      const output = tail(`${stdout}\n${stderr}`);
      reject(new SetupError(`\`${shown}\` ${status}${output ? `:\n${output}` : ''}`, hint));
    });
  });
}

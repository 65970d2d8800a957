import { Command } from '@commander-js/extra-typings';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { dim, yellow, type Output } from '../output.js';
import { positiveInteger } from './sweep.js';

export function workerCommand(output: Output, setExit: (code: number) => void) {
  return new Command('worker')
    .description('run trials queued by `dsl sweep --queue` on this machine, until stopped (Ctrl-C)')
    .requiredOption('--queue <url>', 'the Redis queue: redis://HOST:PORT, redis://:PASSWORD@HOST:PORT/DB, rediss:// for TLS')
    .option('--concurrency <n>', 'trials running at once, each in its own process', positiveInteger, 1)
    .option('--root <dir>', 'serve specs under this directory (repeatable; default: the working directory); a trial reading or writing outside every root is refused', (v: string, prev: string[] = []) => [...prev, v])
    .option('--stalled-seconds <n>', 'how soon a trial whose worker died is handed to another worker', positiveInteger, 30)
    .action(async (options) => {
      const { parseQueueUrl } = await import('../../sweep/core/queueUrl.js');
      const { checkReachable } = await import('../../sweep/queue/connection.js');
      const { startWorker } = await import('../../sweep/queue/worker.js');
      const { threadsPerProcess } = await import('../../sweep/localPool.js');
      const url = parseQueueUrl(options.queue);
      const roots = (options.root?.length ? options.root : [process.cwd()]).map((r) => resolve(r));
      await checkReachable(url);
      const { close } = startWorker({
        url,
        concurrency: options.concurrency,
        roots,
        stalledSeconds: options.stalledSeconds,
        ...(options.concurrency > 1 ? { threads: threadsPerProcess(options.concurrency) } : {}),
        onLine: (line) => output.err(line),
      });
      output.err(`worker ${process.pid}: ${options.concurrency} at a time from ${url.display} ${dim(output, `(serving ${roots.join(', ')})`)}`);
      await new Promise<void>((done) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          output.err(yellow(output, 'stopping: running trials checkpoint and go back to the queue'));
          close().then(done, (error: unknown) => {
            throw new UserError(`could not stop cleanly: ${error instanceof Error ? error.message : String(error)}`);
          });
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      setExit(0);
    });
}

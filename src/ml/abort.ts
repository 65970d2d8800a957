/** A long computation stopped because its caller's AbortSignal fired (Ctrl-C, SIGTERM, a watch edit). */
export class Aborted extends Error {
  override readonly name = 'Aborted';
  constructor() {
    super('stopped on request');
  }
}

/**
 * Lets the event loop turn, then stops if `signal` has fired. tfjs kernels run synchronously
 * and their reads resolve as microtasks, so a loop of them never lets a signal handler run:
 * each batch of a long loop calls this.
 */
export async function checkpointForAbort(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (signal.aborted) throw new Aborted();
}

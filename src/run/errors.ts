/** A stage could not finish; the message says why and what was kept. */
export class StageError extends Error {
  override readonly name = 'StageError';
  readonly hint?: string;
  constructor(message: string, hint?: string) {
    super(message);
    if (hint !== undefined) this.hint = hint;
  }
}

/** A stage stopped at a step boundary on request (Ctrl-C, a watch-mode edit) after saving a checkpoint. */
export class StageInterrupted extends Error {
  override readonly name = 'StageInterrupted';
  constructor(readonly iteration?: number) {
    super(iteration === undefined ? 'interrupted; the next run starts this stage again' : `interrupted at iteration ${iteration}; the checkpoint is kept and the next run resumes from it`);
  }
}

/** Another process holds the lock of this experiment's run directory. */
export class LockError extends Error {
  override readonly name = 'LockError';
  readonly hint = 'wait for the other `dsl run` or `dsl watch` of this experiment to finish, or stop it';
}

/** The run directory cannot be created or written. */
export class RunDirError extends Error {
  override readonly name = 'RunDirError';
  readonly hint = 'set runtime.outDir (or --set runtime.outDir=DIR) to a writable directory on a disk with free space';
  constructor(outDir: string, cause: string) {
    super(`cannot use runtime.outDir ${outDir}: ${cause}`);
  }
}

/**
 * An error meant for the person at the terminal: its message says what is wrong and where,
 * and the hint what to do. The CLI prints these without a stack trace.
 */
export class UserError extends Error {
  readonly hint?: string;
  readonly exitCode: number;
  constructor(message: string, options: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UserError';
    if (options.hint !== undefined) this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Error classes from the library whose messages are written for users (see src/cli/main.ts). */
export const USER_FACING = new Set([
  'UserError',
  'SpecError',
  'DatasetError',
  'NpyFormatError',
  'BackendUnavailableError',
  'GenotypeError',
  'StageError',
  'TemplateError',
  'LockError',
  'CheckpointDamaged',
  'RunDirError',
  'MetricsError',
  'FeatureModelError',
  'FidInputError',
  'ComplexSquareRootError',
  'StageInterrupted',
  'SafetensorsError',
  'WeightsError',
  'ReferenceNamingError',
  'ServeError',
  'QueueError',
]);

/** A setup step that failed: the message says what went wrong, the hint what to do next. */
export class SetupError extends Error {
  override readonly name = 'SetupError';

  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

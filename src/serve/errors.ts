/** What `dsl serve` was pointed at cannot be shown; the hint says what it accepts. */
export class ServeError extends Error {
  override readonly name = 'ServeError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/**
 * A report template could not be compiled or rendered. The message names the template file,
 * the line and column when nunjucks knows them, and what went wrong; the CLI prints it
 * without a stack trace (src/cli/errors.ts lists it as user-facing).
 */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  readonly hint = 'fix the template and render again with `dsl report <spec>` (nothing is retrained)';
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly column: number | undefined,
    readonly detail: string,
  ) {
    super(`${file}${line !== undefined ? `:${line}${column !== undefined ? `:${column}` : ''}` : ''}: template error: ${detail}`);
  }
}

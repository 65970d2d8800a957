import nunjucks from 'nunjucks';
import { relative } from 'node:path';
import { builtinTemplatesDir, templateFile } from '../spec/assets.js';
import { TemplateError } from './errors.js';
import { cell, duration, fixed, si, spread, thousands } from '../util/format.js';
import { TemplateLoader } from './templateLoader.js';

export interface RenderedTemplate {
  readonly text: string;
  /** Every template file the render read (the main one and its partials). */
  readonly files: readonly string[];
}

/**
 * Renders a report template (`builtin:<name>` or an absolute path) with a context. Markdown
 * is not HTML: autoescape is off. Undefined values are errors, so a typo in a template stops
 * with its line instead of leaving a silent gap. Any failure is a TemplateError naming the
 * template file (a partial, when the error is in one), the line and the message.
 */
export async function renderTemplate(template: string, context: object): Promise<RenderedTemplate> {
  const main = templateFile(template);
  const loader = new TemplateLoader(main, builtinTemplatesDir);
  const env = new nunjucks.Environment(loader, { autoescape: false, throwOnUndefined: true, trimBlocks: true, lstripBlocks: true, dev: true });
  env.addFilter('fixed', (n: number | undefined, digits?: number) => fixed(n, digits));
  env.addFilter('si', (n: number, digits?: number) => si(n, digits));
  env.addFilter('thousands', (n: number) => thousands(n));
  env.addFilter('duration', (s: number) => duration(s));
  env.addFilter('spread', (mean: number, std?: number, digits?: number) => spread(mean, std, digits));
  env.addFilter('cell', (text: unknown) => cell(String(text)));
  // The callback form: nunjucks' synchronous form throws errors of included templates from a later tick.
  const text = await new Promise<string>((resolve, reject) => {
    env.render(main, context, (error, result) => (error ? reject(templateError(error, main, loader)) : resolve(result ?? '')));
  });
  return { text, files: [...loader.served.keys()] };
}

interface NunjucksError {
  readonly message?: string;
  readonly lineno?: number;
  readonly colno?: number;
  readonly cause?: unknown;
}

/**
 * nunjucks prefixes an error's message with `(file) [Line l, Column c]` for the template it
 * happened in, then `(file)` for each template that included it: the innermost real path is
 * the file to fix. Parse errors count lines from 1; errors raised while rendering (they carry
 * the original error as `cause`) from 0.
 */
export function templateError(error: unknown, main: string, loader: TemplateLoader): TemplateError {
  const e = (error ?? {}) as NunjucksError;
  const message = typeof e.message === 'string' ? e.message : String(error);
  const headers = [...message.matchAll(/^\s*(?:Template render error: )?\(([^()\n]+)\)(?: \[Line \d+(?:, Column \d+)?\])?/gm)];
  const last = headers[headers.length - 1];
  const located = headers.filter((h) => h[1] !== 'unknown path');
  const file = located[located.length - 1]?.[1] ?? main;
  const detail = message
    .slice(last ? last.index + last[0].length : 0)
    .trim()
    .replace(/^(Template render error: )?(Error: )?/, '');
  const runtime = e.cause !== undefined;
  let line: number | undefined = typeof e.lineno === 'number' ? e.lineno + (runtime ? 1 : 0) : undefined;
  let column: number | undefined = typeof e.colno === 'number' ? e.colno + (runtime ? 1 : 0) : undefined;
  // Failed lookups of a filter or a template carry no useful line: find the name in the text.
  const missing = /^(?:filter not found|template not found): (.+)$/.exec(detail)?.[1];
  const found = missing === undefined ? undefined : locate(loader.served.get(file), missing);
  if (found) [line, column] = found;
  return new TemplateError(displayPath(file), line, column, detail);
}

function locate(text: string | undefined, needle: string): [number, number] | undefined {
  if (text === undefined) return undefined;
  const lines = text.split('\n');
  for (const [i, l] of lines.entries()) {
    const at = l.indexOf(needle);
    if (at >= 0) return [i + 1, at + 1];
  }
  return undefined;
}

const displayPath = (file: string): string => {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
};

import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';

/**
 * The file under `root` that a URL path names, or undefined when it names nothing there.
 * Checked twice: the decoded path must be a plain relative one (no `..`, `.`, empty or
 * absolute segments, no backslashes or NUL, so `%2e%2e%2f` and `%2F` tricks fail like the
 * literal ones), and its real path must still lie inside the root's real path, so that a
 * symbolic link inside the run cannot hand out a file outside it.
 */
export function resolveInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded === '' || decoded.includes('\0') || decoded.includes('\\') || isAbsolute(decoded)) return undefined;
  const segments = decoded.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return undefined;
  let realRoot: string;
  let real: string;
  try {
    realRoot = realpathSync(root);
    real = realpathSync(join(root, ...segments));
  } catch {
    return undefined;
  }
  if (!real.startsWith(realRoot + sep)) return undefined;
  try {
    return statSync(real).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

/** The URL path of a file inside `root`, or undefined when it lies outside. */
export function pathInside(root: string, file: string): string | undefined {
  const prefix = root.endsWith(sep) ? root : root + sep;
  if (!file.startsWith(prefix)) return undefined;
  return file.slice(prefix.length).split(sep).map(encodeURIComponent).join('/');
}

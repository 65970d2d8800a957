import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** The page itself: HTML, script and style, shipped with the package under templates/serve/. */
export const clientDir = fileURLToPath(new URL('../../templates/serve/', import.meta.url));

/**
 * The browser builds of the chart libraries, read from the installed packages: the page
 * needs no network. vega-embed exports no subpaths, so its folder is found from its entry
 * (vega-lite's build/ holds a package.json of its own, so the exported one comes first).
 */
function packageFile(name: string, file: string): string {
  try {
    return join(dirname(require.resolve(`${name}/package.json`)), file);
  } catch {
    // not exported: walk up from the entry point
  }
  let dir = dirname(require.resolve(name));
  while (dirname(dir) !== dir && packageName(join(dir, 'package.json')) !== name) dir = dirname(dir);
  return join(dir, file);
}

function packageName(file: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
}

export const VENDOR: Readonly<Record<string, string>> = {
  'vega.min.js': packageFile('vega', 'build/vega.min.js'),
  'vega-lite.min.js': packageFile('vega-lite', 'build/vega-lite.min.js'),
  'vega-embed.min.js': packageFile('vega-embed', 'build/vega-embed.min.js'),
};

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.yaml': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
};

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { fingerprintOf } from '../compile/fingerprint.js';
import { vegaLiteToSvg } from './vega.js';

/** Bumped when charts are drawn differently for the same data. */
const DRAWING_VERSION = 1;
const MEMORY_LIMIT = 400;

/**
 * Drawing a chart takes Vega ~100 ms; a report has a few dozen. Charts depend only on the
 * run's data, not on the template, so they are kept by content hash: in memory (watch mode
 * re-renders a template edit at once) and on disk under the run's cache folder (the next
 * `dsl report` or `dsl run` too).
 */
const memory = new Map<string, string>();

export async function cachedSvg(spec: TopLevelSpec, cacheDir?: string): Promise<string> {
  const key = fingerprintOf({ version: DRAWING_VERSION, spec }).slice(0, 32);
  const hit = memory.get(key) ?? (cacheDir ? readCached(cacheDir, key) : undefined);
  if (hit !== undefined) return remember(key, hit);
  const svg = await vegaLiteToSvg(spec);
  if (cacheDir) writeCached(cacheDir, key, svg);
  return remember(key, svg);
}

function remember(key: string, svg: string): string {
  memory.delete(key);
  memory.set(key, svg);
  if (memory.size > MEMORY_LIMIT) memory.delete(memory.keys().next().value!);
  return svg;
}

function readCached(dir: string, key: string): string | undefined {
  try {
    return readFileSync(join(dir, `${key}.svg`), 'utf8');
  } catch {
    return undefined;
  }
}

function writeCached(dir: string, key: string, svg: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `${key}.svg.${process.pid}.tmp`);
    writeFileSync(tmp, svg);
    renameSync(tmp, join(dir, `${key}.svg`));
  } catch {
    // a cache that cannot be written only costs time
  }
}

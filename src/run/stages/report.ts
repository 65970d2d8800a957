import { readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { renderRunReport, reportFile } from '../../report/report.js';
import { assetsDirName, copyReport } from '../../report/write.js';
import { assertOwned, recordOwned, resolveInside } from '../ownedFiles.js';
import type { StageManifest } from '../manifest.js';
import { MANIFEST, openStore } from '../store.js';
import type { StageRunner } from './context.js';

/**
 * The Markdown report: rendered into the stage directory (so the cache holds it like any other
 * artifact) and copied, with its assets folder, to `<outDir>/<experiment>/<report.output>`,
 * where people look for it. Links are relative, so either folder can be moved or committed.
 */
export const runReport: StageRunner = async (ctx) => {
  const { spec } = ctx;
  const final = reportFile(spec);
  const store = openStore(spec.runtime.outDir, spec.name);
  const written = await renderRunReport({
    spec,
    space: ctx.space,
    graph: ctx.graph,
    store,
    specFile: recordedSpecFile(ctx.dir) ?? `${spec.name}.yaml`,
    file: join(ctx.dir, basename(final)),
    // Stages finished before this process started were reused from the store (cache hits).
    runStartedAt: new Date(performance.timeOrigin).toISOString(),
  });
  // report.output was checked to be inside the run directory; here its folders' links are too,
  // and the files it replaces must be ones dsl wrote.
  const safe = resolveInside(store.root, final, 'report.output');
  const replaced = [safe, join(dirname(safe), assetsDirName(safe))];
  assertOwned(store.root, replaced, 'report.output', ['report.md', 'report-assets']);
  copyReport(written, safe);
  recordOwned(store.root, replaced, replaced);
  return { file: relative(store.root, final), assets: written.assets, templates: written.templates.length };
};

/** The executor records the spec file in the manifest it writes before running the stage. */
function recordedSpecFile(dir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as Partial<StageManifest>).specFile;
  } catch {
    return undefined;
  }
}

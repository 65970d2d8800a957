import { copyFileSync, cpSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { lineChartSpec } from './charts.js';
import { heatmapSpec } from './heatmap.js';
import type { Asset, ReportModel } from './model/types.js';
import { renderTemplate } from './render.js';
import { cachedSvg } from './svgCache.js';

/** `report.md` keeps its charts and images in `report-assets/` beside it. */
export const assetsDirName = (reportFile: string): string => `${basename(reportFile, extname(reportFile))}-assets`;

export interface WriteOptions {
  /** `builtin:<name>` or an absolute path. */
  readonly template: string;
  /** The Markdown file to write; its assets go beside it. */
  readonly file: string;
  /** Where drawn charts are kept between renders. */
  readonly svgCacheDir?: string;
}

export interface WrittenReport {
  readonly file: string;
  readonly assetsDir: string;
  readonly assets: number;
  /** The template files the render read (watch mode watches them). */
  readonly templates: readonly string[];
}

/**
 * Renders the template first (a broken template leaves the previous report untouched), then
 * draws the charts and copies the images into a fresh assets folder, and swaps both in.
 */
export async function writeReport(model: ReportModel, options: WriteOptions): Promise<WrittenReport> {
  const rendered = await renderTemplate(options.template, { ...model, report: model });
  const dir = dirname(options.file);
  const assetsDir = join(dir, assetsDirName(options.file));
  const staging = `${assetsDir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const prefix = `${assetsDirName(options.file)}/`;
  for (const asset of model.assets) {
    const target = join(staging, asset.path.startsWith(prefix) ? asset.path.slice(prefix.length) : basename(asset.path));
    await writeAsset(asset, target, options.svgCacheDir);
  }
  rmSync(assetsDir, { recursive: true, force: true });
  renameSync(staging, assetsDir);
  const tmp = `${options.file}.${process.pid}.tmp`;
  writeFileSync(tmp, rendered.text.endsWith('\n') ? rendered.text : `${rendered.text}\n`);
  renameSync(tmp, options.file);
  return { file: options.file, assetsDir, assets: model.assets.length, templates: rendered.files };
}

async function writeAsset(asset: Asset, target: string, cacheDir: string | undefined): Promise<void> {
  mkdirSync(dirname(target), { recursive: true });
  switch (asset.kind) {
    case 'chart':
      writeFileSync(target, await cachedSvg(lineChartSpec(asset), cacheDir));
      break;
    case 'heatmap':
      writeFileSync(target, await cachedSvg(heatmapSpec(asset), cacheDir));
      break;
    case 'image':
      copyFileSync(asset.source, target);
      break;
  }
}

/** Copies a written report and its assets folder elsewhere (the stage directory → the run's folder). */
export function copyReport(written: WrittenReport, file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const assetsDir = join(dirname(file), assetsDirName(file));
  const staging = `${assetsDir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  if (existsSync(written.assetsDir)) cpSync(written.assetsDir, staging, { recursive: true });
  else mkdirSync(staging, { recursive: true });
  rmSync(assetsDir, { recursive: true, force: true });
  renameSync(staging, assetsDir);
  copyFileSync(written.file, `${file}.${process.pid}.tmp`);
  renameSync(`${file}.${process.pid}.tmp`, file);
}

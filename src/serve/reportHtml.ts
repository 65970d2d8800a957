import MarkdownIt from 'markdown-it';
import { relative } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { nodeSpecHost } from '../io/specHost.js';
import { lineChartSpec } from '../report/charts.js';
import { heatmapSpec } from '../report/heatmap.js';
import { loadRun } from '../report/load.js';
import { buildReportModel } from '../report/model/build.js';
import type { Asset } from '../report/model/types.js';
import { renderTemplate } from '../report/render.js';
import { projectRoot } from '../spec/paths.js';
import type { RunSource } from './runSource.js';

/** The report as the page shows it: HTML, and the Vega-Lite specs of its charts, drawn by the page. */
export interface ReportHtml {
  readonly html: string;
  /** Chart i belongs to the element with `data-chart="i"`. */
  readonly charts: readonly TopLevelSpec[];
}

/** Where the Markdown's asset links point; only used to recognise them. */
const ASSETS = 'report-assets';

/**
 * The run's report as HTML: the same model (buildReportModel) and the same template as
 * `report.md`, rendered to Markdown, then to HTML by markdown-it. Where the Markdown links a
 * chart's SVG, the page gets the chart's Vega-Lite spec instead and draws it with vega-embed;
 * image links point at the run's own files. The templates hold trusted HTML (`<details>`).
 */
export async function renderReportHtml(source: RunSource, fileUrl: (file: string) => string | undefined): Promise<ReportHtml> {
  const root = projectRoot(source.specFile, nodeSpecHost);
  const { input } = loadRun({ ...source, specFile: relative(root, source.specFile) || source.specFile });
  const model = buildReportModel(input, { assets: ASSETS, projectRoot: root });
  const markdown = (await renderTemplate(source.spec.report.template, { ...model, report: model })).text;
  const assets = new Map<string, Asset>(model.assets.map((a) => [a.path, a]));
  const charts: TopLevelSpec[] = [];
  const md = new MarkdownIt({ html: true, linkify: false, typographer: false });
  const defaultImage = md.renderer.rules.image!;
  md.renderer.rules.image = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!;
    const asset = assets.get(String(token.attrGet('src') ?? ''));
    const title = md.utils.escapeHtml(token.content);
    if (asset?.kind === 'chart' || asset?.kind === 'heatmap') {
      charts.push(asset.kind === 'chart' ? lineChartSpec(asset) : heatmapSpec(asset));
      return `<span class="vega-chart" data-chart="${charts.length - 1}" role="img" aria-label="${title}"></span>`;
    }
    if (asset?.kind === 'image') {
      const url = fileUrl(asset.source);
      return url ? `<img src="${md.utils.escapeHtml(url)}" alt="${title}" title="${title}">` : `<em>${title} (not found)</em>`;
    }
    return defaultImage(tokens, idx, options, env, self);
  };
  const defaultFence = md.renderer.rules.fence!;
  md.renderer.rules.fence = (tokens, idx, options, env, self) => {
    // The page draws the stage graph itself; the Mermaid source stays available, folded.
    if (tokens[idx]!.info.trim() === 'mermaid') return `<details class="mermaid-source"><summary>Mermaid source of this diagram</summary>${defaultFence(tokens, idx, options, env, self)}</details>\n`;
    return defaultFence(tokens, idx, options, env, self);
  };
  const html = md.render(markdown);
  return { html, charts };
}

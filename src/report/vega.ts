import type { TopLevelSpec } from 'vega-lite';

/**
 * A Vega-Lite spec as an SVG string, headless: Vega's `none` renderer needs no canvas or
 * browser. Vega is loaded on first use, since most commands never draw.
 */
export async function vegaLiteToSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Shared look of every chart: plain, readable on GitHub's white and dark backgrounds. */
export const CHART_CONFIG = {
  background: 'white',
  font: 'Helvetica, Arial, sans-serif',
  title: { fontSize: 13, anchor: 'start' as const, offset: 8 },
  axis: { labelFontSize: 11, titleFontSize: 11, gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 11, orient: 'bottom' as const, labelLimit: 260 },
  view: { stroke: '#ddd' },
};

import type { TopLevelSpec } from 'vega-lite';
import type { ChartModel } from './model/types.js';
import { CHART_CONFIG } from './vega.js';

/** Below this many points per line, the points are drawn too (a handful of snapshots). */
const DRAW_POINTS_BELOW = 40;

/**
 * A line chart of the model as a Vega-Lite spec: one coloured line per series, in the order
 * the model lists them (the legend keeps that order, not an alphabetical one).
 */
export function lineChartSpec(chart: ChartModel): TopLevelSpec {
  const values = chart.series.flatMap((s, order) => s.points.map(([x, y]) => ({ series: s.name, order, x, y })));
  const longest = Math.max(0, ...chart.series.map((s) => s.points.length));
  const log = chart.y.scale === 'log';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: chart.title,
    width: 560,
    height: 220,
    config: CHART_CONFIG,
    data: { values },
    mark: { type: 'line', strokeWidth: 1.5, interpolate: 'linear', ...(longest < DRAW_POINTS_BELOW ? { point: { size: 24 } } : {}) },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: chart.x.title, scale: { nice: false, zero: false } },
      y: {
        field: 'y',
        type: 'quantitative',
        title: chart.y.title,
        scale: log ? { type: 'log' } : { zero: chart.y.zero ?? false },
        ...(chart.y.format ? { axis: { format: chart.y.format } } : {}),
      },
      color: { field: 'series', type: 'nominal', title: null, sort: chart.series.map((s) => s.name), scale: { scheme: 'tableau10' } },
      order: { field: 'x', type: 'quantitative' },
    },
  };
}

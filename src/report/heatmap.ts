import type { TopLevelSpec } from 'vega-lite';
import type { HeatmapModel } from './model/types.js';
import { CHART_CONFIG } from './vega.js';

/**
 * A cell's architecture weights as a Vega-Lite heatmap: a row per edge, a column per
 * operation, the softmax weight as colour and as a number; the chosen operation of each
 * edge outlined. Operations an edge cannot use are left blank.
 */
export function heatmapSpec(heatmap: HeatmapModel): TopLevelSpec {
  const values = heatmap.cells.map((c) => ({ ...c }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: heatmap.title,
    width: { step: 62 },
    height: { step: 24 },
    config: { ...CHART_CONFIG, axis: { ...CHART_CONFIG.axis, grid: false, domain: false, ticks: false } },
    data: { values },
    encoding: {
      x: { field: 'column', type: 'nominal', title: 'operation', sort: [...heatmap.columns], axis: { labelAngle: -35, orient: 'top' } },
      y: { field: 'row', type: 'nominal', title: 'edge', sort: [...heatmap.rows] },
    },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          color: { field: 'value', type: 'quantitative', title: 'weight', scale: { domain: [0, 1], scheme: 'blues' }, legend: { orient: 'right', gradientLength: 100 } },
          stroke: { condition: { test: 'datum.chosen', value: '#d62728' }, value: null },
          strokeWidth: { condition: { test: 'datum.chosen', value: 2.5 }, value: 0 },
        },
      },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          text: { field: 'value', type: 'quantitative', format: '.2f' },
          color: { condition: { test: 'datum.value > 0.55', value: 'white' }, value: '#222' },
        },
      },
    ],
  };
}

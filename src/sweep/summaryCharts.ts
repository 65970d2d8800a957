import type { TopLevelSpec } from 'vega-lite';
import { CHART_CONFIG } from '../report/vega.js';
import { LOWER_IS_BETTER, type MetricName, type ParameterChart, type SweepSummaryModel } from './core/summary.js';

const METRIC_TITLES: Record<MetricName, string> = { is: 'IS', fid: 'FID', kid: 'KID' };

/** A metric against a swept parameter: the mean over trials (seeds) at each value, with ± one std. */
export function parameterChartSpec(chart: ParameterChart): TopLevelSpec {
  const type = chart.numeric ? ('quantitative' as const) : ('ordinal' as const);
  const values = chart.points.map((p) => ({ x: p.x, mean: p.mean, low: p.mean - p.std, high: p.mean + p.std, n: p.n }));
  const x = { field: 'x', type, title: chart.short, ...(chart.numeric ? { scale: { zero: false, nice: false } } : {}) };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `${METRIC_TITLES[chart.metric]} against ${chart.short} (${LOWER_IS_BETTER[chart.metric] ? 'lower' : 'higher'} is better; mean ± std over trials)`,
    width: 360,
    height: 200,
    config: CHART_CONFIG,
    data: { values },
    layer: [
      { mark: { type: 'rule', color: '#4c78a8' }, encoding: { x, y: { field: 'low', type: 'quantitative', title: METRIC_TITLES[chart.metric], scale: { zero: false } }, y2: { field: 'high' } } },
      { mark: { type: 'line', point: { size: 36 }, color: '#4c78a8' }, encoding: { x, y: { field: 'mean', type: 'quantitative' } } },
    ],
  };
}

/** FID against the derived generator's cost, every complete trial a point, the Pareto front drawn through its members. */
export function paretoChartSpec(model: SweepSummaryModel, cost: 'parameters' | 'macs'): TopLevelSpec | undefined {
  const front = new Set(model.pareto[cost]);
  const values = model.trials.flatMap((t) =>
    t.status === 'complete' && t.metrics.fid !== undefined && t.generator ? [{ id: t.id, label: t.label, cost: t.generator[cost], fid: t.metrics.fid, front: front.has(t.id) ? 'Pareto front' : 'dominated' }] : [],
  );
  if (values.length < 2) return undefined;
  const x = { field: 'cost', type: 'quantitative' as const, title: cost === 'parameters' ? 'parameters of the derived G' : 'MACs per image of the derived G', scale: { zero: false } };
  const y = { field: 'fid', type: 'quantitative' as const, title: 'FID (lower is better)', scale: { zero: false } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `FID against ${cost === 'parameters' ? 'parameters' : 'MACs'}: the Pareto front`,
    width: 360,
    height: 220,
    config: CHART_CONFIG,
    data: { values },
    layer: [
      { transform: [{ filter: "datum.front == 'Pareto front'" }], mark: { type: 'line', color: '#e45756', strokeDash: [4, 3] }, encoding: { x, y, order: { field: 'cost', type: 'quantitative' } } },
      {
        mark: { type: 'point', filled: true, size: 60 },
        encoding: { x, y, color: { field: 'front', type: 'nominal', title: null, scale: { domain: ['Pareto front', 'dominated'], range: ['#e45756', '#9d9d9d'] } } },
      },
    ],
  };
}

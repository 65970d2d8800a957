import type { TopLevelSpec } from 'vega-lite';
import { lineChartSpec } from '../report/charts.js';
import { heatmapSpec } from '../report/heatmap.js';
import { networkWeights } from '../report/model/architecture.js';
import type { AlphaSnapshot } from '../report/model/input.js';
import { deriveNetwork } from '../nas/derive.js';
import type { SpaceModel } from '../nas/space.js';

/** The dataset a live chart's points are inserted into, as they arrive. */
export const LIVE_DATA = 'points';

/** A chart that grows: its Vega-Lite spec (data by name) and which step fields feed which line. */
export interface LiveChart {
  readonly id: string;
  readonly spec: TopLevelSpec;
  /** [step field, series name]: the page turns each step event into one point per field. */
  readonly fields: readonly (readonly [string, string])[];
}

type Loop = 'search' | 'train';

// The same lines and titles as the report's charts (src/report/model/loops.ts), drawn by the
// same spec builder, so a finished stage's chart in the report looks like the live one did.
const CHARTS: Readonly<Record<Loop, readonly { id: string; title: string; fields: readonly (readonly [string, string])[] }[]>> = {
  search: [
    { id: 'losses', title: 'search: hinge losses of the weight steps', fields: [['dLoss', 'D loss'], ['gLoss', 'G loss']] },
    { id: 'arch-losses', title: 'search: losses of the architecture steps', fields: [['dArchLoss', 'D architecture loss'], ['gArchLoss', 'G architecture loss']] },
  ],
  train: [{ id: 'losses', title: 'train: hinge losses of the weight steps', fields: [['dLoss', 'D loss'], ['gLoss', 'G loss']] }],
};

export function liveCharts(stage: Loop): LiveChart[] {
  return CHARTS[stage].map(({ id, title, fields }) => {
    const spec = lineChartSpec({ kind: 'chart', path: '', title, x: { title: 'iteration' }, y: { title: 'loss' }, series: fields.map(([, name]) => ({ name, points: [] })) });
    // A growing line needs no dots (the report draws them for short ones).
    const { mark } = spec as { mark?: object };
    return { id: `${stage}-${id}`, spec: { ...spec, mark: { ...mark, point: false }, data: { name: LIVE_DATA } } as TopLevelSpec, fields };
  });
}

export interface LiveHeatmap {
  readonly network: 'generator' | 'discriminator';
  readonly cell: number;
  readonly spec: TopLevelSpec;
}

/**
 * The softmax weights of every cell at a snapshot, drawn as the report draws the final ones;
 * the outlined choice is what derive would pick from this snapshot.
 */
export function liveHeatmaps(space: SpaceModel, snapshot: AlphaSnapshot, repair: boolean): LiveHeatmap[] {
  return (['generator', 'discriminator'] as const).flatMap((key) => {
    const alphas = snapshot[key];
    if (!alphas) return [];
    const model = space[key];
    const cells = networkWeights({ key, model, final: alphas, history: [], chosen: deriveNetwork(model, alphas, { repair }), repair, assets: '' });
    return cells.map((c) => ({
      network: key,
      cell: c.cell,
      spec: heatmapSpec({ ...c.heatmap, title: `${key === 'generator' ? 'G' : 'D'} cell ${c.cell} (${c.type}) at iteration ${snapshot.iteration}` }),
    }));
  });
}

import type { StepRecord } from './input.js';
import type { ChartModel, Series } from './types.js';

/** More points than this per line add nothing a reader can see, and slow the SVG down. */
export const MAX_POINTS = 500;

/** Every k-th point so that at most `max` remain; the last point is always kept. */
export function thin<T>(values: readonly T[], max = MAX_POINTS): T[] {
  if (values.length <= max) return [...values];
  const stride = Math.ceil(values.length / max);
  const kept = values.filter((_, i) => i % stride === 0);
  if ((values.length - 1) % stride !== 0) kept.push(values[values.length - 1]!);
  return kept;
}

type Field = 'dLoss' | 'gLoss' | 'dArchLoss' | 'gArchLoss' | 'tau' | 'lrG' | 'lrD';

/** One series from a field of the step events, skipping steps that did not log it. */
export function stepSeries(steps: readonly StepRecord[], field: Field, name: string): Series | undefined {
  const points: [number, number][] = [];
  for (const step of steps) {
    const value = step[field];
    if (value !== undefined && Number.isFinite(value)) points.push([step.iteration, value]);
  }
  return points.length ? { name, points: thin(points) } : undefined;
}

export interface ChartOptions {
  readonly path: string;
  readonly title: string;
  readonly y: string;
  readonly x?: string;
  readonly log?: boolean;
  readonly zero?: boolean;
}

/** Ticks of tiny values (learning rates) would all read "0" in the default format. */
const tickFormat = (series: readonly Series[]): string | undefined => {
  const largest = Math.max(...series.flatMap((s) => s.points.map(([, y]) => Math.abs(y))));
  return largest > 0 && largest < 0.01 ? '.1e' : undefined;
};

/** A chart of the given fields, or undefined when none of them was logged. */
export function stepChart(steps: readonly StepRecord[], fields: readonly (readonly [Field, string])[], options: ChartOptions): ChartModel | undefined {
  const series = fields.map(([field, name]) => stepSeries(steps, field, name)).filter((s): s is Series => s !== undefined);
  if (!series.length) return undefined;
  return {
    kind: 'chart',
    path: options.path,
    title: options.title,
    x: { title: options.x ?? 'iteration' },
    y: { title: options.y, ...(options.log ? { scale: 'log' as const } : {}), ...(options.zero ? { zero: true } : {}), ...optionalFormat(tickFormat(series)) },
    series,
  };
}

const optionalFormat = (format: string | undefined) => (format === undefined ? {} : { format });

/** Whether a field varies at all over the run (a constant learning rate needs no chart). */
export const varies = (steps: readonly StepRecord[], field: Field): boolean => {
  const values = steps.map((s) => s[field]).filter((v): v is number => v !== undefined);
  return values.some((v) => v !== values[0]);
};

import cliProgress from 'cli-progress';
import type { RunEvent } from '../run/events.js';
import { duration } from '../util/format.js';
import { dim, green, red, yellow, type Output } from './output.js';

const fmt = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(3));

/**
 * Draws a run's events: a live bar per stage (step, steps/s, ETA, losses, tau) on a terminal;
 * on a pipe or CI, a plain line every 10% of a stage or every 30 seconds. `quiet` keeps only
 * the outcome of each stage.
 */
export function progressReporter(output: Output, options: { quiet?: boolean } = {}): (event: RunEvent) => void {
  const live = output.interactive && !options.quiet;
  let bar: cliProgress.SingleBar | undefined;
  let lastLine = 0;
  let lastFraction = -1;
  let lastTask = '';
  const stopBar = () => {
    bar?.stop();
    bar = undefined;
  };
  return (event) => {
    switch (event.type) {
      case 'backend':
        if (!options.quiet) output.err(dim(output, event.summary));
        break;
      case 'plan':
        if (!options.quiet) {
          for (const s of event.stages) output.err(dim(output, `  ${s.stage.padEnd(9)} ${s.fingerprint.slice(0, 10)}  ${s.action.padEnd(6)} ${s.reason}`));
        }
        break;
      case 'cache-hit':
        output.err(`${green(output, '✓')} ${event.stage.padEnd(9)} up to date ${dim(output, '(cache hit)')}`);
        break;
      case 'start':
        lastFraction = -1;
        if (live && event.total) {
          bar = new cliProgress.SingleBar(
            {
              format: `  ${event.stage.padEnd(9)} {bar} {value}/{total} {speed} it/s eta {eta_formatted}  {losses}`,
              hideCursor: true,
              stream: process.stderr,
              etaBuffer: 50,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(event.total, event.resumedFrom ?? 0, { speed: '–', losses: '' });
        } else if (!options.quiet) {
          output.err(`  ${event.stage}: ${event.resumedFrom !== undefined ? `resuming at iteration ${event.resumedFrom}` : 'started'}${event.total ? ` (${event.total} iterations)` : ''}`);
        }
        break;
      case 'step': {
        const losses = `D ${fmt(event.dLoss)} G ${fmt(event.gLoss)}${event.dArchLoss !== undefined ? ` Darch ${fmt(event.dArchLoss)} Garch ${fmt(event.gArchLoss)}` : ''}${event.tau !== undefined ? ` tau ${event.tau.toFixed(2)}` : ''}`;
        const done = event.iteration + 1;
        const speed = event.seconds > 0 ? (done / event.seconds).toFixed(2) : '–';
        if (bar) bar.update(done, { speed, losses });
        else if (!options.quiet) {
          const fraction = Math.floor((10 * done) / event.total);
          const now = Date.now();
          if (fraction > lastFraction || now - lastLine > 30_000 || done === event.total) {
            lastFraction = fraction;
            lastLine = now;
            const eta = event.seconds > 0 ? ((event.total - done) * event.seconds) / done : Number.NaN;
            output.err(`  ${event.stage} ${done}/${event.total} (${Math.round((100 * done) / event.total)}%) ${speed} it/s eta ${duration(eta)}  ${losses}`);
          }
        }
        break;
      }
      case 'progress': {
        // One line when a task starts and one per quarter of it, not one per batch.
        if (options.quiet) break;
        const quarter = event.total > 0 ? Math.floor((4 * event.done) / event.total) : 0;
        if (event.task !== lastTask || quarter > lastFraction) {
          lastFraction = quarter;
          lastTask = event.task;
          output.err(`  ${event.stage}: ${event.task}${event.total > 1 ? ` ${event.done}/${event.total}` : ''}`);
        }
        break;
      }
      case 'metric':
        if (!options.quiet) output.err(`  ${event.stage}: ${event.name} = ${event.value.toPrecision(5)}${event.std !== undefined ? ` ± ${event.std.toPrecision(3)}` : ''}`);
        break;
      case 'end':
        stopBar();
        output.err(`${green(output, '✓')} ${event.stage.padEnd(9)} done in ${duration(event.seconds)}`);
        break;
      case 'interrupted':
        stopBar();
        output.err(
          `${yellow(output, '■')} ${event.stage.padEnd(9)} interrupted${event.iteration !== undefined ? ` at iteration ${event.iteration}; checkpoint kept — run the same command to resume` : ' — run the same command to start it again'}`,
        );
        break;
      case 'stage-failed':
        stopBar();
        output.err(`${red(output, '✗')} ${event.stage.padEnd(9)} failed`);
        break;
      case 'warning':
        bar?.stop();
        output.err(`${yellow(output, 'warning')}: ${event.message}`);
        break;
      case 'report':
        output.err(`report: ${event.file}`);
        break;
      default:
        break;
    }
  };
}

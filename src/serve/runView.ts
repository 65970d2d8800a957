import { lockHeld } from '../run/lock.js';
import { join } from 'node:path';
import { STAGE_DESCRIPTIONS } from '../compile/stages.js';
import { liveCharts, liveHeatmaps, type LiveChart } from './liveCharts.js';
import { pathInside } from './paths.js';
import { renderReportHtml, type ReportHtml } from './reportHtml.js';
import type { RunSource } from './runSource.js';
import { StageTrack, type LoggedEvent } from './stageTrack.js';
import { stageView, type StageView } from './stageView.js';
import { Broadcast, type Message, type ServedView } from './view.js';

/** How often the stage directories are looked at. Stat calls on a handful of files: cheap. */
const TICK_MS = 200;
/** Steps kept for the rate: enough to smooth it, few enough to follow a change of pace. */
const PACE_WINDOW = 20;
/** The report waits this long after the last change of state (a next stage may be about to start). */
const REPORT_SETTLE_MS = 400;

/** The spec's problems in watch mode, as the terminal shows them. */
export interface Diagnostics {
  readonly valid: boolean;
  readonly errors: number;
  readonly warnings: number;
  /** The formatted problems, with code frames. */
  readonly text: string;
}

export interface RunViewOptions {
  readonly mode: 'serve' | 'watch';
  /** Stages finished before this instant count as cache hits (watch mode). */
  readonly sessionStart?: string;
  readonly tickMs?: number;
}

const STEP_FIELDS = ['iteration', 'seconds', 'dLoss', 'gLoss', 'dArchLoss', 'gArchLoss', 'tau'] as const;
const stepOf = (e: LoggedEvent) => Object.fromEntries(STEP_FIELDS.filter((f) => typeof e[f] === 'number').map((f) => [f, e[f]]));

/**
 * A run as the page sees it, kept up to date from the run's own files (manifests,
 * events.jsonl, alpha-history.jsonl): whoever writes them, this process (watch) or another
 * (`dsl run` in a terminal), the page shows the same. Each change becomes a message; a page
 * opened later gets the whole story so far from snapshot().
 */
export class RunView implements ServedView {
  private readonly broadcast = new Broadcast();
  private source: RunSource | undefined;
  private tracks: StageTrack[] = [];
  private stages: StageView[] = [];
  private stagesJson = '';
  private diagnostics: Diagnostics | undefined;
  private report: (ReportHtml & { key: string }) | { html: null; key: string; error?: string } | undefined;
  private reportTimer: NodeJS.Timeout | undefined;
  private rendering: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: RunViewOptions, source?: RunSource) {
    if (source) this.setSource(source);
    this.timer = setInterval(() => this.tick(), options.tickMs ?? TICK_MS);
    this.timer.unref();
  }

  get root(): string {
    // Before a valid spec (watch mode), a folder that does not exist: /files/ serves nothing.
    return this.source?.store.root ?? '/nonexistent';
  }

  /** A new spec or configuration: follow the stage directories of its graph. */
  setSource(source: RunSource): void {
    const same = this.source && this.source.store.root === source.store.root && sameStages(this.source, source);
    this.source = source;
    // An edit that changes no fingerprint (a comment, a runtime setting) changes nothing shown.
    if (same) return;
    const old = new Map(this.tracks.map((t) => [t.dir, t]));
    this.tracks = source.graph.stages.map((s) => {
      const dir = source.store.stageDir(s.name, s.fingerprint);
      const kept = old.get(dir);
      return kept && kept.stage.fingerprint === s.fingerprint ? kept : new StageTrack(s, dir);
    });
    this.broadcast.send('graph', this.graphMessage());
    for (const t of this.tracks) this.broadcast.send('loop', this.loopMessage(t, true, t.steps, t.samples));
    this.tick();
  }

  setDiagnostics(diagnostics: Diagnostics): void {
    this.diagnostics = diagnostics;
    this.broadcast.send('diagnostics', diagnostics);
  }

  subscribe(listener: (message: Message) => void): () => void {
    return this.broadcast.subscribe(listener);
  }

  snapshot(): Message[] {
    const messages: Message[] = [{ event: 'graph', data: this.graphMessage() }];
    for (const t of this.tracks) messages.push({ event: 'loop', data: this.loopMessage(t, true, t.steps, t.samples) });
    for (const t of this.tracks) if (t.heatmaps) messages.push({ event: 'alphas', data: { stage: t.stage.name, iteration: t.alphasAt, heatmaps: t.heatmaps } });
    messages.push({ event: 'stages', data: { stages: this.stages } });
    if (this.diagnostics) messages.push({ event: 'diagnostics', data: this.diagnostics });
    if (this.report) messages.push({ event: 'report', data: this.reportMessage() });
    return messages;
  }

  close(): void {
    clearInterval(this.timer);
    if (this.reportTimer) clearTimeout(this.reportTimer);
  }

  private graphMessage() {
    const s = this.source;
    return {
      kind: 'run',
      mode: this.options.mode,
      experiment: s?.spec.name ?? '',
      description: s?.spec.description ?? '',
      stages: (s?.graph.stages ?? []).map((stage) => ({
        name: stage.name,
        description: STAGE_DESCRIPTIONS[stage.name],
        dependsOn: stage.dependsOn,
        charts: stage.name === 'search' || stage.name === 'train' ? liveCharts(stage.name) : ([] as LiveChart[]),
      })),
    };
  }

  private loopMessage(t: StageTrack, reset: boolean, steps: readonly LoggedEvent[], samples: readonly { iteration: number; url: string }[]) {
    return { stage: t.stage.name, reset, steps: steps.map(stepOf), samples };
  }

  private reportMessage() {
    const r = this.report!;
    return r.html === null ? { html: null, ...('error' in r && r.error ? { error: r.error } : {}) } : { html: r.html, charts: r.charts };
  }

  private tick(): void {
    const source = this.source;
    if (!source) return;
    let changed = false;
    for (const t of this.tracks) {
      changed = t.refreshManifest() || changed;
      this.follow(t, source);
    }
    const ownerAlive = lockHeld(`${source.store.root}.lock`);
    const views = this.tracks.map((t) => stageView(t.stage, t.manifest, t.pace, { ownerAlive, ...(this.options.sessionStart ? { sessionStart: this.options.sessionStart } : {}) }));
    const json = JSON.stringify(views);
    if (json !== this.stagesJson) {
      this.stagesJson = json;
      this.stages = views;
      this.broadcast.send('stages', { stages: views });
      changed = true;
    }
    if (changed) this.scheduleReport();
  }

  private follow(t: StageTrack, source: RunSource): void {
    const read = t.events.read();
    if (read.reset) t.clear();
    const steps: LoggedEvent[] = [];
    const samples: { iteration: number; url: string }[] = [];
    for (const e of read.values) {
      if (e.type === 'step' && typeof e.iteration === 'number') {
        steps.push(e);
        if (typeof e.seconds === 'number' && typeof e.total === 'number') t.pace = { ...t.pace, steps: [...t.pace.steps, { iteration: e.iteration, seconds: e.seconds, total: e.total }].slice(-PACE_WINDOW) };
      } else if (e.type === 'samples' && typeof e.file === 'string' && typeof e.iteration === 'number') {
        const url = pathInside(source.store.root, join(t.dir, e.file));
        if (url) samples.push({ iteration: e.iteration, url: `/files/${url}` });
      } else if (e.type === 'progress' && typeof e.task === 'string' && typeof e.done === 'number' && typeof e.total === 'number') {
        t.pace = { ...t.pace, task: { task: e.task, done: e.done, total: e.total } };
      }
    }
    t.steps.push(...steps);
    t.samples.push(...samples);
    if (read.reset || steps.length || samples.length) this.broadcast.send('loop', this.loopMessage(t, read.reset, steps, samples));
    if (t.stage.name !== 'search') return;
    const history = t.history.read();
    if (history.reset) {
      t.heatmaps = undefined;
      t.alphasAt = -1;
    }
    const latest = history.values[history.values.length - 1];
    if (latest) {
      t.heatmaps = liveHeatmaps(source.space, latest, source.spec.derive.repair);
      t.alphasAt = latest.iteration;
      this.broadcast.send('alphas', { stage: t.stage.name, iteration: latest.iteration, heatmaps: t.heatmaps });
    }
  }

  /** The report is drawn once nothing runs and the states have settled; a running stage withdraws it. */
  private scheduleReport(): void {
    if (this.reportTimer) clearTimeout(this.reportTimer);
    const running = this.stages.some((s) => s.state === 'running');
    const anyRan = this.stages.some((s) => s.state !== 'waiting');
    if (running || !anyRan) {
      if (this.report && this.report.html !== null) {
        this.report = { html: null, key: '' };
        this.broadcast.send('report', this.reportMessage());
      }
      return;
    }
    this.reportTimer = setTimeout(() => void this.renderReport(), REPORT_SETTLE_MS);
    this.reportTimer.unref();
  }

  private async renderReport(): Promise<void> {
    await this.rendering;
    const source = this.source;
    if (!source) return;
    const key = `${source.graph.stages.map((s) => s.fingerprint).join(',')}|${this.stagesJson}`;
    if (this.report?.key === key) return;
    this.rendering = (async () => {
      try {
        const rendered = await renderReportHtml(source, (file) => {
          const url = pathInside(source.store.root, file);
          return url ? `/files/${url}` : undefined;
        });
        this.report = { ...rendered, key };
      } catch (error) {
        this.report = { html: null, key, error: error instanceof Error ? error.message : String(error) };
      }
      this.broadcast.send('report', this.reportMessage());
    })();
    await this.rendering;
  }
}

const sameStages = (a: RunSource, b: RunSource): boolean =>
  a.graph.stages.map((s) => `${s.name}:${s.fingerprint}`).join() === b.graph.stages.map((s) => `${s.name}:${s.fingerprint}`).join();

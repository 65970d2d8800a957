import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Stage } from '../compile/graph.js';
import { FILES } from '../run/artifacts.js';
import type { StageManifest } from '../run/manifest.js';
import { MANIFEST } from '../run/store.js';
import type { AlphaSnapshot } from '../report/model/input.js';
import type { LiveHeatmap } from './liveCharts.js';
import type { PaceRecord } from './stageView.js';
import { JsonlTail } from './tail.js';

/** A line of events.jsonl, as far as the page reads it. */
export interface LoggedEvent {
  readonly type?: string;
  readonly iteration?: number;
  readonly seconds?: number;
  readonly total?: number;
  readonly file?: string;
  readonly task?: string;
  readonly done?: number;
  readonly [field: string]: unknown;
}

/** One stage directory being followed: its manifest, its logs, and what they said so far. */
export class StageTrack {
  readonly events: JsonlTail<LoggedEvent>;
  readonly history: JsonlTail<AlphaSnapshot>;
  manifest: StageManifest | undefined;
  private manifestStamp = '';
  steps: LoggedEvent[] = [];
  samples: { iteration: number; url: string }[] = [];
  pace: PaceRecord = { steps: [] };
  heatmaps: LiveHeatmap[] | undefined;
  alphasAt = -1;

  constructor(readonly stage: Stage, readonly dir: string) {
    this.events = new JsonlTail(join(dir, FILES.events));
    this.history = new JsonlTail(join(dir, FILES.alphaHistory));
  }

  /** Re-reads the manifest when its size or time changed; true when it did. */
  refreshManifest(): boolean {
    const file = join(this.dir, MANIFEST);
    let stamp = '';
    try {
      const s = statSync(file);
      stamp = `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      stamp = '';
    }
    if (stamp === this.manifestStamp) return false;
    this.manifestStamp = stamp;
    try {
      this.manifest = stamp ? (JSON.parse(readFileSync(file, 'utf8')) as StageManifest) : undefined;
    } catch {
      this.manifest = undefined; // being rewritten: the next tick reads it
      this.manifestStamp = '';
    }
    return true;
  }

  clear(): void {
    this.steps = [];
    this.samples = [];
    this.pace = { steps: [] };
  }
}

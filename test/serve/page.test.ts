import { acquireLock } from '../../src/run/lock.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunView } from '../../src/serve/runView.js';
import { startServer, type RunningServer } from '../../src/serve/server.js';
import { browserSuite, openBrowser, type Browser } from '../helpers/browser.js';
import { dslBin, repoRoot } from '../helpers/cli.js';
import { recordRun, type RecordedRun } from '../helpers/recordedRun.js';
import { tempExperiment, type TempExperiment } from '../helpers/tempExperiment.js';
import { setArgs, TINY } from '../helpers/tiny.js';

/**
 * The live page in a real browser (Debian's chromium, headless): a run recorded in the
 * store's formats and followed as its files grow, a finished run's report, and `dsl watch
 * --serve` on a spec being edited. DSL_WRITE_SCREENSHOT=1 also writes docs/serve-page.png.
 */
async function serve(run: RecordedRun): Promise<{ view: RunView; server: RunningServer }> {
  const view = new RunView({ mode: 'serve', tickMs: 50 }, run);
  return { view, server: await startServer({ host: '127.0.0.1', port: 0, view }) };
}

/**
 * Waits until an expression is true in the page. Evaluated through the devtools protocol:
 * the page's own CSP forbids eval, which waitForFunction would need for a string.
 */
async function until(page: Page, expression: string, timeout = 10_000): Promise<void> {
  await expect.poll(() => page.evaluate(`Boolean(${expression})`), { timeout, interval: 50 }).toBe(true);
}

const stepLine = (iteration: number, total: number) =>
  `${JSON.stringify({ type: 'step', stage: 'search', iteration, total, epoch: 0, dLoss: 1 + Math.cos(iteration / 7), gLoss: 1.2, dArchLoss: 1, gArchLoss: 0.6, lrG: 2e-4, lrD: 2e-4, seconds: iteration * 0.1, time: '2025-01-01T00:00:00Z' })}\n`;

browserSuite('the live page in chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  describe('a run in progress', () => {
    let run: RecordedRun;
    let served: Awaited<ReturnType<typeof serve>>;
    let searchDir: string;

    let releaseLock: () => void;
    beforeAll(async () => {
      run = recordRun({ stages: ['search'], iterations: 100, snapshots: 6, interruptSearch: true });
      const search = run.graph.stages.find((s) => s.name === 'search')!;
      searchDir = run.store.stageDir('search', search.fingerprint);
      // The recorded search stopped half way; mark it running, owned by this (live) process.
      const manifest = JSON.parse(readFileSync(join(searchDir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
      writeFileSync(join(searchDir, 'manifest.json'), JSON.stringify({ ...manifest, status: 'running' }));
      releaseLock = acquireLock(`${run.store.root}.lock`);
      served = await serve(run);
    });
    afterAll(async () => {
      served?.view.close();
      await served?.server.close();
      rmSync(run.dir, { recursive: true, force: true });
    });

    it('shows the stage graph with the search running, its progress, pace and ETA', async () => {
      const { page } = browser;
      await page.goto(served.server.url);
      await page.waitForSelector('.stage[data-stage="search"][data-state="running"]');
      const cards = await page.$$eval('.stage', (nodes) => nodes.map((n) => `${n.getAttribute('data-stage')}:${n.getAttribute('data-state')}`));
      expect(cards).toEqual(['search:running', 'derive:waiting', 'train:waiting', 'evaluate:waiting', 'report:waiting']);
      const pace = await page.textContent('.stage[data-stage="search"] .pace');
      expect(pace).toMatch(/^46 \/ 100 · 10\.00 it\/s · ETA 5s$/);
      expect(await page.textContent('.stage[data-stage="derive"] .detail')).toContain('after search');
      expect(await page.textContent('#connection')).toBe('live');
    });

    it('grows the loss curve as events are appended, without a reload', async () => {
      const { page } = browser;
      const chart = '[data-chart="search-losses"]';
      await until(page, `document.querySelector('${chart}')?.getAttribute('data-points') === '20' && document.querySelector('${chart} svg .mark-line path')`);
      const pathLength = () => page.$$eval(`${chart} svg .mark-line path`, (paths) => paths.map((p) => (p.getAttribute('d') ?? '').length).reduce((a, b) => a + b, 0));
      const before = await pathLength();
      expect(before).toBeGreaterThan(50);
      await page.evaluate('window.marker = 42');
      appendFileSync(join(searchDir, 'events.jsonl'), [50, 55, 60, 65, 70].map((i) => stepLine(i, 100)).join(''));
      await until(page, `document.querySelector('${chart}')?.getAttribute('data-points') === '30'`, 5000);
      await expect.poll(pathLength, { timeout: 5000 }).toBeGreaterThan(before);
      expect(await page.evaluate('window.marker')).toBe(42);
      await until(page, `document.querySelector('.stage[data-stage="search"] .pace')?.textContent?.startsWith('71 / 100')`);
    });

    it('redraws the architecture weights at each new snapshot and shows the latest samples', async () => {
      const { page } = browser;
      await page.waitForSelector('#loop-search .heatmaps[data-iteration="33"] .heatmap svg');
      const heatmaps = await page.$$eval('#loop-search .heatmap', (n) => n.map((e) => `${e.getAttribute('data-network')}${e.getAttribute('data-cell')}`));
      const cells = (['generator', 'discriminator'] as const).flatMap((key) => run.space[key].cells.map((_, c) => `${key}${c}`));
      expect(cells.length).toBeGreaterThan(4);
      expect(heatmaps).toEqual(cells);
      const history = readFileSync(join(searchDir, 'alpha-history.jsonl'), 'utf8').trim().split('\n');
      appendFileSync(join(searchDir, 'alpha-history.jsonl'), `${JSON.stringify({ ...(JSON.parse(history[history.length - 1]!) as object), iteration: 70 })}\n`);
      await page.waitForSelector('#loop-search .heatmaps[data-iteration="70"] .heatmap svg', { timeout: 5000 });
      expect(await page.getAttribute('#loop-search .samples img', 'src')).toMatch(/^\/files\/search-[0-9a-f]+\/samples\/search-0000050\.png$/);
      expect(await page.evaluate(`fetch(document.querySelector('#loop-search .samples img').src).then((r) => r.status)`)).toBe(200);
    });

    it('takes the screenshot of the page for the README', async () => {
      const { page } = browser;
      await page.waitForSelector('#loop-search .heatmap svg');
      await page.waitForSelector('#loop-search .samples img');
      const shot = await page.screenshot({ fullPage: false });
      const png = PNG.sync.read(shot);
      expect([png.width, png.height]).toEqual([1360, 900]);
      if (process.env.DSL_WRITE_SCREENSHOT) {
        mkdirSync(join(repoRoot, 'docs'), { recursive: true });
        writeFileSync(join(repoRoot, 'docs/serve-page.png'), shot);
      }
    });

    it('shows a stage killed without a trace as stopped, and one that failed with its message', async () => {
      const { page } = browser;
      releaseLock();
      await page.waitForSelector('.stage[data-stage="search"][data-state="interrupted"]', { timeout: 5000 });
      expect(await page.textContent('.stage[data-stage="search"] .message')).toMatch(/stopped without a trace .* at 71 of 100/);
      const manifest = JSON.parse(readFileSync(join(searchDir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
      writeFileSync(join(searchDir, 'manifest.json'), JSON.stringify({ ...manifest, status: 'failed', error: 'the losses became NaN at iteration 71' }));
      await page.waitForSelector('.stage[data-stage="search"][data-state="failed"]', { timeout: 5000 });
      expect(await page.textContent('.stage[data-stage="search"] .message')).toBe('the losses became NaN at iteration 71');
    });
  });

  describe('a finished run', () => {
    let run: RecordedRun;
    let served: Awaited<ReturnType<typeof serve>>;
    beforeAll(async () => {
      run = recordRun({ iterations: 50, snapshots: 4 });
      served = await serve(run);
    });
    afterAll(async () => {
      served?.view.close();
      await served?.server.close();
      rmSync(run.dir, { recursive: true, force: true });
    });

    it('renders the report: the metrics table, and its charts drawn with data', async () => {
      const { page } = browser;
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : undefined));
      await page.goto(served.server.url);
      await page.waitForSelector('#report h2:has-text("Metrics")');
      const metrics = await page.$$eval('#report table', (tables) => tables.map((t) => t.textContent ?? '').find((t) => t.includes('FID')) ?? '');
      expect(metrics).toMatch(/IS ↑\s*FID ↓\s*KID ↓/);
      expect(metrics).toContain('21.4');
      expect(metrics).toContain('7.81 ± 0.12');
      await until(page, `[...document.querySelectorAll('#report .vega-chart')].every((c) => c.querySelector('svg'))`);
      const charts = await page.$$eval('#report .vega-chart', (boxes) => boxes.map((b) => ({ lines: [...b.querySelectorAll('.mark-line path')].map((p) => (p.getAttribute('d') ?? '').length), rects: b.querySelectorAll('.mark-rect path').length })));
      expect(charts.length).toBeGreaterThanOrEqual(6);
      expect(charts.filter((c) => c.lines.some((d) => d > 100)).length).toBeGreaterThanOrEqual(3);
      expect(charts.filter((c) => c.rects > 4).length).toBeGreaterThanOrEqual(2);
      const images = await page.evaluate<{ src: string; ok: boolean }[]>(`[...document.querySelectorAll('#report img')].map((i) => ({ src: i.getAttribute('src') ?? '', ok: i.complete && i.naturalWidth > 0 }))`);
      expect(images.length).toBeGreaterThan(0);
      expect(images.every((i) => i.src.startsWith('/files/') && i.ok)).toBe(true);
      expect(await page.$$eval('.stage', (n) => n.map((e) => e.getAttribute('data-state')))).toEqual(['done', 'done', 'done', 'done', 'waiting']);
      expect(errors).toEqual([]);
    });

  });

  describe('dsl watch --serve', () => {
    let experiment: TempExperiment;
    let child: ChildProcess;
    let stdout = '';
    let stderr = '';

    beforeAll(() => {
      experiment = tempExperiment();
      // Broken from the start: nothing runs until it is fixed.
      experiment.edit('nCritic: 5', 'nCritic: 0');
      const args = [...setArgs(TINY), '--threads', '1'];
      child = spawn(process.execPath, [dslBin, 'watch', experiment.spec, '--serve', '--port', '0', ...args], { cwd: experiment.dir, env: { ...process.env, CI: '1', NO_COLOR: '1' } });
      child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    });
    afterAll(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(experiment.dir, { recursive: true, force: true });
    });

    /** The page's address, once the watcher is watching (an edit before its first scan would go unseen). */
    const url = async (): Promise<string> => {
      for (let i = 0; i < 300 && !(/\n/.test(stdout) && /watching /.test(stderr)); i++) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 500));
      const first = stdout.split('\n')[0]!;
      expect(first, stderr).toMatch(/^serving http:\/\/127\.0\.0\.1:\d+\/$/);
      return first.slice('serving '.length);
    };

    it('shows the diagnostic of a broken spec, clears it within a second of the fix, runs, and shows the next break within a second', async () => {
      const { page } = browser;
      await page.goto(await url());
      await page.waitForSelector('#diagnostics:not([hidden])[data-valid="false"]');
      expect(await page.textContent('#diagnostics-text')).toMatch(/mnist\.yaml:\d+:\d+: error: `train\.nCritic` must be ≥ 1, not 0/);
      expect(await page.textContent('#diagnostics-title')).toMatch(/1 error/);

      let saved = Date.now();
      experiment.edit('nCritic: 0', 'nCritic: 5');
      // Fixed: the error goes; the box stays only for warnings (TINY's few samples make one).
      await page.waitForSelector('#diagnostics[data-valid="true"]', { state: 'attached', timeout: 10_000 });
      const cleared = Date.now() - saved;
      expect(await page.textContent('#diagnostics-text')).not.toContain('nCritic');
      await page.waitForSelector('.stage[data-stage="search"]', { timeout: 2000 });
      // A stage's step holds the event loop (the terminal's diagnostics wait for it too): break
      // the spec once the tiny run is done, as a person editing between runs would.
      for (let i = 0; i < 2400 && !/up to date; watching for changes/.test(stderr); i++) await new Promise((r) => setTimeout(r, 50));
      await until(page, `[...document.querySelectorAll('.stage')].every((s) => s.dataset.state === 'done')`, 5000);

      saved = Date.now();
      experiment.edit('nCritic: 5', 'nCritic: 0');
      await page.waitForSelector('#diagnostics:not([hidden])[data-valid="false"]', { timeout: 10_000 });
      const shown = Date.now() - saved;
      expect(await page.textContent('#diagnostics-text')).toContain('`train.nCritic` must be ≥ 1, not 0');
      expect(cleared).toBeLessThan(1000);
      expect(shown).toBeLessThan(1000);
    });
  });
});

// The live page of `dsl serve` and `dsl watch --serve`. Everything arrives on one
// Server-Sent Events stream (/events), which starts with the whole story so far: `graph`
// (the stages and their chart specs), `loop` (step events and sample grids per stage),
// `alphas` (architecture weights at the latest snapshot), `stages` (states), `diagnostics`
// (watch mode), `report` (the report as HTML once nothing runs). Nothing is polled.
'use strict';

/* global vegaEmbed */
const EMBED = { actions: false, renderer: 'svg', ast: true }; // ast: no eval, as the page's CSP wants
const DATA = 'points';

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v);
  }
  for (const child of children) node.append(child);
  return node;
};

/** Per loop stage: its section, its charts (vega views once embedded) and points so far. */
let loops = new Map();
let graph;

function duration(seconds) {
  if (!Number.isFinite(seconds)) return '';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

function onGraph(message) {
  graph = message;
  document.title = message.experiment ? `${message.experiment} · dsl` : 'dsl';
  $('title').textContent = message.experiment || 'dsl';
  $('mode').textContent = message.mode === 'watch' ? 'watch' : 'run';
  for (const loop of loops.values()) for (const chart of loop.charts) chart.view?.finalize();
  loops = new Map();
  const live = $('live');
  live.replaceChildren();
  $('graph').replaceChildren(...message.stages.map((s) => el('li', { class: 'stage', 'data-stage': s.name, 'data-state': 'waiting' }, el('span', { class: 'state', text: 'waiting' }), el('div', { class: 'name', text: s.name }), el('div', { class: 'what', text: s.description }), el('div', { class: 'detail' }))));
  for (const stage of message.stages) {
    if (!stage.charts.length) continue;
    const section = el('section', { class: 'loop', id: `loop-${stage.name}`, hidden: '' });
    const heading = el('h2', {}, `${stage.name}: live`, el('span', { class: 'rate' }));
    const charts = el('div', { class: 'charts' });
    const loop = { section, heading, charts: [], heatmaps: el('div', { class: 'heatmaps' }), samples: el('div', { class: 'samples' }), heatmapViews: [] };
    for (const chart of stage.charts) {
      const box = el('div', { class: 'live-chart', 'data-chart': chart.id, 'data-points': '0' });
      charts.append(box);
      loop.charts.push({ ...chart, box, rows: [], view: undefined, embedding: false });
    }
    section.append(heading, charts, loop.heatmaps, loop.samples);
    live.append(section);
    loops.set(stage.name, loop);
  }
}

/**
 * Adds points to a chart's dataset. The chart is drawn at its first points (an empty one has
 * no extent to draw); points that arrive while it is being drawn are inserted once it is.
 */
function insert(chart, rows) {
  chart.rows.push(...rows);
  chart.box.dataset.points = String(chart.rows.length);
  if (!rows.length) return;
  if (chart.view) return void chart.view.insert(DATA, rows).runAsync();
  if (chart.embedding) return;
  chart.embedding = true;
  const drawn = chart.rows.length;
  vegaEmbed(chart.box, { ...chart.spec, data: { name: DATA, values: chart.rows.slice() } }, EMBED).then((result) => {
    chart.view = result.view;
    chart.embedding = false;
    if (chart.rows.length > drawn) chart.view.insert(DATA, chart.rows.slice(drawn)).runAsync();
  });
}

function onLoop(message) {
  const loop = loops.get(message.stage);
  if (!loop) return;
  if (message.reset) {
    for (const chart of loop.charts) {
      chart.rows = [];
      chart.box.dataset.points = '0';
      chart.view?.finalize();
      chart.view = undefined;
      chart.embedding = false;
      chart.box.replaceChildren();
    }
    loop.samples.replaceChildren();
  }
  if (message.steps.length) loop.section.hidden = false;
  for (const chart of loop.charts) {
    const rows = [];
    for (const step of message.steps) {
      chart.fields.forEach(([field, series], order) => {
        if (typeof step[field] === 'number' && Number.isFinite(step[field])) rows.push({ series, order, x: step.iteration, y: step[field] });
      });
    }
    insert(chart, rows);
  }
  const latest = message.samples[message.samples.length - 1];
  if (latest) {
    loop.section.hidden = false;
    loop.samples.replaceChildren(el('figure', {}, el('img', { src: latest.url, alt: `${message.stage} samples at iteration ${latest.iteration}` }), el('figcaption', { text: `latest samples: iteration ${latest.iteration}` })));
  }
}

function onAlphas(message) {
  const loop = loops.get(message.stage);
  if (!loop) return;
  loop.section.hidden = false;
  for (const view of loop.heatmapViews) view.finalize();
  loop.heatmapViews = [];
  loop.heatmaps.replaceChildren();
  loop.heatmaps.dataset.iteration = String(message.iteration);
  for (const heatmap of message.heatmaps) {
    const box = el('div', { class: 'heatmap', 'data-network': heatmap.network, 'data-cell': String(heatmap.cell) });
    loop.heatmaps.append(box);
    vegaEmbed(box, heatmap.spec, EMBED).then((result) => loop.heatmapViews.push(result.view));
  }
}

const STATE_WORDS = { waiting: 'waiting', cached: 'cached', running: 'running', done: 'done', failed: 'failed', interrupted: 'stopped' };

function onStages(message) {
  for (const s of message.stages) {
    const card = document.querySelector(`.stage[data-stage="${s.name}"]`);
    if (!card) continue;
    card.dataset.state = s.state;
    card.querySelector('.state').textContent = STATE_WORDS[s.state] ?? s.state;
    const detail = card.querySelector('.detail');
    const parts = [];
    if (s.dependsOn.length) parts.push(`after ${s.dependsOn.join(', ')}`);
    parts.push(s.fingerprint);
    if (s.seconds && s.state !== 'running') parts.push(duration(s.seconds));
    detail.replaceChildren(el('div', { text: parts.join(' · ') }));
    if (s.progress && s.state === 'running') {
      detail.append(el('progress', { max: String(s.progress.total), value: String(s.progress.done) }));
      const pace = [`${s.progress.task ? `${s.progress.task}: ` : ''}${s.progress.done} / ${s.progress.total}`];
      if (s.rate) pace.push(`${s.rate.toFixed(2)} it/s`);
      if (s.eta !== undefined) pace.push(`ETA ${duration(s.eta)}`);
      detail.append(el('div', { class: 'pace', text: pace.join(' · ') }));
    }
    if (s.message) detail.append(el('div', { class: 'message', text: s.message }));
    const loop = loops.get(s.name);
    if (loop) loop.heading.querySelector('.rate').textContent = s.state === 'running' && s.rate ? `${s.rate.toFixed(2)} steps/s` : s.state === 'running' ? '' : `(${STATE_WORDS[s.state] ?? s.state})`;
  }
}

function onDiagnostics(message) {
  const box = $('diagnostics');
  const shown = !message.valid || message.warnings > 0;
  box.hidden = !shown;
  box.classList.toggle('warnings', message.valid);
  box.dataset.valid = String(message.valid);
  $('diagnostics-title').textContent = message.valid ? `The spec is valid (${message.warnings} warning${message.warnings === 1 ? '' : 's'})` : `The spec has ${message.errors} error${message.errors === 1 ? '' : 's'}: nothing runs until it is fixed`;
  $('diagnostics-text').textContent = shown ? message.text : '';
}

let reportViews = [];
function onReport(message) {
  for (const view of reportViews) view.finalize();
  reportViews = [];
  const report = $('report');
  const note = $('report-note');
  if (message.html === null) {
    report.replaceChildren();
    note.hidden = false;
    note.textContent = message.error ? `The report could not be rendered: ${message.error}` : 'The report appears here once a stage has run and none is running.';
    return;
  }
  note.hidden = true;
  report.innerHTML = message.html;
  for (const box of report.querySelectorAll('.vega-chart[data-chart]')) {
    const spec = message.charts[Number(box.dataset.chart)];
    if (spec) vegaEmbed(box, spec, EMBED).then((result) => reportViews.push(result.view));
  }
}

function connect() {
  const source = new EventSource('/events');
  const status = $('connection');
  source.onopen = () => {
    status.textContent = 'live';
    status.classList.add('live');
  };
  source.onerror = () => {
    status.textContent = 'reconnecting…';
    status.classList.remove('live');
  };
  const on = (name, handler) => source.addEventListener(name, (event) => handler(JSON.parse(event.data)));
  on('graph', onGraph);
  on('loop', onLoop);
  on('alphas', onAlphas);
  on('stages', onStages);
  on('diagnostics', onDiagnostics);
  on('report', onReport);
}

connect();

import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunView } from '../../src/serve/runView.js';
import { startServer, type RunningServer } from '../../src/serve/server.js';
import { recordRun, tempDir, type RecordedRun } from '../helpers/recordedRun.js';

/**
 * The server alone, over a recorded run: what it serves, and what it refuses. Requests go out
 * through node:http with the raw path and the Host header as written, since fetch would
 * normalise `/../` away and never send a foreign Host.
 */
interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

function get(port: number, path: string, options: { method?: string; host?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: { host: options.host ?? `127.0.0.1:${port}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Reads /events until `until` matches what arrived, then hangs up. */
function stream(port: number, until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/events', headers: { host: `localhost:${port}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
        if (until.test(body)) {
          req.destroy();
          resolve(body);
        }
      });
    });
    req.on('error', (e) => (/socket hang up|aborted/.test(e.message) ? undefined : reject(e)));
    req.setTimeout(10_000, () => reject(new Error('no event in time')));
    req.end();
  });
}

describe('the page server', () => {
  let run: RecordedRun;
  let view: RunView;
  let server: RunningServer;
  let outside: string;
  const SECRET = 'outside-the-run-secret';

  beforeAll(async () => {
    run = recordRun({ iterations: 50, snapshots: 2 });
    outside = tempDir('dsl-serve-outside-');
    writeFileSync(join(outside, 'secret.txt'), SECRET);
    // A file beside the run root, reachable by `..` from it, and links inside the run pointing out.
    writeFileSync(join(run.store.root, '..', 'beside.txt'), SECRET);
    symlinkSync(join(outside, 'secret.txt'), join(run.store.root, 'link-out.txt'));
    symlinkSync(outside, join(run.store.root, 'dir-out'));
    mkdirSync(join(run.store.root, 'inner'));
    writeFileSync(join(run.store.root, 'inner', 'ok.txt'), 'inside');
    symlinkSync(join(run.store.root, 'inner', 'ok.txt'), join(run.store.root, 'link-in.txt'));
    view = new RunView({ mode: 'serve' }, { ...run, specFile: run.specFile });
    server = await startServer({ host: '127.0.0.1', port: 0, view });
  });
  afterAll(async () => {
    view?.close();
    await server?.close();
    rmSync(run.dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('prints its address as a loopback URL with the port it got', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    expect(server.port).toBeGreaterThan(0);
  });

  it('serves the page, its script and the chart libraries from node_modules', async () => {
    const page = await get(server.port, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('/vendor/vega-embed.min.js');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    for (const path of ['/client/page.js', '/vendor/vega.min.js', '/vendor/vega-lite.min.js', '/vendor/vega-embed.min.js']) {
      const reply = await get(server.port, path);
      expect(reply.status, path).toBe(200);
      expect(reply.headers['content-type'], path).toMatch(/javascript/);
      expect(reply.body.length, path).toBeGreaterThan(1000);
    }
  });

  it("serves the run's own files, links that stay inside included", async () => {
    expect((await get(server.port, '/files/inner/ok.txt')).body).toBe('inside');
    expect((await get(server.port, '/files/link-in.txt')).body).toBe('inside');
    const search = run.graph.stages.find((s) => s.name === 'search')!;
    const dir = run.store.stageDir('search', search.fingerprint).slice(run.store.root.length + 1);
    const png = await get(server.port, `/files/${dir}/samples/search-0000025.png`);
    expect(png.status).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
  });

  it.each([
    ['/files/../beside.txt'],
    ['/files/inner/../../beside.txt'],
    ['/files/%2e%2e/beside.txt'],
    ['/files/%2e%2e%2fbeside.txt'],
    ['/files/inner%2f..%2f..%2fbeside.txt'],
    ['/files/%2E%2E%5Cbeside.txt'],
    ['/files/..%5cbeside.txt'],
    [`/files/${'%2e%2e%2f'.repeat(12)}etc/passwd`],
    ['/files//etc/passwd'],
    ['/files/%2fetc%2fpasswd'],
    ['/files/%2Fetc/passwd'],
    ['/files/link-out.txt'],
    ['/files/dir-out/secret.txt'],
    ['/files/inner'],
    ['/files/nothing-here.txt'],
    ['/client/../../package.json'],
    ['/client/%2e%2e/%2e%2e/package.json'],
    ['/vendor/../package.json'],
    ['/vendor/vega.js'],
    ['/../package.json'],
    ['/files/%00'],
  ])('refuses %s with 404 and nothing from outside', async (path) => {
    const reply = await get(server.port, path);
    expect(reply.status).toBe(404);
    expect(reply.body).not.toContain(SECRET);
    expect(reply.body).not.toContain('root:');
    expect(reply.body).not.toContain('"name": "dsl"');
  });

  it.each(['evil.example:80', `evil.example:${0}`, 'attacker.test', '127.0.0.1.evil.example', '127.0.0.1:1'])('refuses a foreign Host header (%s) with 403', async (host) => {
    const reply = await get(server.port, '/', { host: host.replace(':0', `:${server.port}`) });
    expect(reply.status).toBe(403);
    expect(reply.body).not.toContain('<html');
    expect((await get(server.port, '/events', { host })).status).toBe(403);
  });

  it('accepts localhost, 127.0.0.1 and [::1] with its port', async () => {
    for (const host of [`localhost:${server.port}`, `127.0.0.1:${server.port}`, `[::1]:${server.port}`, `LOCALHOST:${server.port}`]) expect((await get(server.port, '/', { host })).status, host).toBe(200);
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])('answers %s with 405 and Allow: GET, HEAD', async (method) => {
    const reply = await get(server.port, '/', { method });
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('GET, HEAD');
  });

  it('answers HEAD without a body', async () => {
    const reply = await get(server.port, '/client/page.js', { method: 'HEAD' });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('');
    expect(Number(reply.headers['content-length'])).toBeGreaterThan(1000);
  });

  it('streams the run so far as Server-Sent Events, ending with the rendered report', async () => {
    const body = await stream(server.port, /event: report\ndata: \{"html":".*\n\n/);
    expect(body).toMatch(/^event: graph\ndata: \{"kind":"run","mode":"serve","experiment":"mnist"/);
    const loops = [...body.matchAll(/event: loop\ndata: (.*)\n/g)].map((m) => JSON.parse(m[1]!) as { stage: string; steps: { iteration: number }[] });
    expect(loops.find((l) => l.stage === 'search')?.steps.map((s) => s.iteration)).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 49]);
    const stages = JSON.parse(/event: stages\ndata: (.*)\n/.exec(body)![1]!) as { stages: { name: string; state: string }[] };
    expect(stages.stages.map((s) => `${s.name}:${s.state}`)).toEqual(['search:done', 'derive:done', 'train:done', 'evaluate:done', 'report:waiting']);
    const report = JSON.parse(/event: report\ndata: (.*)\n/.exec(body)![1]!) as { html: string; charts: unknown[] };
    expect(report.html).toContain('<h2>Metrics</h2>');
    expect(report.html).toMatch(/<td[^>]*>21\.4/);
    expect(report.charts.length).toBeGreaterThan(3);
    expect(report.html).toContain('src="/files/');
  });
});

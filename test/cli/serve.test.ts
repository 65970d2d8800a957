import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dslBin, hasStackTrace, runDsl } from '../helpers/cli.js';
import { recordRun, type RecordedRun } from '../helpers/recordedRun.js';
import { experiment } from '../helpers/specs.js';

/** Starts `dsl <command>`, reads its first line, fetches the page and the event stream's start, stops it with SIGTERM. */
async function serveOnce(args: readonly string[], until = /event: stages\ndata: .*\n/, command = 'serve'): Promise<{ first: string; page: number; events: string; code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [dslBin, command, ...args], { env: { ...process.env, NO_COLOR: '1', CI: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    for (let i = 0; i < 400 && !stdout.includes('\n') && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 50));
    const first = stdout.split('\n')[0]!;
    const url = new URL(first.replace(/^serving /, ''));
    const get = (path: string, until?: RegExp) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: url.hostname, port: url.port, path }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => {
            body += d.toString();
            if (until?.test(body)) {
              req.destroy();
              resolve({ status: res.statusCode ?? 0, body });
            }
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', (e) => (/hang up|aborted/.test(e.message) ? undefined : reject(e)));
        req.end();
      });
    const page = (await get('/')).status;
    const events = (await get('/events', until)).body;
    child.kill('SIGTERM');
    return { first, page, events, code: await exited, stderr };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

describe('dsl serve', () => {
  let run: RecordedRun;
  beforeAll(() => {
    run = recordRun({ iterations: 20, snapshots: 2 });
  });
  afterAll(() => rmSync(run.dir, { recursive: true, force: true }));

  it('serves a spec\'s run on a free loopback port: the first line says where; SIGTERM stops it with 0', async () => {
    const result = await serveOnce([experiment('mnist.yaml'), '--set', `runtime.outDir=${join(run.dir, 'runs')}`, '--port', '0']);
    expect(result.first).toMatch(/^serving http:\/\/127\.0\.0\.1:\d{2,5}\/$/);
    expect(result.page).toBe(200);
    expect(result.events).toMatch(/^event: graph\ndata: \{"kind":"run","mode":"serve","experiment":"mnist"/);
    expect(result.events).toMatch(/"name":"search"[^}]*"state":"done"/);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('warning');
  });

  it('serves a run folder through the spec its manifests name', async () => {
    // The recorded manifests name a spec that does not exist: first the message, then a real one.
    const refused = await runDsl(['serve', run.store.root]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/error: .* was run from \/somewhere\/experiments\/mnist\.yaml, which no longer exists/);
    expect(refused.stderr).toContain('hint: pass the spec file instead');
    expect(hasStackTrace(refused.stderr)).toBe(false);
    for (const dir of readdirSync(run.store.root)) {
      const file = join(run.store.root, dir, 'manifest.json');
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      writeFileSync(file, JSON.stringify({ ...manifest, specFile: experiment('mnist.yaml') }));
    }
    const result = await serveOnce([run.store.root]);
    expect(result.first).toMatch(/^serving http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(result.events).toMatch(/"name":"evaluate"[^}]*"state":"done"/);
    expect(result.code).toBe(0);
  });

  it('watch --serve starts the page first and puts the spec\'s diagnostics on it', async () => {
    const result = await serveOnce(['test/fixtures/specs/broken/bad-name.yaml', '--serve', '--port', '0'], /event: diagnostics\ndata: .*\n/, 'watch');
    expect(result.first).toMatch(/^serving http:\/\/127\.0\.0\.1:\d+\/$/);
    const diagnostics = JSON.parse(/event: diagnostics\ndata: (.*)\n/.exec(result.events)![1]!) as { valid: boolean; errors: number; text: string };
    expect(diagnostics).toMatchObject({ valid: false, errors: 1 });
    expect(diagnostics.text).toMatch(/bad-name\.yaml:\d+:\d+: error: /);
    expect(result.code).toBe(0);
  });

  it.each([
    [['serve', 'nowhere.yaml'], 1, /error: cannot read nowhere\.yaml/],
    [['serve', '.'], 1, /error: \. holds no stage folders/],
    [['serve', 'test/fixtures/specs/broken/bad-name.yaml'], 1, /bad-name\.yaml:\d+:\d+: error/],
    [['serve', 'experiments/mnist.yaml', '--port', 'http'], 2, /error: --port must be a port number from 0 to 65535, not `http`/],
    [['serve', 'experiments/mnist.yaml', '--port', '70000'], 2, /--port must be a port number/],
  ])('dsl %j exits %i with a message', async (args, code, message) => {
    const result = await runDsl(args);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).not.toContain('serving');
    expect(hasStackTrace(result.stderr)).toBe(false);
  });
});

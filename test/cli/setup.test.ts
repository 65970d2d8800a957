/**
 * `dsl setup tensorflow` and `dsl backends` as a user sees them. The full setup (pip wheel,
 * npm, node-gyp: about 1.5 minutes) runs in .ci/run before the tests; here a second run must
 * change nothing, and bad input must say what to do.
 */
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tensorflowHome } from '../../src/setup/home.js';
import { parseExtraRequirements } from '../../src/setup/wheel.js';
import { TENSORFLOW, tensorflowRequiredButMissing } from '../ml/helpers/tensorflow.js';
import { hasStackTrace, runDsl } from '../helpers/cli.js';

const installed = TENSORFLOW.available || tensorflowRequiredButMissing();
const skipped = installed ? '' : ` (skipped: ${TENSORFLOW.reason})`;

describe('dsl setup tensorflow', () => {
  it('keeps its venv in DSL_TENSORFLOW_HOME, else the XDG cache, else ~/.cache', () => {
    expect(tensorflowHome({ DSL_TENSORFLOW_HOME: '/tmp/tf-here', XDG_CACHE_HOME: '/tmp/xdg' })).toBe('/tmp/tf-here');
    expect(tensorflowHome({ XDG_CACHE_HOME: '/tmp/xdg' })).toBe('/tmp/xdg/dsl/tensorflow');
    expect(tensorflowHome({})).toBe(path.join(os.homedir(), '.cache', 'dsl', 'tensorflow'));
  });

  it("reads the CUDA libraries of the wheel's and-cuda extra from its METADATA", () => {
    const metadata = [
      'Requires-Dist: numpy>=1.26.0',
      'Requires-Dist: nvidia-cublas-cu12<13.0,>=12.5.3.2; extra == "and-cuda"',
      "Requires-Dist: nvidia-cudnn-cu12 (<10.0,>=9.3.0.75) ; extra == 'and-cuda'",
      'Requires-Dist: tensorflow-io-gcs-filesystem>=0.23.1; python_version < "3.12"',
    ].join('\n');
    expect(parseExtraRequirements(metadata, 'and-cuda')).toEqual(['nvidia-cublas-cu12<13.0,>=12.5.3.2', 'nvidia-cudnn-cu12<10.0,>=9.3.0.75']);
  });

  it('says which Python could not start, and what to do', async () => {
    const result = await runDsl(['setup', 'tensorflow', '--python', '/nonexistent/python3']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: setup failed: `/nonexistent/python3 -c <script>` could not start: /nonexistent/python3 was not found');
    expect(result.stderr).toMatch(/hint: Check that \/nonexistent\/python3 is a working Python 3/);
    expect(hasStackTrace(result.stderr)).toBe(false);
  });

  it.skipIf(!installed)(`run a second time, checks the backend and changes nothing${skipped}`, async () => {
    const result = await runDsl(['setup', 'tensorflow'], { timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('tensorflow: already set up, nothing to do');
    for (const n of [1, 2, 3, 4, 5]) expect(result.stderr).toMatch(new RegExp(`^${n}\\. `, 'm'));
    expect(result.stderr).not.toMatch(/^\s+done:/m);
    expect(result.stderr).toMatch(/ok: TensorFlow 2\.21\.0: 4 cases agree \(largest relative difference \d\.\de-\d+\)/);
  }, 120_000);
});

describe('dsl backends', () => {
  it(`lists every backend, whether it works here and why not${skipped}`, async () => {
    const result = await runDsl(['backends', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const { backends, auto } = JSON.parse(result.stdout) as { backends: { name: string; works: boolean; detail: string; hint?: string }[]; auto: string };
    expect(backends.map((b) => b.name)).toEqual(['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu']);
    const byName = new Map(backends.map((b) => [b.name, b]));
    expect(byName.get('wasm')).toMatchObject({ works: true });
    expect(byName.get('cpu')).toMatchObject({ works: true, detail: 'pure JavaScript, 1 thread' });
    for (const b of backends.filter((x) => !x.works)) expect(b.hint, b.name).toBeTruthy();
    if (installed) {
      expect(byName.get('tensorflow')).toMatchObject({ works: true, detail: 'native TensorFlow on the CPU' });
      expect(auto).toMatch(/^backend (tensorflow|tensorflow-gpu|webgpu|wasm) /);
    } else {
      expect(byName.get('tensorflow')).toMatchObject({ works: false });
      expect(byName.get('tensorflow')!.hint).toContain('dsl setup tensorflow');
    }
  });

  it("with a spec, ranks the CPU routes for its search iteration and auto says why it took one", async () => {
    const result = await runDsl(['backends', 'experiments/cifar10.yaml', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const { auto, estimates } = JSON.parse(result.stdout) as { auto: string; estimates: { route: string; ms: number }[] };
    // The paper's widths and batch: some 26,000 GFLOP per search iteration, a minute or more on 2 cores.
    expect(estimates.map((e) => e.route).sort()).toEqual(['tensorflow', 'wasm', 'wasm+onednn']);
    expect(estimates[estimates.length - 1]!.route).toBe('wasm');
    for (const e of estimates) expect(e.ms).toBeGreaterThan(30_000);
    // On a machine with less memory than the paper's batch needs on tensorflow (about 16 GB), no CPU route holds it.
    expect(auto).toMatch(/auto: ((measured fastest for|the only CPU route here|the fastest that started for|the fastest that can hold)[^)]* this spec's search iteration \(\d+ GFLOP\)|no CPU route holds this spec \(one search iteration at batch 120 needs about)/);
    const text = await runDsl(['backends', 'experiments/cifar10.yaml']);
    expect(text.stdout).toMatch(/measured CPU routes, estimated per search iteration of experiments\/cifar10\.yaml \(\d+ GFLOP\): \S+ \d+\.\d s, /);
    const bad = await runDsl(['backends', 'no-such.yaml']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('no-such.yaml');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});

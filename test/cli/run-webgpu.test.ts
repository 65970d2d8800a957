/**
 * `dsl run --backend webgpu` end to end (search and re-training of the tiny MNIST experiment)
 * gives the losses of `--backend wasm`, up to float32 rounding. Needs a WebGPU adapter; a
 * software one (lavapipe, as .ci/run installs) counts with DSL_WEBGPU_ALLOW_SOFTWARE=1, which
 * the child processes inherit. Skipped, with the reason in its name, elsewhere.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WEBGPU } from '../ml/helpers/backends.js';
import { hasStackTrace, runDsl } from '../helpers/cli.js';
import { setArgs, TINY } from '../helpers/tiny.js';

interface StepEvent {
  readonly type: string;
  readonly stage: string;
  readonly iteration: number;
  readonly [loss: string]: unknown;
}

const LOSSES = ['dLoss', 'gLoss', 'dArchLoss', 'gArchLoss'] as const;

/** The step events of the search and train stages of a run. */
function steps(out: string): StepEvent[] {
  const root = join(out, 'mnist');
  return readdirSync(root)
    .filter((d) => /^(search|train)-/.test(d))
    .sort()
    .flatMap((d) => readFileSync(join(root, d, 'events.jsonl'), 'utf8').trim().split('\n'))
    .map((l) => JSON.parse(l) as StepEvent)
    .filter((e) => e.type === 'step');
}

async function run(backend: 'wasm' | 'webgpu') {
  const out = mkdtempSync(join(tmpdir(), `dsl-${backend}-`));
  const overrides = [...TINY, 'search.schedule={ iterations: 1 }', 'train.schedule={ iterations: 2 }', 'train.logEvery=1', `runtime.outDir=${out}`];
  try {
    const result = await runDsl(['run', 'experiments/mnist.yaml', '--backend', backend, '--until', 'train', ...setArgs(overrides)], { timeoutMs: 600_000 });
    return { ...result, steps: result.code === 0 ? steps(out) : [] };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const title = WEBGPU.available ? 'dsl run --backend webgpu' : `dsl run --backend webgpu (skipped: ${WEBGPU.reason})`;

describe.skipIf(!WEBGPU.available)(title, () => {
  it('searches and re-trains with the losses of wasm', async () => {
    const wasm = await run('wasm');
    expect(wasm.code, wasm.stderr).toBe(0);
    const webgpu = await run('webgpu');
    expect(webgpu.code, webgpu.stderr).toBe(0);
    expect(hasStackTrace(webgpu.stderr.replace(/^Warning: .*$/gm, ''))).toBe(false); // Dawn's own warnings aside
    expect(webgpu.stderr).toMatch(/^backend webgpu \(WebGPU on .+\)$/m);
    for (const stage of ['search', 'derive', 'train']) expect(webgpu.stderr).toMatch(new RegExp(`✓ ${stage}\\s+done`));

    expect(webgpu.steps.map((s) => `${s.stage} ${s.iteration}`)).toEqual(wasm.steps.map((s) => `${s.stage} ${s.iteration}`));
    expect(wasm.steps.length).toBeGreaterThanOrEqual(3);
    webgpu.steps.forEach((step, i) => {
      const reference = wasm.steps[i]!;
      for (const loss of LOSSES) {
        if (reference[loss] === undefined) continue;
        const [a, b] = [step[loss] as number, reference[loss] as number];
        expect(Math.abs(a - b) / Math.max(1, Math.abs(b)), `${step.stage} ${step.iteration} ${loss}: ${a} vs ${b}`).toBeLessThan(1e-3);
      }
    });
  }, 900_000);
});

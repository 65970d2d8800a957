import { afterEach, beforeAll, describe, it } from 'vitest';
import { checkWebgpuDevice, probeWebgpu, selectBackend } from '../../../src/ml/backend/index.js';
import { TENSORFLOW, tensorflowRequiredButMissing } from './tensorflow.js';
import { softwareAllowedByEnv, WEBGPU_ENV } from '../../../src/ml/backend/webgpu.js';

/**
 * The backends every op is checked on; webgpu only where an adapter exists (see WEBGPU),
 * tensorflow only where `dsl setup tensorflow` has built it (see TENSORFLOW).
 */
export const BACKENDS = ['cpu', 'wasm', 'webgpu', 'tensorflow'] as const;
export type TestBackend = (typeof BACKENDS)[number];

/**
 * Set where a WebGPU adapter must exist (.ci/run sets it once it has installed the software
 * device): there the webgpu cases may not be skipped, and a test fails saying why they would be.
 */
export const WEBGPU_REQUIRED = process.env.DSL_TEST_REQUIRE_WEBGPU === '1';

export interface WebgpuForTests {
  readonly available: boolean;
  /** Why the webgpu cases are skipped ('' when they run). */
  readonly reason: string;
  /** The adapter they run on. */
  readonly adapter: string | null;
}

/**
 * Whether the webgpu cases run in this process: decided once, before any suite is collected.
 * A software adapter (lavapipe, as CI installs) counts only with DSL_WEBGPU_ALLOW_SOFTWARE=1:
 * on 2 cores it adds minutes, so developers opt in; .ci/run sets it.
 */
export const WEBGPU: WebgpuForTests = await webgpuForTests();

async function webgpuForTests(): Promise<WebgpuForTests> {
  const probe = await probeWebgpu();
  if (!probe.ok) {
    const reason = probe.reason === 'not installed' ? 'no WebGPU adapter: the webgpu package is not installed' : probe.reason;
    return { available: false, reason, adapter: null };
  }
  if (probe.adapter.software !== null && !softwareAllowedByEnv()) {
    return {
      available: false,
      reason: `only a software adapter (${probe.adapter.software}); set ${WEBGPU_ENV.allowSoftware}=1 to test on it`,
      adapter: probe.adapter.label,
    };
  }
  return { available: true, reason: '', adapter: probe.adapter.label };
}

/** Makes `name` active (wasm on all cores, with the training kernels registered; webgpu on any adapter). */
export async function useBackend(name: TestBackend): Promise<void> {
  if (name === 'webgpu' && !WEBGPU.available) throw new Error(`webgpu is not available here: ${WEBGPU.reason}`);
  if (name === 'tensorflow' && !TENSORFLOW.available) throw new Error(`tensorflow is not available here: ${TENSORFLOW.reason}`);
  await selectBackend(name, { threads: 'auto', webgpuSoftware: true });
}

/**
 * `describe(`${title} on ${backend}`)` for every backend, with the backend made active first.
 * Where webgpu cannot run, its suite is collected but skipped, with the reason in its name. On
 * webgpu every case also fails if the device reported an error or was lost: tfjs-backend-webgpu
 * can emit invalid shaders without throwing (shared/TFJS.md), and the results are then wrong.
 */
export function describeBackends(title: string, body: (backend: TestBackend) => void): void {
  for (const backend of BACKENDS) {
    if (backend === 'webgpu' && !WEBGPU.available) {
      describe.skip(`${title} on webgpu (skipped: ${WEBGPU.reason})`, () => body(backend));
      continue;
    }
    if (backend === 'tensorflow' && !TENSORFLOW.available) {
      if (tensorflowRequiredButMissing()) describe(`${title} on tensorflow`, () => it('runs: CI requires the tensorflow backend', () => { throw new Error(TENSORFLOW.reason); }));
      else describe.skip(`${title} on tensorflow (skipped: ${TENSORFLOW.reason})`, () => body(backend));
      continue;
    }
    describe(`${title} on ${backend}`, () => {
      beforeAll(() => useBackend(backend));
      if (backend === 'webgpu') afterEach(() => checkWebgpuDevice());
      body(backend);
    });
  }
}

/** The backends whose results are compared with cpu's. */
export const COMPARED = ['wasm', 'webgpu', 'tensorflow'] as const;

/** `it(`cpu and ${backend} ${title}`)` for wasm, webgpu and tensorflow; each skipped, with the reason, where it cannot run. */
export function itAgreesWithCpu(title: string, fn: (backend: (typeof COMPARED)[number]) => void | Promise<void>): void {
  for (const backend of COMPARED) {
    if (backend === 'webgpu' && !WEBGPU.available) it.skip(`cpu and webgpu ${title} (skipped: ${WEBGPU.reason})`, () => fn(backend));
    else if (backend === 'tensorflow' && !TENSORFLOW.available) {
      if (tensorflowRequiredButMissing()) it(`cpu and tensorflow ${title}: CI requires the tensorflow backend`, () => { throw new Error(TENSORFLOW.reason); });
      else it.skip(`cpu and tensorflow ${title} (skipped: ${TENSORFLOW.reason})`, () => fn(backend));
    } else it(`cpu and ${backend} ${title}`, () => fn(backend));
  }
}

/** Results of named cases per backend, filled by the per-backend suites for the agreement checks. */
export class ResultsByBackend<T> {
  private readonly map = new Map<string, Map<TestBackend, T>>();

  set(key: string, backend: TestBackend, value: T): void {
    const entry = this.map.get(key) ?? new Map<TestBackend, T>();
    entry.set(backend, value);
    this.map.set(key, entry);
  }

  /** The result of `key` on `backend`; throws if that case did not run (or failed) there. */
  get(key: string, backend: TestBackend): T {
    const value = this.map.get(key)?.get(backend);
    if (value === undefined) throw new Error(`no ${backend} result for '${key}' (did its case fail?)`);
    return value;
  }

  clear(): void {
    this.map.clear();
  }
}

import { nodeSpecHost } from '../io/specHost.js';
import type { BackendInfo } from '../ml/backend/types.js';
import { releaseBackend, selectBackend } from '../ml/backend/select.js';
import { backendOptionsFor } from '../run/backendOptions.js';
import { compileSweep, type CompiledSweep } from './compileTrials.js';
import { resolveSweep } from './core/resolveTrials.js';
import type { FromTrialProcess, ToTrialProcess, TrialRequest } from './protocol.js';
import { runTrial } from './runTrial.js';

/**
 * A trial process: runs the trials its parent (a local sweep or a queue worker) sends, one at a
 * time, and reports their events. Training blocks its event loop for a whole step, so it runs
 * here and not in the process that keeps locks and the queue alive.
 */
const send = (message: FromTrialProcess): void => void process.send?.(message);
const controller = new AbortController();
let backend: BackendInfo | undefined;
const sweeps = new Map<string, CompiledSweep>();

function compiledFor(request: TrialRequest): CompiledSweep | string {
  const key = JSON.stringify([request.specFile, request.set, request.cwd]);
  const cached = sweeps.get(key);
  if (cached) return cached;
  const sweep = resolveSweep(request.specFile, { host: nodeSpecHost, overrides: request.set, cwd: request.cwd });
  const invalid = sweep.problems.find((p) => p.severity === 'error');
  if (invalid) return `the spec does not resolve here: ${invalid.message}`;
  const compiled = compileSweep(sweep);
  sweeps.set(key, compiled);
  return compiled;
}

async function handle(request: TrialRequest): Promise<void> {
  const compiled = compiledFor(request);
  const trial = typeof compiled === 'string' ? undefined : compiled.trials.find((t) => t.fingerprint === request.fingerprint);
  if (!trial) {
    send({ type: 'refused', fingerprint: request.fingerprint, message: typeof compiled === 'string' ? compiled : 'no trial of this sweep has that fingerprint (was the spec edited since the sweep started?)' });
    return;
  }
  backend ??= await selectBackend(trial.spec.runtime.backend, backendOptionsFor(trial.spec, undefined, request.threads ?? trial.spec.runtime.threads));
  const record = await runTrial({
    trial,
    specFile: request.specFile,
    backend,
    signal: controller.signal,
    onEvent: (event) => send({ type: 'event', fingerprint: request.fingerprint, event }),
  });
  send({ type: 'done', fingerprint: request.fingerprint, record });
}

let queue = Promise.resolve();
process.on('message', (message: ToTrialProcess) => {
  if (message.type === 'stop') controller.abort();
  else queue = queue.then(() => handle(message)).catch((error: unknown) => send({ type: 'refused', fingerprint: message.fingerprint, message: error instanceof Error ? error.message : String(error) }));
});
// Ctrl-C reaches the whole process group: stop at the next step boundary, with a checkpoint.
process.on('SIGINT', () => controller.abort());
process.on('SIGTERM', () => controller.abort());
process.on('disconnect', () => {
  controller.abort();
  void queue.finally(async () => {
    await releaseBackend();
    process.exit(0);
  });
});

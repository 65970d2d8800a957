/**
 * Whether the native tensorflow backend runs in this process (built by `dsl setup tensorflow`).
 * CI installs it (.ci/run), so there (CI=true) its absence fails the tests instead of skipping them.
 */
import { activateNative } from '../../../src/ml/backend/native.js';
import { tf } from '../../../src/ml/tf.js';

export interface TensorflowForTests {
  readonly available: boolean;
  /** Why the tensorflow cases are skipped ('' when they run). */
  readonly reason: string;
}

export const TENSORFLOW: TensorflowForTests = await tensorflowForTests();

async function tensorflowForTests(): Promise<TensorflowForTests> {
  const before = tf.getBackend();
  const outcome = await activateNative('tensorflow');
  // Probing made it active; the suites choose their own backend.
  if (before) await tf.setBackend(before);
  if (!outcome.ok) return { available: false, reason: `tensorflow ${outcome.reason}: run \`dsl setup tensorflow\`` };
  return { available: true, reason: '' };
}

export function tensorflowRequiredButMissing(): boolean {
  return process.env.CI === 'true' && !TENSORFLOW.available;
}

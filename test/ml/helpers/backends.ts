import { selectBackend } from '../../../src/ml/backend/index.js';

/** The backends every op is checked on. */
export const BACKENDS = ['cpu', 'wasm'] as const;
export type TestBackend = (typeof BACKENDS)[number];

/** Makes `name` active (wasm on all cores, with the training kernels registered). */
export async function useBackend(name: TestBackend): Promise<void> {
  await selectBackend(name, { threads: 'auto' });
}

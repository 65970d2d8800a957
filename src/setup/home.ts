/**
 * Where `dsl setup tensorflow` keeps what it installs outside the project: the Python venv
 * holding the TensorFlow wheel (1.3 GB, so never inside the repository).
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Overrides the whole location (tests and CI point it at a scratch or cached folder). */
export const TENSORFLOW_HOME_ENV = 'DSL_TENSORFLOW_HOME';

/** `$DSL_TENSORFLOW_HOME`, else `$XDG_CACHE_HOME/dsl/tensorflow`, else `~/.cache/dsl/tensorflow`. */
export function tensorflowHome(env: NodeJS.ProcessEnv = process.env): string {
  const own = env[TENSORFLOW_HOME_ENV];
  if (own) return path.resolve(own);
  const cache = env.XDG_CACHE_HOME ? path.resolve(env.XDG_CACHE_HOME) : path.join(os.homedir(), '.cache');
  return path.join(cache, 'dsl', 'tensorflow');
}

/**
 * The folder holding dsl's package.json: tfjs-node must resolve from dsl's own modules, since
 * it registers its backend with the copy of tfjs it finds (src/setup and dist/setup are both
 * two levels below the root).
 */
export function projectRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}

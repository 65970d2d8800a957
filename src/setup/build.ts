/**
 * Builds tfjs-node's binding with node-gyp, offline: the Node headers come from the local
 * Node installation (--nodedir), and the result goes where node-pre-gyp's find() looks when
 * `require('@tensorflow/tfjs-node')` runs (lib/napi-v8 on Node 20: napi 8 is the highest
 * version the package lists).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SetupError } from './errors.js';
import { exec } from './exec.js';
import { exists, type TensorflowInstall } from './wheel.js';

/** The N-API version tfjs-node 4.22's binary.napi_versions allows at most. */
const MAX_NAPI = 8;

export function napiVersion(): number {
  return Math.min(MAX_NAPI, Number(process.versions.napi));
}

export function bindingDir(packageDir: string): string {
  return path.join(packageDir, 'lib', `napi-v${napiVersion()}`);
}

/** Records which TensorFlow the binding was built against, so a second run can skip the build. */
function stampFile(packageDir: string): string {
  return path.join(bindingDir(packageDir), 'dsl-built-against.json');
}

function stampOf(install: TensorflowInstall): string {
  return JSON.stringify({ dir: install.dir, version: install.version, node: process.versions.modules });
}

export async function bindingBuilt(packageDir: string, install: TensorflowInstall): Promise<boolean> {
  if (!(await exists(path.join(bindingDir(packageDir), 'tfjs_binding.node')))) return false;
  try {
    return (await fs.readFile(stampFile(packageDir), 'utf8')) === stampOf(install);
  } catch {
    return false;
  }
}

/**
 * Node's headers with common.gypi: Debian's nodejs has them in /usr/include/node, the official
 * tarballs in <prefix>/include/node. Without them node-gyp would download a headers tarball.
 */
export async function nodeHeadersDir(): Promise<string> {
  const candidates = [path.resolve(path.dirname(process.execPath), '..'), '/usr'];
  for (const dir of candidates) {
    if (await exists(path.join(dir, 'include', 'node', 'common.gypi'))) return dir;
  }
  throw new SetupError(
    `no Node.js headers (include/node/common.gypi) under ${candidates.join(' or ')}`,
    'Install the headers of this Node version (Debian: apt-get install nodejs libnode-dev; nvm and the nodejs.org tarballs ship them).',
  );
}

export async function buildBinding(packageDir: string, nodeGyp: string, install: TensorflowInstall): Promise<void> {
  const nodedir = await nodeHeadersDir();
  const jobs = String(Math.max(1, os.availableParallelism()));
  await exec(
    process.execPath,
    [nodeGyp, 'rebuild', `--nodedir=${nodedir}`, '-j', jobs, '--module_name=tfjs_binding', `--module_path=${bindingDir(packageDir)}`, `--napi_build_version=${napiVersion()}`],
    'The binding needs a C++ compiler, make and Python 3 (Debian: apt-get install g++ make python3).',
    { cwd: packageDir },
  );
  await fs.writeFile(stampFile(packageDir), stampOf(install));
}

/**
 * The TensorFlow wheel: a venv with `pip install --no-deps` (only the wheel's shared libraries
 * and C headers are used, never Python; without --no-deps pip looks for the wheel's Python
 * dependencies and stalls offline), or the TensorFlow of a Python the user names.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { SetupError } from './errors.js';
import { exec } from './exec.js';
import { TENSORFLOW_VERSION, type VariantFacts } from './variant.js';

/** A TensorFlow installation whose C library the binding can be built against. */
export interface TensorflowInstall {
  /** site-packages/tensorflow: holds the libraries and include/. */
  readonly dir: string;
  /** The distribution that installed it (tensorflow-cpu, tensorflow, ...) and its version. */
  readonly distribution: string;
  readonly version: string;
  readonly python: string;
}

/** The files the binding needs from the wheel, relative to its tensorflow/ folder. */
export const WHEEL_FILES = {
  /** The eager TFE_* API (exported with a version tag: TFE_NewContext@@tensorflow). */
  cc: 'libtensorflow_cc.so.2',
  /** TF_NewTensor, TF_NewStatus & co. */
  framework: 'libtensorflow_framework.so.2',
  include: 'include',
  header: path.join('include', 'tensorflow', 'c', 'c_api.h'),
} as const;

// find_spec does not import tensorflow (which would need its Python dependencies, absent with --no-deps).
const LOCATE = `
import importlib.util, importlib.metadata, json
spec = importlib.util.find_spec('tensorflow')
dists = {}
for name in ('tensorflow-cpu', 'tensorflow', 'tensorflow-intel', 'tf-nightly', 'tf-nightly-cpu'):
    try: dists[name] = importlib.metadata.version(name)
    except Exception: pass
print(json.dumps({'dir': list(spec.submodule_search_locations)[0] if spec else None, 'dists': dists}))
`;

/** Where `python` finds TensorFlow, or null where it has none. */
export async function locateTensorflow(python: string): Promise<TensorflowInstall | null> {
  const hint = `Check that ${python} is a working Python 3 (\`${python} --version\`).`;
  const { stdout } = await exec(python, ['-c', LOCATE], hint);
  const found = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { dir: string | null; dists: Record<string, string> };
  if (!found.dir) return null;
  const [distribution, version] = Object.entries(found.dists)[0] ?? ['tensorflow', 'unknown'];
  return { dir: found.dir, distribution, version, python };
}

/** Throws unless the install has the C library and headers the binding links against. */
export async function checkWheelFiles(install: TensorflowInstall): Promise<void> {
  const missing: string[] = [];
  for (const file of [WHEEL_FILES.cc, WHEEL_FILES.framework, WHEEL_FILES.header]) {
    if (!(await exists(path.join(install.dir, file)))) missing.push(file);
  }
  if (missing.length > 0) {
    throw new SetupError(
      `the TensorFlow in ${install.dir} (${install.distribution} ${install.version}) lacks ${missing.join(', ')}`,
      `Use a TensorFlow 2 wheel from pip (tensorflow-cpu ${TENSORFLOW_VERSION} works), or leave out --python to let dsl install one.`,
    );
  }
}

export function venvPython(venv: string): string {
  return path.join(venv, 'bin', 'python');
}

/** The venv's TensorFlow when it is the wanted distribution and version, else null. */
export async function installedWheel(venv: string, variant: VariantFacts): Promise<TensorflowInstall | null> {
  if (!(await exists(venvPython(venv)))) return null;
  const install = await locateTensorflow(venvPython(venv));
  if (!install || install.distribution !== variant.distribution || install.version !== TENSORFLOW_VERSION) return null;
  return install;
}

const PIP_HINT =
  'pip needs an index that has the wheel (~250 MB; the default PyPI, or the one in pip.conf / PIP_INDEX_URL). ' +
  'Or install TensorFlow yourself and pass its Python with --python.';

/** Creates the venv (if needed) and pip-installs the wheel into it. */
export async function installWheel(venv: string, variant: VariantFacts, basePython: string): Promise<TensorflowInstall> {
  if (!(await exists(venvPython(venv)))) {
    await fs.mkdir(path.dirname(venv), { recursive: true });
    await exec(basePython, ['-m', 'venv', venv], `Install Python 3.9-3.13 with its venv module (Debian: apt-get install python3-venv), or name one with --python.`);
  }
  const pip = [venvPython(venv), '-m', 'pip', 'install', '--no-deps', '--disable-pip-version-check', '--no-input'] as const;
  await exec(pip[0], [...pip.slice(1), `${variant.distribution}==${TENSORFLOW_VERSION}`], PIP_HINT);
  const install = await locateTensorflow(venvPython(venv));
  if (!install) throw new SetupError(`pip installed ${variant.distribution} but ${venvPython(venv)} cannot find tensorflow`, `Delete ${venv} and run the same command again.`);
  if (variant.distribution === 'tensorflow') {
    // --no-deps left out the CUDA libraries of the and-cuda extra: install exactly those.
    const cuda = await cudaRequirements(install.dir);
    if (cuda.length > 0) await exec(pip[0], [...pip.slice(1), ...cuda], PIP_HINT);
  }
  return install;
}

/**
 * The `and-cuda` extra's requirements (nvidia-cublas-cu12 & co.), read from the wheel's METADATA
 * next to its package folder.
 */
export async function cudaRequirements(tensorflowDir: string): Promise<string[]> {
  const sitePackages = path.dirname(tensorflowDir);
  const entries = await fs.readdir(sitePackages);
  const distInfo = entries.find((e) => e.startsWith(`tensorflow-${TENSORFLOW_VERSION}`) && e.endsWith('.dist-info'));
  if (!distInfo) return [];
  const metadata = await fs.readFile(path.join(sitePackages, distInfo, 'METADATA'), 'utf8');
  return parseExtraRequirements(metadata, 'and-cuda');
}

/** `Requires-Dist: NAME SPEC; extra == "EXTRA"` lines of a wheel's METADATA, as pip arguments. */
export function parseExtraRequirements(metadata: string, extra: string): string[] {
  const out: string[] = [];
  for (const line of metadata.split('\n')) {
    const match = /^Requires-Dist:\s*([^;]+);\s*(.*)$/.exec(line.trim());
    if (!match) continue;
    if (!new RegExp(`extra\\s*==\\s*["']${extra}["']`).test(match[2]!)) continue;
    out.push(match[1]!.replace(/\s+/g, '').replace(/^([A-Za-z0-9_.-]+)\((.*)\)$/, '$1$2'));
  }
  return out;
}

export async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

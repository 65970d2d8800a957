/**
 * `dsl setup tensorflow`: the steps in order, each skipped when its result is already in
 * place, so a second run changes nothing. Never prints: each step is reported as an event.
 */
import path from 'node:path';
import { SetupError } from './errors.js';
import { bindingBuilt, bindingDir, buildBinding } from './build.js';
import { tensorflowHome, projectRoot } from './home.js';
import { depsLinks, linksInPlace, makeLinks } from './link.js';
import { installPackages, missingPackages, nodeGypScript, packageDir } from './npmPackage.js';
import { VARIANTS, TENSORFLOW_VERSION, type TensorflowVariant } from './variant.js';
import { verifyNativeBackend, type Verification } from './verify.js';
import { checkWheelFiles, installedWheel, installWheel, locateTensorflow, type TensorflowInstall } from './wheel.js';

export interface SetupOptions {
  readonly variant: TensorflowVariant;
  /** Use this Python's TensorFlow instead of a venv of dsl's own. */
  readonly python?: string;
  /** The Python that creates the venv (default python3). */
  readonly basePython?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export type SetupStepName = 'wheel' | 'packages' | 'links' | 'build' | 'check';

export type SetupEvent =
  | { readonly kind: 'start'; readonly step: SetupStepName; readonly title: string }
  | { readonly kind: 'skipped' | 'done'; readonly step: SetupStepName; readonly detail: string; readonly seconds: number };

export interface SetupResult {
  readonly install: TensorflowInstall;
  readonly verification: Verification;
  /** Steps that did something (empty on a second run). */
  readonly changed: readonly SetupStepName[];
}

export async function setupTensorflow(options: SetupOptions, onEvent: (event: SetupEvent) => void): Promise<SetupResult> {
  const variant = VARIANTS[options.variant];
  const root = projectRoot();
  const changed: SetupStepName[] = [];
  const step = async <T>(name: SetupStepName, title: string, body: () => Promise<{ value: T; detail: string; changed: boolean }>): Promise<T> => {
    onEvent({ kind: 'start', step: name, title });
    const started = performance.now();
    const outcome = await body();
    if (outcome.changed) changed.push(name);
    onEvent({ kind: outcome.changed ? 'done' : 'skipped', step: name, detail: outcome.detail, seconds: (performance.now() - started) / 1000 });
    return outcome.value;
  };

  const install = await step('wheel', `TensorFlow ${options.python ? `from ${options.python}` : `${variant.distribution} ${TENSORFLOW_VERSION}`}`, async () => {
    if (options.python) {
      const found = await locateTensorflow(options.python);
      if (!found) throw new SetupError(`${options.python} has no tensorflow package`, `Install it there (\`${options.python} -m pip install ${variant.distribution}==${TENSORFLOW_VERSION}\`), or leave out --python to let dsl install one.`);
      await checkWheelFiles(found);
      return { value: found, detail: `using ${found.distribution} ${found.version} in ${found.dir}`, changed: false };
    }
    const venv = path.join(tensorflowHome(options.env), variant.venv);
    const present = await installedWheel(venv, variant);
    if (present) return { value: present, detail: `${present.distribution} ${present.version} already in ${venv}`, changed: false };
    const fresh = await installWheel(venv, variant, options.basePython ?? 'python3');
    await checkWheelFiles(fresh);
    return { value: fresh, detail: `pip installed ${fresh.distribution} ${fresh.version} into ${venv}`, changed: true };
  });

  const pkg = packageDir(root, variant);
  await step('packages', `${variant.npmPackage} and node-gyp in node_modules`, async () => {
    const missing = await missingPackages(root, variant);
    if (missing.length === 0) return { value: undefined, detail: 'already installed', changed: false };
    await installPackages(root, variant);
    const still = await missingPackages(root, variant);
    if (still.length > 0) throw new SetupError(`npm did not install ${still.join(', ')}`, 'Run the same command again; check `npm ls` for conflicts.');
    return { value: undefined, detail: `npm installed ${missing.join(', ')} (--ignore-scripts: no libtensorflow download)`, changed: true };
  });

  await step('links', "the wheel's libraries and headers in its deps/", async () => {
    const links = depsLinks(pkg, install.dir);
    if (await linksInPlace(links)) return { value: undefined, detail: `already point at ${install.dir}`, changed: false };
    await makeLinks(pkg, links);
    return { value: undefined, detail: `${links.length} links to ${install.dir}`, changed: true };
  });

  await step('build', 'the binding (node-gyp)', async () => {
    const target = path.join(path.relative(root, bindingDir(pkg)), 'tfjs_binding.node');
    if (await bindingBuilt(pkg, install)) return { value: undefined, detail: `${target} already built against ${install.distribution} ${install.version}`, changed: false };
    await buildBinding(pkg, nodeGypScript(root), install);
    return { value: undefined, detail: `built ${target}`, changed: true };
  });

  const verification = await step('check', `a convolution and its gradients on ${variant.backend} against wasm`, async () => {
    const result = await verifyNativeBackend(variant.backend);
    return {
      value: result,
      detail: `TensorFlow ${result.tensorflowVersion}: ${result.cases} cases agree (largest relative difference ${result.maxRelativeDifference.toExponential(1)})`,
      changed: false,
    };
  });
  return { install, verification, changed };
}

/**
 * Puts the wheel's files where tfjs-node's binding.gyp looks: deps/include and deps/lib. The
 * binding links with -ltensorflow (hence libtensorflow.so) and loads the sonames
 * libtensorflow_cc.so.2 and libtensorflow_framework.so.2 at run time through its RUNPATH
 * $ORIGIN/../../deps/lib, hence both names of each library.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { WHEEL_FILES } from './wheel.js';

export interface Link {
  readonly link: string;
  readonly target: string;
}

export function depsLinks(packageDir: string, tensorflowDir: string): Link[] {
  const deps = path.join(packageDir, 'deps');
  const lib = (name: string) => path.join(deps, 'lib', name);
  const cc = path.join(tensorflowDir, WHEEL_FILES.cc);
  const framework = path.join(tensorflowDir, WHEEL_FILES.framework);
  return [
    { link: path.join(deps, 'include'), target: path.join(tensorflowDir, WHEEL_FILES.include) },
    { link: lib('libtensorflow.so'), target: cc },
    { link: lib('libtensorflow_cc.so.2'), target: cc },
    { link: lib('libtensorflow_framework.so'), target: framework },
    { link: lib('libtensorflow_framework.so.2'), target: framework },
  ];
}

/** Whether every link exists and points where it should. */
export async function linksInPlace(links: readonly Link[]): Promise<boolean> {
  for (const { link, target } of links) {
    try {
      if ((await fs.readlink(link)) !== target) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Replaces the package's deps/ with the links (it holds nothing else: the download never ran). */
export async function makeLinks(packageDir: string, links: readonly Link[]): Promise<void> {
  await fs.rm(path.join(packageDir, 'deps'), { recursive: true, force: true });
  for (const { link, target } of links) {
    await fs.mkdir(path.dirname(link), { recursive: true });
    await fs.symlink(target, link);
  }
}

/**
 * tfjs-node (or -gpu) and node-gyp in dsl's node_modules, installed with --ignore-scripts: the
 * package's own install script would download libtensorflow 2.9.1 and a prebuilt binding,
 * which fails offline and (for the GPU) needs CUDA 11.2.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { exec } from './exec.js';
import { NODE_GYP_MAJOR, TFJS_NODE_VERSION, type VariantFacts } from './variant.js';

export function packageDir(root: string, variant: VariantFacts): string {
  return path.join(root, 'node_modules', ...variant.npmPackage.split('/'));
}

export function nodeGypScript(root: string): string {
  return path.join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
}

async function versionOf(dir: string): Promise<string | null> {
  try {
    return (JSON.parse(await fs.readFile(path.join(dir, 'package.json'), 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

/** What is missing or wrong in node_modules ([] when both packages are as wanted). */
export async function missingPackages(root: string, variant: VariantFacts): Promise<string[]> {
  const wanted: string[] = [];
  if ((await versionOf(packageDir(root, variant))) !== TFJS_NODE_VERSION) wanted.push(`${variant.npmPackage}@${TFJS_NODE_VERSION}`);
  const gyp = await versionOf(path.join(root, 'node_modules', 'node-gyp'));
  if (gyp === null || Number(gyp.split('.')[0]) !== NODE_GYP_MAJOR) wanted.push(`node-gyp@${NODE_GYP_MAJOR}`);
  return wanted;
}

/**
 * Installs both in one npm call: npm removes packages missing from package.json on each
 * install, so a second --no-save install would take the first one away. --save-prod: dsl lists
 * tfjs-node as an optional peer, and npm keeps an edge's type, so without it npm finds the
 * optional peer "up to date" and installs nothing; --no-save still leaves package.json and the
 * lock file as they are.
 */
export async function installPackages(root: string, variant: VariantFacts): Promise<void> {
  const specs = [`${variant.npmPackage}@${TFJS_NODE_VERSION}`, `node-gyp@${NODE_GYP_MAJOR}`];
  await exec('npm', ['install', '--ignore-scripts', '--no-save', '--save-prod', '--no-audit', '--no-fund', ...specs], 'npm needs its registry (or a local mirror in .npmrc); run the same command again once it is reachable.', { cwd: root });
}

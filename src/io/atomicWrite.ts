import { closeSync, copyFileSync, existsSync, fsyncSync, linkSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * Test seam: `DSL_TEST_WRITE_FAULT=ENOSPC:checkpoint.bin` makes writes of files with that name
 * fail with that error code after half their bytes, as a full disk or a revoked permission
 * would, so the handling of faults is tested without filling a real disk.
 */
function injectedFault(path: string): string | undefined {
  const setting = process.env.DSL_TEST_WRITE_FAULT;
  if (!setting) return undefined;
  const [code, name] = setting.split(':');
  return name === basename(path) ? code : undefined;
}

const faultError = (code: string, path: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`${code}: injected fault, write '${path}'`), { code, syscall: 'write', path });

/**
 * Writes a file whole or not at all: into `<path>.<pid>.tmp`, flushed, then renamed over the
 * old one, so a kill or a full disk leaves the previous version in place; on failure the
 * temporary file is removed and the error (ENOSPC, EACCES, …) passed on. `keepPrevious` keeps
 * the replaced version under that name.
 */
export function writeFileAtomic(path: string, parts: string | Uint8Array | readonly Uint8Array[], options: { readonly keepPrevious?: string } = {}): void {
  const chunks = typeof parts === 'string' ? [Buffer.from(parts, 'utf8')] : parts instanceof Uint8Array ? [parts] : parts;
  const temporary = `${path}.${process.pid}.tmp`;
  const fault = injectedFault(path);
  try {
    const fd = openSync(temporary, 'w');
    try {
      const total = chunks.reduce((n, c) => n + c.byteLength, 0);
      let written = 0;
      for (const chunk of chunks) {
        if (fault && written + chunk.byteLength >= total / 2) {
          writeSync(fd, chunk.subarray(0, Math.max(0, Math.floor(total / 2) - written)));
          throw faultError(fault, path);
        }
        writeSync(fd, chunk);
        written += chunk.byteLength;
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (options.keepPrevious && existsSync(path)) {
      // A second name for the old file, then the new one renamed in: `path` never goes missing.
      rmSync(options.keepPrevious, { force: true });
      try {
        linkSync(path, options.keepPrevious);
      } catch {
        copyFileSync(path, options.keepPrevious);
      }
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

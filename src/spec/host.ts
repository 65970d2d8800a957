/**
 * The only way the spec layer reads files. The CLI passes one backed by node:fs; tests pass
 * in-memory ones. Keeping I/O behind this interface keeps the core pure and fast to test.
 */
export interface SpecHost {
  /** File contents as text, or undefined when the file does not exist or is not readable. */
  readFile(path: string): string | undefined;
  /** File contents as bytes (binary genotypes), or undefined. */
  readBytes(path: string): Uint8Array | undefined;
  exists(path: string): boolean;
  /** The path with symlinks resolved (as it is when it does not exist); identity if absent. */
  realpath?(path: string): string;
  /**
   * What is at `path`, or undefined when nothing is. Optional so that older hosts keep
   * working; with it, directories and oversized files are refused before they are read.
   */
  stat?(path: string): FileInfo | undefined;
}

export interface FileInfo {
  readonly kind: 'file' | 'directory';
  /** In bytes. */
  readonly size: number;
}

/** A host over a plain map of absolute paths to contents (tests, editors). */
export function memoryHost(files: Record<string, string | Uint8Array>): SpecHost {
  const text = (path: string) => {
    const f = files[path];
    return typeof f === 'string' ? f : f === undefined ? undefined : new TextDecoder().decode(f);
  };
  const bytes = (path: string) => {
    const f = files[path];
    return typeof f === 'string' ? new TextEncoder().encode(f) : f;
  };
  const isDirectory = (path: string) => Object.keys(files).some((f) => f.startsWith(path.endsWith('/') ? path : `${path}/`));
  return {
    readFile: text,
    readBytes: bytes,
    exists: (path) => path in files || isDirectory(path),
    realpath: (path) => path,
    stat: (path) => (path in files ? { kind: 'file', size: bytes(path)!.byteLength } : isDirectory(path) ? { kind: 'directory', size: 0 } : undefined),
  };
}

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
}

/** A host over a plain map of absolute paths to contents (tests, editors). */
export function memoryHost(files: Record<string, string | Uint8Array>): SpecHost {
  const text = (path: string) => {
    const f = files[path];
    return typeof f === 'string' ? f : f === undefined ? undefined : new TextDecoder().decode(f);
  };
  return {
    readFile: text,
    readBytes: (path) => {
      const f = files[path];
      return typeof f === 'string' ? new TextEncoder().encode(f) : f;
    },
    exists: (path) => path in files || Object.keys(files).some((f) => f.startsWith(path.endsWith('/') ? path : `${path}/`)),
    realpath: (path) => path,
  };
}

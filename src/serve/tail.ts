import { closeSync, openSync, readSync, statSync } from 'node:fs';

export interface TailRead<T> {
  /** The file was replaced or cut short since the last read: drop what came from it before. */
  readonly reset: boolean;
  readonly values: readonly T[];
}

/**
 * Reads the lines appended to a JSON-lines file since the last call. A stage directory is
 * deleted and recreated when a stage reruns, and a resumed stage cuts its log back to its
 * checkpoint: both show as a new inode or a smaller size, and reading restarts from the top.
 * A line still being written (no newline yet) waits for the next call; one that does not
 * parse is skipped, as the report skips it.
 */
export class JsonlTail<T = unknown> {
  private offset = 0;
  private inode: number | undefined;
  private pending = Buffer.alloc(0);

  constructor(readonly file: string) {}

  read(): TailRead<T> {
    let size: number;
    let inode: number;
    try {
      const stat = statSync(this.file);
      size = stat.size;
      inode = stat.ino;
    } catch {
      const reset = this.offset > 0 || this.inode !== undefined;
      this.restart(undefined);
      return { reset, values: [] };
    }
    let reset = false;
    if (this.inode !== undefined && (inode !== this.inode || size < this.offset)) {
      reset = true;
      this.restart(inode);
    }
    this.inode = inode;
    if (size === this.offset) return { reset, values: [] };
    const chunk = Buffer.alloc(size - this.offset);
    const fd = openSync(this.file, 'r');
    try {
      readSync(fd, chunk, 0, chunk.length, this.offset);
    } finally {
      closeSync(fd);
    }
    this.offset = size;
    const data = Buffer.concat([this.pending, chunk]);
    const end = data.lastIndexOf(0x0a);
    this.pending = end < 0 ? data : data.subarray(end + 1);
    const values: T[] = [];
    if (end >= 0) {
      for (const line of data.subarray(0, end).toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          values.push(JSON.parse(line) as T);
        } catch {
          // a damaged line: the rest of the log is still worth showing
        }
      }
    }
    return { reset, values };
  }

  private restart(inode: number | undefined): void {
    this.offset = 0;
    this.inode = inode;
    this.pending = Buffer.alloc(0);
  }
}

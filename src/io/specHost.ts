import { existsSync, readFileSync, realpathSync } from 'node:fs';
import type { SpecHost } from '../spec/host.js';

/** The spec layer's file access, backed by the real file system. */
export const nodeSpecHost: SpecHost = {
  readFile(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  readBytes(path) {
    try {
      return new Uint8Array(readFileSync(path));
    } catch {
      return undefined;
    }
  },
  exists: existsSync,
  realpath(path) {
    try {
      return realpathSync(path);
    } catch {
      return path;
    }
  },
};

import { createHash } from 'node:crypto';
import stringify from 'safe-stable-stringify';

/**
 * Bumped when the engine computes something differently for the same config, so that old
 * cached stages are not taken for new ones.
 */
export const ENGINE_VERSION = 1;

/** sha256 of canonical JSON (sorted keys): equal configs give equal fingerprints. */
export function fingerprintOf(value: unknown): string {
  const text = stringify(value);
  if (text === undefined) throw new TypeError('cannot fingerprint an undefined value');
  return createHash('sha256').update(text).digest('hex');
}

/** The short form used in directory names and tables. */
export const shortFingerprint = (fingerprint: string): string => fingerprint.slice(0, 10);

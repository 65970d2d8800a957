import type { SpecHost } from './host.js';

/**
 * Spec files, the bases they extend and genotype files larger than this are refused before
 * they are parsed: a spec is a few kilobytes, and the YAML parser needs tens of times a
 * file's size in memory (a 53 MB file of 2.5M keys exhausts Node's heap).
 */
export const MAX_SPEC_FILE_BYTES = 4 * 1024 * 1024;

export type FileRole = 'spec file' | 'genotype file';

/** Why a file could not be read, as the parts of a problem (the caller locates it). */
export interface ReadFailure {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
}

export type ReadResult<T> = { readonly content: T; readonly failure?: undefined } | { readonly content?: undefined; readonly failure: ReadFailure };

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

function tooLarge(path: string, role: FileRole, size: number): ReadFailure {
  return {
    code: 'file-too-large',
    message: `${role} ${path} is ${mib(size)}; ${role}s over ${mib(MAX_SPEC_FILE_BYTES)} are refused unread`,
    hint: role === 'spec file' ? 'a spec holds settings, a few kilobytes; data and weights belong in the files it names' : 'a genotype lists one operation per edge, a few kilobytes',
  };
}

/** Refuses what is not a readable file of a sensible size, before anything reads it. */
function precheck(host: SpecHost, path: string, role: FileRole): ReadFailure | undefined {
  const info = host.stat?.(path);
  if (info?.kind === 'directory') {
    return { code: 'not-a-file', message: `${path} is a directory, not a ${role}`, hint: role === 'spec file' ? 'name a YAML file, e.g. ./base/adversarialnas.yaml' : 'name a genotype file (.yaml, .json or .npy)' };
  }
  if (info && info.size > MAX_SPEC_FILE_BYTES) return tooLarge(path, role, info.size);
  return undefined;
}

function missing(path: string, role: FileRole, exists: boolean): ReadFailure {
  if (exists) return { code: 'unreadable', message: `cannot read ${role} ${path}`, hint: 'check that it is a file you may read' };
  return role === 'spec file'
    ? { code: 'file-not-found', message: `cannot read spec file ${path}: it does not exist` }
    : { code: 'genotype-missing', message: `genotype file ${path} does not exist` };
}

export function readText(host: SpecHost, path: string, role: FileRole): ReadResult<string> {
  const refused = precheck(host, path, role);
  if (refused) return { failure: refused };
  const text = host.readFile(path);
  if (text === undefined) return { failure: missing(path, role, host.exists(path)) };
  // Hosts without `stat` are checked after reading: still before parsing.
  if (text.length > MAX_SPEC_FILE_BYTES) return { failure: tooLarge(path, role, text.length) };
  return { content: text };
}

export function readBytes(host: SpecHost, path: string, role: FileRole): ReadResult<Uint8Array> {
  const refused = precheck(host, path, role);
  if (refused) return { failure: refused };
  const bytes = host.readBytes(path);
  if (bytes === undefined) return { failure: missing(path, role, host.exists(path)) };
  if (bytes.byteLength > MAX_SPEC_FILE_BYTES) return { failure: tooLarge(path, role, bytes.byteLength) };
  return { content: bytes };
}

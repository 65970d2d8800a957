import { isAbsolute, relative, resolve } from 'node:path';

/** A parsed `redis://[user:pass@]host:port[/db]` or `rediss://` (TLS) URL. */
export interface QueueUrl {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  readonly tls: boolean;
  /** The URL with its password replaced by `***`: the only form ever shown. */
  readonly display: string;
}

/** A queue URL that cannot be used, or a queue that cannot be reached; never shows a password. */
export class QueueError extends Error {
  override readonly name = 'QueueError';
  readonly hint: string;
  constructor(message: string, hint = 'write --queue redis://HOST:PORT, redis://:PASSWORD@HOST:PORT/DB, or rediss://… for TLS') {
    super(message);
    this.hint = hint;
  }
}

export function parseQueueUrl(text: string): QueueUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new QueueError(`\`${redactUrl(text)}\` is not a queue URL`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new QueueError(`the queue URL must start with redis:// or rediss://, not ${url.protocol}//`);
  if (!url.hostname) throw new QueueError(`\`${redactUrl(text)}\` names no host`);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new QueueError(`\`${url.pathname.slice(1)}\` in the queue URL is not a database number`);
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : 6379,
    db,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    tls: url.protocol === 'rediss:',
    display: redactUrl(text),
  };
}

/** `redis://:hunter2@host:6379` → `redis://:***@host:6379`; leaves text that is not such a URL as it is. */
export function redactUrl(text: string): string {
  return text.replace(/^(rediss?:\/\/[^:@/]*:)[^@/]*@/, '$1***@');
}

/** Removes a secret from any text (error messages of the client library, logs) before it is shown. */
export function redactSecret(text: string, secret: string | undefined): string {
  if (!secret) return text;
  return text.split(secret).join('***').split(encodeURIComponent(secret)).join('***');
}

/** Whether `path` is `root` or inside it (after resolving `..`). */
export function isInside(path: string, root: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

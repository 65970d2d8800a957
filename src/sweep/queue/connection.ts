import { Redis } from 'ioredis';
import { QueueError, redactSecret, type QueueUrl } from '../core/queueUrl.js';

/** One queue for every sweep: a trial is the same job whichever sweep submits it. */
export const QUEUE_NAME = 'dsl-trials';

/** Connection settings both ioredis and BullMQ take. */
export interface ConnectionSettings {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  readonly tls?: { readonly servername: string };
}

export function redisOptions(url: QueueUrl): ConnectionSettings {
  return {
    host: url.host,
    port: url.port,
    db: url.db,
    ...(url.username ? { username: url.username } : {}),
    ...(url.password ? { password: url.password } : {}),
    ...(url.tls ? { tls: { servername: url.host } } : {}),
  };
}

/** Fails fast, with the URL redacted, when the queue cannot be reached: BullMQ itself would retry forever. */
export async function checkReachable(url: QueueUrl): Promise<void> {
  const client = new Redis({ ...redisOptions(url), lazyConnect: true, connectTimeout: 5_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    const message = redactSecret(error instanceof Error ? error.message : String(error), url.password);
    throw new QueueError(`cannot reach the queue at ${url.display}: ${message}`, 'start redis-server there (or check the host, port, password and TLS), then run the same command again');
  } finally {
    client.disconnect();
  }
}

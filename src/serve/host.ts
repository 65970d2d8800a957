/**
 * Host names a page may be reached by. A browser sends the name it resolved in the Host
 * header; a web page on another site that rebinds its own name to 127.0.0.1 (DNS rebinding)
 * still sends its own name, so refusing foreign names keeps such a page from reading the run.
 */
export function allowedHosts(port: number, bindHost: string): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '[::1]']);
  names.add(bindHost.includes(':') && !bindHost.startsWith('[') ? `[${bindHost}]` : bindHost);
  const allowed = new Set<string>();
  for (const name of names) {
    allowed.add(`${name.toLowerCase()}:${port}`);
    if (port === 80) allowed.add(name.toLowerCase());
  }
  return allowed;
}

export const hostAllowed = (header: string | undefined, allowed: ReadonlySet<string>): boolean => header !== undefined && allowed.has(header.toLowerCase());

/** Addresses that only this machine can reach. */
export const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);

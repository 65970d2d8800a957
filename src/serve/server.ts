import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { CONTENT_TYPES, VENDOR, clientDir } from './assets.js';
import { allowedHosts, hostAllowed } from './host.js';
import { resolveInside } from './paths.js';
import type { Message, ServedView } from './view.js';

export interface ServeOptions {
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  readonly view: ServedView;
}

export interface RunningServer {
  /** e.g. `http://127.0.0.1:41234/`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Comment lines keep idle connections (and proxies between) from timing out. */
const HEARTBEAT_MS = 15_000;

// Scripts only from this server (vega runs with its expression interpreter, so no eval);
// vega-embed adds a style element, hence inline styles.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The page's HTTP server: the page and its scripts, the chart libraries from node_modules,
 * the run's own files under /files/, and /events, a Server-Sent Events stream that starts
 * with everything so far. Read-only by construction: GET and HEAD only, nothing writes.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const { view } = options;
  const streams = new Set<ServerResponse>();
  let allowed = new Set<string>();

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch {
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.destroy();
    }
  });

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'only GET and HEAD\n', { Allow: 'GET, HEAD' });
    if (!hostAllowed(req.headers.host, allowed)) return send(res, 403, 'unknown Host header\n');
    // Only the path is used, raw (not normalised by URL parsing, which would fold `/../`).
    const raw = (req.url ?? '/').split('?')[0]!.split('#')[0]!;
    if (raw === '/' || raw === '/index.html') return sendFile(req, res, join(clientDir, 'index.html'));
    if (raw === '/events') return openStream(req, res);
    const route = /^\/(client|vendor|files)\/(.+)$/.exec(raw);
    if (route) {
      const [, kind, rest] = route;
      const file = kind === 'vendor' ? VENDOR[rest!] : resolveInside(kind === 'client' ? clientDir : view.root, rest!);
      if (file) return sendFile(req, res, file);
    }
    return send(res, 404, 'not found\n');
  };

  const openStream = (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Content-Type-Options': 'nosniff' });
    if (req.method === 'HEAD') return res.end();
    const write = (m: Message) => res.write(`event: ${m.event}\ndata: ${JSON.stringify(m.data)}\n\n`);
    // Subscribed before the snapshot is taken, and queued until it is written: nothing falls between.
    const queued: Message[] = [];
    let live = false;
    const unsubscribe = view.subscribe((m) => (live ? write(m) : queued.push(m)));
    for (const m of view.snapshot()) write(m);
    live = true;
    for (const m of queued.splice(0)) write(m);
    streams.add(res);
    const beat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    req.on('close', () => {
      clearInterval(beat);
      unsubscribe();
      streams.delete(res);
    });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  allowed = allowedHosts(port, options.host);
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of streams) res.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'X-Content-Type-Options': 'nosniff', ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

function sendFile(req: IncomingMessage, res: ServerResponse, file: string): void {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return send(res, 404, 'not found\n');
  }
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': size,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': CSP,
    'Referrer-Policy': 'no-referrer',
  });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Store } from '../store/store.js';

/**
 * Splits a request target into path and query without resolving it as a
 * URL: `//host/` must stay a path (and be refused), never become a host.
 */
export function splitTarget(target: string | undefined): { pathname: string; query: URLSearchParams } {
  const raw = target ?? '/';
  const at = raw.indexOf('?');
  return { pathname: at < 0 ? raw : raw.slice(0, at), query: new URLSearchParams(at < 0 ? '' : raw.slice(at + 1)) };
}

function json(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** Plain HTTP on the gateway port: liveness and readiness (PROTOCOL.md §9). */
export async function handleHttp(req: IncomingMessage, res: ServerResponse, ctx: { store: Store; shard: string }): Promise<void> {
  const path = splitTarget(req.url).pathname;
  if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'method_not_allowed' });
  if (path === '/healthz') return json(res, 200, { status: 'ok' });
  if (path === '/readyz') {
    try {
      await ctx.store.ping();
      return json(res, 200, { status: 'ready' });
    } catch {
      return json(res, 503, { status: 'store unreachable' });
    }
  }
  json(res, 404, { error: 'not_found' });
}

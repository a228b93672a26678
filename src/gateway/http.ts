import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { AdminApi } from '../admin/router.js';
import { serveDashboard } from '../admin/dashboard.js';
import type { Store } from '../store/store.js';
import type { Metrics } from './metrics.js';

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

export interface HttpContext {
  store: Store;
  metrics: Metrics;
  admin: AdminApi;
  metricsToken: string | undefined;
  address: string;
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Plain HTTP on the gateway port (PROTOCOL.md §9): health, metrics, the dashboard and the admin API. */
export async function handleHttp(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const { pathname, query } = splitTarget(req.url);
  if (await ctx.admin.handle(req, res, pathname, query, ctx.address)) return;
  if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'method_not_allowed' });
  if (pathname === '/healthz') return json(res, 200, { status: 'ok' });
  if (pathname === '/readyz') {
    try {
      await ctx.store.ping();
      return json(res, 200, { status: 'ready' });
    } catch {
      return json(res, 503, { status: 'store unreachable' });
    }
  }
  if (pathname === '/metrics') {
    if (ctx.metricsToken !== undefined && !bearerMatches(req.headers.authorization, ctx.metricsToken)) return json(res, 401, { error: 'unauthorized' });
    res.writeHead(200, { 'content-type': ctx.metrics.registry.contentType });
    res.end(await ctx.metrics.registry.metrics());
    return;
  }
  if (pathname === '/admin' || pathname === '/admin/') return serveDashboard(res);
  json(res, 404, { error: 'not_found' });
}

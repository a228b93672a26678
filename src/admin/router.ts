import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config.js';
import type { Store } from '../store/store.js';
import { AdminAuth } from './admin-auth.js';
import { CATALOGUE_ROUTES } from './catalogue-routes.js';
import type { AdminRoute } from './context.js';
import { AdminError, sendJson } from './http-json.js';
import { LEDGER_ROUTES } from './ledger-routes.js';
import { OPS_ROUTES } from './ops-routes.js';

const ROUTES: readonly AdminRoute[] = [...CATALOGUE_ROUTES, ...LEDGER_ROUTES, ...OPS_ROUTES];
const PREFIX = /^\/api\/admin\/([^/]{1,100})(\/.*)$/;

export interface AdminApiOptions {
  store: Store;
  config: GatewayConfig;
  log: Logger;
  now: () => Date;
}

/** The admin HTTP API under /api/admin/{slug}/ (PROTOCOL.md §9). */
export class AdminApi {
  readonly #o: AdminApiOptions;
  readonly #auth: AdminAuth;

  constructor(options: AdminApiOptions) {
    this.#o = options;
    this.#auth = new AdminAuth({
      store: options.store,
      maxFailures: options.config.adminFailures,
      windowMs: options.config.adminWindowMs,
      now: () => options.now().getTime(),
    });
  }

  /** Answers the request when its path is an admin API path; false otherwise. */
  async handle(req: IncomingMessage, res: ServerResponse, pathname: string, query: URLSearchParams, address: string): Promise<boolean> {
    const match = PREFIX.exec(pathname);
    if (!match) return false;
    try {
      const slug = decodeURIComponent(match[1] as string);
      const rest = match[2] as string;
      const { instance, keyFingerprint } = await this.#auth.authenticate(slug, req.headers.authorization, address);
      const candidates = ROUTES.filter((r) => r.pattern.test(rest));
      if (candidates.length === 0) throw new AdminError(404, 'not_found', 'No such admin route');
      const route = candidates.find((r) => r.method === req.method);
      if (!route) throw new AdminError(405, 'method_not_allowed', `Use ${candidates.map((r) => r.method).join(', ')}`);
      const params = (route.pattern.exec(rest) ?? []).slice(1);
      await route.handle({ req, res, store: this.#o.store, config: this.#o.config, instance, keyFingerprint, params, query, now: this.#o.now });
    } catch (e) {
      if (e instanceof AdminError) {
        const headers: Record<string, string> = e.retryAfter !== undefined ? { 'retry-after': String(e.retryAfter) } : {};
        const body = e.status === 401 ? { error: e.error } : { error: e.error, message: e.message, ...(e.field ? { field: e.field } : {}) };
        sendJson(res, e.status, body, headers);
      } else if (e instanceof URIError) {
        sendJson(res, 401, { error: 'unauthorized' });
      } else {
        this.#o.log.error({ err: e, method: req.method }, 'admin request failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal_error', message: 'Internal error' });
      }
    }
    return true;
  }
}

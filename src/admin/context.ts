import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayConfig } from '../config.js';
import type { Store } from '../store/store.js';
import type { Instance } from '../store/types.js';

/** What an admin route handler gets: an authenticated instance and the request. */
export interface AdminContext {
  req: IncomingMessage;
  res: ServerResponse;
  store: Store;
  config: GatewayConfig;
  instance: Instance;
  keyFingerprint: string;
  /** Captures of the route pattern (e.g. the ID). */
  params: string[];
  query: URLSearchParams;
  now: () => Date;
}

/** A route: method, path pattern under /api/admin/{slug}, handler answering the request. */
export interface AdminRoute {
  method: string;
  pattern: RegExp;
  handle(ctx: AdminContext): Promise<void>;
}

import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';

// The page is one self-contained file (no build step, no CDN): public/admin.html.
const PAGE = new URL('../../../public/admin.html', import.meta.url);
let cached: Buffer | undefined;

/**
 * Serves the dashboard. The page holds no data and no secret: it asks for the
 * slug and admin key and calls the admin API with `Authorization: Bearer`,
 * so there is no cookie to steal or forge (no CSRF).
 */
export function serveDashboard(res: ServerResponse): void {
  cached ??= readFileSync(PAGE);
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  res.end(cached);
}

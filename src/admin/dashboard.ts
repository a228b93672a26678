import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';

// The page is one self-contained file (no build step, no CDN): public/admin.html.
const PAGE = new URL('../../../public/admin.html', import.meta.url);
let cached: { page: Buffer; csp: string } | undefined;

/**
 * CSP sources for the page's own inline `<script>` / `<style>` blocks, by
 * hash: the page may run its one script and nothing injected next to it
 * (no 'unsafe-inline', no inline event handlers, no style attributes).
 */
function hashes(html: string, tag: 'script' | 'style'): string {
  const blocks = [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))];
  if (blocks.length === 0) return "'none'";
  return blocks.map((m) => `'sha256-${createHash('sha256').update(m[1] ?? '', 'utf8').digest('base64')}'`).join(' ');
}

function load(): { page: Buffer; csp: string } {
  const page = readFileSync(PAGE);
  const html = page.toString('utf8');
  const csp = [
    "default-src 'none'",
    `script-src ${hashes(html, 'script')}`,
    `style-src ${hashes(html, 'style')}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { page, csp };
}

/**
 * Serves the dashboard. The page holds no data and no secret: it asks for the
 * slug and admin key and calls the admin API with `Authorization: Bearer`,
 * so there is no cookie to steal or forge (no CSRF).
 */
export function serveDashboard(res: ServerResponse): void {
  cached ??= load();
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': cached.csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  res.end(cached.page);
}

import assert from 'node:assert/strict';
import { alphaInstance, betaInstance, KEYS, ALPHA_ADMIN_KEY, writeInstanceFile } from './protocol-fixtures.js';
import { defaultStoreArgs, startServer, tempDir, type RunningServer } from './server.js';

/**
 * Helpers for the admin API tests (test/admin/): a real HTTP client of a
 * running gateway and the tenants these tests use. Alpha and beta have admin
 * keys; alpha is the instance the routes are exercised on.
 */

export const ADMIN_KEYS = { alpha: ALPHA_ADMIN_KEY, beta: 'beta-admin-key-4d21' } as const;
export { KEYS };

/** Alpha and beta (both with admin keys), `capped` whose license limits are used up by its file, and `plain`. */
export function adminInstances(): Record<string, unknown>[] {
  const beta = betaInstance();
  const capped = {
    ...beta,
    pos: (beta.pos as unknown[]).slice(0, 1),
    slug: 'capped',
    name: 'Capped',
    api_key: 'capped-terminal-key',
    admin_key: 'capped-admin-key',
    config: { license_key: 'CAPPED-1' },
    license: {
      LicenseKey: 'CAPPED-1',
      Name: 'capped holder',
      Type: 'festival',
      Active: true,
      DeviceLimit: 0,
      TicketLimit: 0,
      ProductLimit: 3,
      PaymentLimit: 1,
      POSLimit: 1,
      Created: '2020-01-01T00:00:00.000Z',
      Expires: null,
    },
  };
  // `plain` has no admin key at all.
  const plain = { ...betaInstance(), slug: 'plain', api_key: 'plain-terminal-key' };
  return [alphaInstance(), { ...betaInstance(), admin_key: ADMIN_KEYS.beta }, capped, plain];
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

/** An HTTP request to a gateway (`base` is its ws:// URL); JSON bodies in and out. */
export async function http(base: string, method: string, path: string, options: { key?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  let payload: string | undefined = options.raw;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(options.body);
  }
  const res = await fetch(base.replace(/^ws:/, 'http:') + path, { method, headers, body: payload });
  const text = await res.text();
  let body: unknown = undefined;
  if ((res.headers.get('content-type') ?? '').startsWith('application/json')) body = JSON.parse(text);
  return { status: res.status, headers: res.headers, text, body };
}

/** An admin client of one instance: `api('GET', '/products')` calls /api/admin/{slug}/products. */
export function adminClient(base: string, slug: string, key: string | null) {
  return (method: string, path: string, body?: unknown): Promise<Answer> => http(base, method, `/api/admin/${slug}${path}`, { key, body });
}

/** Asserts an admin API error by status, error name and (when given) field. */
export function expectAdminError(answer: Answer, status: number, error: string, field?: string): void {
  assert.equal(answer.status, status, answer.text);
  assert.equal(answer.body?.error, error, answer.text);
  assert.equal(typeof answer.body?.message, 'string', answer.text);
  if (field !== undefined) assert.equal(answer.body?.field, field, answer.text);
}

/** Asserts a 2xx answer with this status and returns its body. */
export function expectOk(answer: Answer, status = 200): any {
  assert.equal(answer.status, status, answer.text);
  return answer.body;
}

export interface AdminServer {
  server: RunningServer;
  /** The store flags of the server, for CLI commands against the same store. */
  storeArgs: string[];
  stop: () => Promise<void>;
}

/**
 * Starts the real gateway with the admin tenants imported, on the test store
 * (SQLite or, with CONCERTPOS_TEST_STORE=postgres, PostgreSQL), and keeps the
 * store flags so CLI commands can share the store.
 */
export async function startAdminServer(flags: string[] = [], instances = adminInstances(), env: NodeJS.ProcessEnv = {}): Promise<AdminServer> {
  const dir = tempDir('concertpos-admin-');
  const storeArgs = await defaultStoreArgs(dir.path);
  const fixture = writeInstanceFile(instances);
  const server = await startServer([...storeArgs, '--import', fixture.file, ...flags], env);
  return {
    server,
    storeArgs,
    stop: async () => {
      await server.stop();
      fixture.remove();
      dir.remove();
    },
  };
}

import type { IncomingMessage, ServerResponse } from 'node:http';

/** An admin API failure: HTTP status, error name, message and the field at fault. */
export class AdminError extends Error {
  readonly status: number;
  readonly error: string;
  readonly field: string | undefined;
  /** Seconds to wait, sent as Retry-After (429 only). */
  readonly retryAfter: number | undefined;

  constructor(status: number, error: string, message: string, field?: string, retryAfter?: number) {
    super(message);
    this.name = 'AdminError';
    this.status = status;
    this.error = error;
    this.field = field;
    this.retryAfter = retryAfter;
  }
}

const MAX_BODY = 1024 * 1024;

/** Sends a JSON answer that no cache keeps. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

/** Reads a JSON request body (at most 1 MiB); an empty body is `{}`. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new AdminError(413, 'invalid_parameter', 'The request body is larger than 1 MiB');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AdminError(400, 'invalid_parameter', 'The request body is not valid JSON');
  }
}

/** A required JSON object body. */
export function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AdminError(400, 'invalid_parameter', 'The request body must be a JSON object');
  return body as Record<string, unknown>;
}

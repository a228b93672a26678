import { ERRORS, type ErrorName } from './errors.js';

/** A correlation token copied from a request onto its answer (extension). */
export type Nonce = string | number;

/** The answer to a successful request. */
export function eventEnvelope(event: string, parameters: object, nonce?: Nonce): object {
  const envelope: Record<string, unknown> = { type: 'event', result: { event, parameters } };
  if (nonce !== undefined) envelope.nonce = nonce;
  return envelope;
}

export interface ErrorDetails {
  message?: string | undefined;
  command?: string | undefined;
  parameter?: string | undefined;
  nonce?: Nonce | undefined;
  /** Milliseconds until the command may be used again (ratelimit only). */
  retryAfter?: number | undefined;
}

/** The answer to a failed request, with the catalogued code of `error`. */
export function errorEnvelope(error: ErrorName, details: ErrorDetails = {}): object {
  const code =
    error === 'ratelimit'
      ? { command: details.command ?? null, retry_after: Math.max(0, Math.ceil(details.retryAfter ?? 0)) }
      : ERRORS[error].code;
  const result: Record<string, unknown> = { error, code, message: details.message ?? ERRORS[error].message };
  if (details.command !== undefined) result.command = details.command;
  if (details.parameter !== undefined) result.parameter = details.parameter;
  const envelope: Record<string, unknown> = { type: 'error', result };
  if (details.nonce !== undefined) envelope.nonce = details.nonce;
  return envelope;
}

/** A message pushed to terminals without a request (updatepos, operator broadcasts). */
export function broadcastEnvelope(message: string, parameters: object): object {
  return { type: 'broadcast', result: { message, parameters } };
}

/** Reads the optional nonce of a request; anything not a short string or an integer is ignored. */
export function nonceOf(request: Record<string, unknown>): Nonce | undefined {
  const nonce = Object.hasOwn(request, 'nonce') ? request.nonce : undefined;
  if (typeof nonce === 'string' && nonce.length <= 64) return nonce;
  if (typeof nonce === 'number' && Number.isSafeInteger(nonce)) return nonce;
  return undefined;
}

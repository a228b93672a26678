import { badParameter } from './errors.js';

/** A request's parameters object, read only through the helpers below. */
export type Params = Record<string, unknown>;

/** True when the parameter is present and not null (the reference client sends nulls for "none"). */
export function has(params: Params, name: string): boolean {
  return Object.hasOwn(params, name) && params[name] !== null && params[name] !== undefined;
}

const DIGITS = /^[0-9]{1,15}$/;

/**
 * Coerces an ID or count: an integer, or a string of decimal digits (the
 * reference client sends `"POSID": "1"`). Floats, signs, exponents, spaces
 * and every other type are rejected with `invalid_parameter`.
 */
export function toCount(value: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  let n: number | undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) n = value;
  else if (typeof value === 'string' && DIGITS.test(value)) n = Number(value);
  if (n === undefined || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`;
    throw badParameter(name, `${name} must be ${range}`);
  }
  return n;
}

/** A required ID (a positive integer). */
export function requireId(params: Params, name: string): number {
  if (!has(params, name)) throw badParameter(name, `${name} is required`, true);
  return toCount(params[name], name, 1);
}

/** An optional ID: undefined when absent or null. */
export function optionalId(params: Params, name: string): number | undefined {
  return has(params, name) ? toCount(params[name], name, 1) : undefined;
}

/** A required non-empty string of at most `max` characters. */
export function requireString(params: Params, name: string, max = 1024): string {
  if (!has(params, name)) throw badParameter(name, `${name} is required`, true);
  const value = params[name];
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw badParameter(name, `${name} must be a non-empty string of at most ${max} characters`);
  }
  return value;
}

/** An optional string; undefined when absent or null. */
export function optionalString(params: Params, name: string, max = 1024): string | undefined {
  return has(params, name) ? requireString(params, name, max) : undefined;
}

import JSON5 from 'json5';
import { json5ToJson, stringifyJson5 } from './json5-fast.js';

/** How a connection wants its frames written (`Content-Type` query parameter). */
export type ContentType = 'json' | 'json5';

/** Reads the Content-Type query value; anything but `json5` means JSON. */
export function contentTypeOf(value: string | null): ContentType {
  return value?.trim().toLowerCase() === 'json5' ? 'json5' : 'json';
}

export type Parsed = { ok: true; value: unknown } | { ok: false };

// Strict JSON starts with an object whose first key is quoted; anything else skips JSON.parse.
const LOOKS_LIKE_JSON = /^\s*(\{\s*["}]|\[)/;

/**
 * Parses a request frame leniently: strict JSON first (the fast path), then
 * JSON5, which is what the reference client sends (unquoted keys, single
 * quotes): its common subset is rewritten to JSON for the native parser, the
 * rest goes to the json5 package. Deeply nested input that exhausts the
 * stack is a parse failure.
 */
export function parseFrame(text: string): Parsed {
  if (LOOKS_LIKE_JSON.test(text)) {
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch {
      // not strict JSON: fall through to JSON5
    }
  }
  try {
    const json = json5ToJson(text);
    if (json !== undefined) return { ok: true, value: JSON.parse(json) };
  } catch {
    // outside the rewritten subset after all: the full parser decides
  }
  try {
    return { ok: true, value: parseJson5(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * JSON5.parse without the console warning json5 prints for each raw U+2028
 * or U+2029 in a string: a client must not be able to make the gateway write
 * a line per frame to its output, which holds only JSON log lines.
 */
function parseJson5(text: string): unknown {
  if (!/[\u2028\u2029]/.test(text)) return JSON5.parse(text);
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    return JSON5.parse(text);
  } finally {
    console.warn = warn;
  }
}

/** Serialises an outgoing envelope in the connection's content type. */
export function encodeFrame(envelope: object, type: ContentType): string {
  return type === 'json5' ? stringifyJson5(envelope) : JSON.stringify(envelope);
}

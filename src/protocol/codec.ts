import JSON5 from 'json5';

/** How a connection wants its frames written (`Content-Type` query parameter). */
export type ContentType = 'json' | 'json5';

/** Reads the Content-Type query value; anything but `json5` means JSON. */
export function contentTypeOf(value: string | null): ContentType {
  return value?.trim().toLowerCase() === 'json5' ? 'json5' : 'json';
}

export type Parsed = { ok: true; value: unknown } | { ok: false };

/**
 * Parses a request frame leniently: strict JSON first (the fast path), then
 * JSON5, which is what the reference client sends (unquoted keys, single
 * quotes). Deeply nested input that exhausts the stack is a parse failure.
 */
export function parseFrame(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    // not strict JSON: fall through to JSON5
  }
  try {
    return { ok: true, value: JSON5.parse(text) };
  } catch {
    return { ok: false };
  }
}

// A lone surrogate (a client may send one as "\ud800", e.g. in a nonce) has no
// UTF-8 form: written raw, the frame would carry U+FFFD instead of the echoed value.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Serialises an outgoing envelope in the connection's content type. Both
 * escape lone surrogates (JSON.stringify does so itself; JSON5.stringify
 * does not), so every string echoed from a request arrives unchanged.
 */
export function encodeFrame(envelope: object, type: ContentType): string {
  if (type === 'json') return JSON.stringify(envelope);
  const text = JSON5.stringify(envelope);
  // Outside string literals JSON5.stringify writes no surrogates, so escaping them everywhere is safe.
  if (!LONE_SURROGATE.test(text)) return text;
  return text.replace(/\p{Cs}/gu, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

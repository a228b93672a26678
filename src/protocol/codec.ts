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

/** Serialises an outgoing envelope in the connection's content type. */
export function encodeFrame(envelope: object, type: ContentType): string {
  return type === 'json5' ? JSON5.stringify(envelope) : JSON.stringify(envelope);
}

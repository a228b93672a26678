/**
 * Fast paths for the JSON5 the reference client sends and reads. Both only
 * rewrite what JSON and JSON5 spell differently in the common case and let
 * the native JSON functions do the rest; anything outside that subset is left
 * to the json5 package (the caller falls back), so results never differ.
 */

const LINE_SEPARATORS = /[\u2028\u2029]/;
const LINE_SEPARATORS_ALL = /[\u2028\u2029]/g;
// Escapes that mean the same in a JSON5 single-quoted string and a JSON string.
const SHARED_ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't', 'u']);

/**
 * Rewrites JSON5 text in the JSON subset plus unquoted keys and single-quoted
 * strings into JSON; undefined when the text uses anything else (comments,
 * hex, Infinity, \x escapes, …), so the caller uses the full JSON5 parser.
 */
export function json5ToJson(text: string): string | undefined {
  let out = '';
  let copied = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i] as string;
    if (c === '"') {
      i = endOfDoubleQuoted(text, i);
      if (i < 0) return undefined;
      continue;
    }
    if (c === "'") {
      let s = '"';
      let j = i + 1;
      for (;;) {
        if (j >= n) return undefined;
        const d = text[j] as string;
        if (d === "'") break;
        if (d === '"') s += '\\"';
        else if (d === '\\') {
          const e = text[j + 1] as string;
          if (e === "'") s += "'";
          else if (SHARED_ESCAPES.has(e)) s += `\\${e}`;
          else return undefined;
          j += 1;
        } else s += d;
        j += 1;
      }
      out += text.slice(copied, i) + s + '"';
      i = j + 1;
      copied = i;
      continue;
    }
    if (isIdentStart(text.charCodeAt(i))) {
      let j = i + 1;
      while (j < n && isIdentPart(text.charCodeAt(j))) j += 1;
      let k = j;
      while (text[k] === ' ' || text[k] === '\n' || text[k] === '\r' || text[k] === '\t') k += 1;
      if (text[k] === ':') {
        out += `${text.slice(copied, i)}"${text.slice(i, j)}"`;
        copied = j;
      }
      i = j;
      continue;
    }
    i += 1;
  }
  return out + text.slice(copied);
}

// [A-Za-z_$] and [A-Za-z0-9_$], by character code.
function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

/** Index after the closing quote of the JSON string starting at `start`, or -1. */
function endOfDoubleQuoted(text: string, start: number): number {
  let j = start + 1;
  for (;;) {
    j = text.indexOf('"', j);
    if (j < 0) return -1;
    let backslashes = 0;
    for (let k = j - 1; text.charCodeAt(k) === 92; k--) backslashes += 1;
    if (backslashes % 2 === 0) return j + 1;
    j += 1;
  }
}

// A key in JSON.stringify output: `{` or `,`, a quoted identifier, `:`. Inside a string every `"` is
// escaped, so `{"` or `,"` cannot occur there, nor can an identifier character precede `\"`.
const IDENTIFIER_KEY = /([{,])"([A-Za-z_$][A-Za-z0-9_$]*)":/g;

/**
 * JSON5 of a value that JSON.stringify can write: JSON.stringify's output
 * with the quotes taken off keys that are identifiers (one native regular
 * expression pass). Non-finite numbers, which JSON5 could write, never occur
 * in envelopes (money is finite cents).
 */
export function stringifyJson5(value: unknown): string {
  let json = JSON.stringify(value).replace(IDENTIFIER_KEY, '$1$2:');
  // JSON leaves U+2028/U+2029 raw in strings; JSON5 readers warn about them, so escape them.
  if (LINE_SEPARATORS.test(json)) json = json.replace(LINE_SEPARATORS_ALL, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029'));
  return json;
}

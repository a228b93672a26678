import type { Prng } from './prng.js';

/**
 * Building blocks of the mutations: values of the wrong type, huge and
 * negative numbers, numeric strings with signs, exponents and spaces, odd
 * Unicode, and a JSON5 writer that uses every liberty JSON5 allows.
 */

export const WRONG_TYPES: readonly unknown[] = [null, true, false, {}, [], [1], { ID: 1 }, [[]], 'x', '', { Amount: 1, ID: 1 }];

export const NUMBERS: readonly number[] = [
  0, -0, -1, 1, 2, 3, 4, 15, 99, 1.5, 0.1, -1.5, 1e300, -1e300, 2 ** 53, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER, 1e21, 4_294_967_296, 2_147_483_648, -2_147_483_649, 10_000, 10_001, 50, 51, 1e-7, 5e-324,
];

// No digit strings of 16 digits or more with a safe value: whether they count is not in the contract.
export const NUMERIC_STRINGS: readonly string[] = [
  '+1', '-1', '1e3', '1E3', '1e0', ' 1', '1 ', '\t1', '1\n', '0x1', '0X1', '1.0', '1.', '.5', '01', '007', '\u0661', '\uff11',
  '1_000', 'Infinity', '-Infinity', 'NaN', '', '0', '00', '-0', '+0', '1,5', '99999999999999999999', '9007199254740993',
  '\uff11\uff12', '1\u0000', ' ', '3', '10000', '10001', '2', '1', '99', '+', '-', 'e', '1e', '--1', '1-', '0b1', '1n', '½',
];

export const ODD_STRINGS: readonly string[] = [
  '\u0000', '\ud800', '\udfff', '\ud83d\ude00', '\u00c4', '\u202e', '\ufb03', 'a\u0301', '\uffff', '\ufeff', '\u2028', '\u2029',
  '<script>', "'; DROP TABLE tx; --", '%s%n', '${x}', '\\', '"', "'", '/*', '//', 'null', 'undefined', 'true', '__proto__',
  'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf',
];

export const ODD_KEYS: readonly string[] = [
  'posPassword', 'password', 'RequestID', 'Limit', 'Before', 'workplace', 'UUID', 'constructor', 'toString', 'valueOf',
  'hasOwnProperty', '', '\u00c4\u00d6\u00dc', '\u0000', 'api_key ', 'API_KEY', 'Api_Key', 'POSid', 'posid', 'x'.repeat(300),
  'Products ', 'nonce', 'command', 'parameters', 'type', 'result', '\ud800',
];

/** A string of random code points (lone surrogates included). */
export function randomText(rng: Prng, max = 24): string {
  const n = rng.int(0, max);
  let s = '';
  for (let i = 0; i < n; i++) {
    const range = rng.pick([0x7f, 0xff, 0x7ff, 0xffff, 0x10ffff]);
    const cp = rng.int(0, range);
    s += cp > 0xffff ? String.fromCodePoint(cp) : String.fromCharCode(cp);
  }
  return s;
}

/** A value meant to break a parameter: any of the kinds above, or a random nested one. */
export function weirdValue(rng: Prng, depth = 0): unknown {
  switch (rng.int(0, 6)) {
    case 0:
      return structuredClone(rng.pick(WRONG_TYPES));
    case 1:
      return rng.pick(NUMBERS);
    case 2:
    case 3:
      return rng.pick(NUMERIC_STRINGS);
    case 4:
      return rng.chance(0.5) ? rng.pick(ODD_STRINGS) : randomText(rng);
    case 5:
      return rng.chance(0.5) ? rng.int(-1_000_000, 1_000_000) : (rng.next() - 0.5) * 10 ** rng.int(0, 30);
    default:
      if (depth >= 3) return null;
      return rng.chance(0.5)
        ? Array.from({ length: rng.int(0, 4) }, () => weirdValue(rng, depth + 1))
        : Object.fromEntries(Array.from({ length: rng.int(0, 4) }, () => [rng.pick(ODD_KEYS), weirdValue(rng, depth + 1)]));
  }
}

const WHITESPACE = [' ', '\t', '\n', '\r\n', '\u00a0', '\ufeff', '\u2028', '\u2029', '\v', '\f', ' /* c */ ', '// line\n', '/**/'];

/**
 * Serialises a value as JSON5 with random liberties: unquoted and escaped
 * keys, single quotes, hex and signed numbers, Infinity and NaN, leading and
 * trailing decimal points, comments, exotic whitespace, trailing commas.
 */
export function writeJson5(value: unknown, rng: Prng, subset = false): string {
  // `subset`: only unquoted keys, single quotes and escapes (what the reference client writes).
  const ws = (): string => (rng.chance(0.25) ? (subset ? rng.pick([' ', '\t', '\n', '\r\n']) : rng.pick(WHITESPACE)) : '');
  const str = (s: string): string => {
    const q = rng.chance(subset ? 0.8 : 0.5) ? "'" : '"';
    let out = q;
    for (const ch of s) {
      const c = ch.codePointAt(0) as number;
      if (ch === q || ch === '\\') out += `\\${ch}`;
      else if (c < 0x20 || (c >= 0xd800 && c <= 0xdfff) || c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16).padStart(4, '0')}`;
      else if (c < 0x7f && /[a-z0-9]/i.test(ch) && rng.chance(0.05)) out += rng.chance(0.5) && !subset ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
      else if (subset && (ch === '"' || ch === "'" || ch === '/') && rng.chance(0.3)) out += `\\${ch}`;
      else out += ch;
      if (!subset && rng.chance(0.01)) out += '\\\n';
    }
    return out + q;
  };
  const num = (n: number): string => {
    if (subset && Number.isFinite(n)) return JSON.stringify(n);
    if (Number.isNaN(n)) return rng.pick(['NaN', '+NaN', '-NaN']);
    if (!Number.isFinite(n)) return n > 0 ? rng.pick(['Infinity', '+Infinity']) : '-Infinity';
    if (Object.is(n, -0)) return '-0';
    if (Number.isSafeInteger(n) && n >= 0) {
      const r = rng.int(0, 5);
      if (r === 0) return `${rng.chance(0.5) ? '0x' : '0X'}${n.toString(16)}`;
      if (r === 1) return `+${n}`;
      if (r === 2) return `${n}.`;
      if (r === 3) return n.toExponential();
    }
    if (n > 0 && n < 1 && rng.chance(0.5)) return String(n).replace(/^0\./, '.');
    return String(n);
  };
  const key = (k: string): string => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) && rng.chance(0.7) ? k : str(k));
  const write = (v: unknown): string => {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'boolean') return String(v);
    if (typeof v === 'number') return num(v);
    if (typeof v === 'string') return str(v);
    const trailing = !subset && rng.chance(0.3) ? ',' : '';
    if (Array.isArray(v)) return `[${v.map((x) => ws() + write(x) + ws()).join(',')}${v.length > 0 ? trailing : ''}]`;
    const entries = Object.keys(v as object).map((k) => `${ws()}${key(k)}${ws()}:${ws()}${write((v as Record<string, unknown>)[k])}${ws()}`);
    return `{${entries.join(',')}${entries.length > 0 ? trailing : ''}}`;
  };
  return ws() + write(value) + ws();
}

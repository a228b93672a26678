import JSON5 from 'json5';
import { DEMO_API_KEY } from '../../src/instances/demo.js';
import { expectationOf, type Expectation } from './oracle.js';
import { Prng } from './prng.js';
import { baseRequest, mutate, referenceStyle, type Params } from './requests.js';
import { randomText, writeJson5 } from './values.js';

/**
 * The frame generator: frame `index` of the run with `seed` is built from its
 * own PRNG, so any frame can be rebuilt alone (`frameAt(seed, index)`), and
 * is paired with what the gateway may answer (the oracle's expectation).
 */

export const KINDS = {
  valid: 8,
  mutated: 40,
  json5: 10,
  reference: 4,
  truncated: 5,
  garbage_text: 4,
  random_bytes: 3,
  binary: 2,
  invalid_utf8: 3,
  deep: 2,
  huge_string: 3,
  oversize: 0.6,
  boundary: 0.4,
  proto: 6,
} as const;

export type FrameKind = keyof typeof KINDS;

export interface FuzzFrame {
  index: number;
  kind: FrameKind;
  bytes: Buffer;
  binary: boolean;
  expect: Expectation;
}

/** The key every prototype-pollution payload carries; no answer may ever contain it. */
export const CANARY = 'fuzzcanary';

const enc = (s: string): Buffer => Buffer.from(s, 'utf8');

/** Writes a value as strict JSON or (sometimes) JSON5. */
function serialise(value: unknown, rng: Prng): string {
  const r = rng.int(0, 9);
  if (r === 0) return writeJson5(value, rng);
  if (r === 1) return JSON5.stringify(value);
  return JSON.stringify(value) ?? 'null';
}

/** An own `__proto__` key (a plain assignment would set the prototype instead). */
function own(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function canaryPayload(seed: number): Record<string, unknown> {
  const c = `${CANARY}-${seed}`;
  return { [CANARY]: c, message: c, nonce: c, event: c, error: c, parameter: c, command: c, toJSON: c, ticket_limit: '1', deposit_product: c, license_key: c, Config: c, isAdmin: true };
}

function protoFrame(rng: Prng, seed: number): string {
  const req = baseRequest(rng, seed);
  const p = req.parameters as Params;
  const payload = canaryPayload(seed);
  switch (rng.int(0, 6)) {
    case 0:
      own(p, '__proto__', payload);
      break;
    case 1:
      own(req, '__proto__', { ...payload, command: 'getconfig', parameters: { api_key: DEMO_API_KEY } });
      break;
    case 2:
      p['constructor'] = { prototype: payload };
      break;
    case 3:
      own(req, 'constructor', { prototype: payload, name: payload });
      p.prototype = payload;
      break;
    case 4: {
      const line: Params = { ID: 1, Amount: 1 };
      own(line, '__proto__', { ...payload, CrewBlocked: true, Price: 0 });
      p.Products = [line];
      break;
    }
    case 5: // only the prototype holds the request: must be invalid_request
      return `{"__proto__": {"command": "getconfig", "parameters": {"api_key": "${DEMO_API_KEY}"}, "nonce": "${CANARY}-${seed}"}}`;
    default:
      return `{__proto__: {${CANARY}: 1, api_key: '${DEMO_API_KEY}'}, command: ${JSON.stringify(req.command)}, parameters: {api_key: '${DEMO_API_KEY}', constructor: {prototype: {${CANARY}: 2}}, __proto__: {POSID: 1, ${CANARY}: 3}}}`;
  }
  return rng.chance(0.5) ? JSON.stringify(req) : writeJson5(req, rng);
}

function invalidUtf8(rng: Prng, seed: number): Buffer {
  const good = enc(JSON.stringify({ ...baseRequest(rng, seed), extra: 'XX' }));
  const bad = Buffer.from(rng.pick([[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc3], [0xfe, 0xff]]));
  const at = rng.chance(0.5) ? good.indexOf('XX') : rng.int(0, good.length);
  return Buffer.concat([good.subarray(0, at), bad, good.subarray(at)]);
}

function deepFrame(rng: Prng): string {
  const n = 10_000;
  switch (rng.int(0, 5)) {
    case 0:
      return '['.repeat(n) + ']'.repeat(n);
    case 1:
      return `{"command":"getconfig","parameters":{"api_key":"${DEMO_API_KEY}","x":${'['.repeat(n)}${']'.repeat(n)}}}`;
    case 2:
      return `{"command":"listproducts","parameters":{"api_key":"${DEMO_API_KEY}","POSID":${'['.repeat(n)}1${']'.repeat(n)}}}`;
    case 3:
      return '{"a":'.repeat(n) + '1' + '}'.repeat(n);
    case 4:
      return `{command:'getdeposit',parameters:{api_key:'${DEMO_API_KEY}',deep:${'{a:'.repeat(n)}1${'}'.repeat(n)}}}`;
    default:
      return '['.repeat(n);
  }
}

/** A 60 KiB string in one field of an otherwise valid request. */
function hugeStringFrame(rng: Prng, seed: number): string {
  const req = baseRequest(rng, seed);
  const p = req.parameters as Params;
  const size = 60 * 1024;
  const s = rng.pick([() => 'a'.repeat(size), () => '1'.repeat(size), () => '\u00e4'.repeat(size / 2 - 100), () => ' '.repeat(size), () => `${'0'.repeat(size - 1)}1`])();
  const field = rng.pick(['extra', 'api_key', 'command', 'nonce', 'POSID', 'UUID', 'RequestID', 'password', 'posPassword', 'ProductID', 'key']);
  if (field === 'command') req.command = s;
  else if (field === 'nonce') req.nonce = s;
  else if (field === 'ProductID') p.Products = [{ ID: s, Amount: 1 }];
  else if (field === 'key') p[s] = 1;
  else p[field] = s;
  return JSON.stringify(req);
}

/** A valid request padded with an ignored parameter to exactly `bytes` bytes. */
function padded(rng: Prng, seed: number, bytes: number): Buffer {
  const req = baseRequest(rng, seed);
  (req.parameters as Params).pad = '';
  const bare = enc(JSON.stringify(req)).length;
  (req.parameters as Params).pad = 'p'.repeat(Math.max(0, bytes - bare));
  return enc(JSON.stringify(req));
}

function truncated(rng: Prng, seed: number): Buffer {
  const text = enc(serialise(mutate(baseRequest(rng, seed), rng), rng));
  if (rng.chance(0.5)) return text.subarray(0, rng.int(0, Math.max(0, text.length - 1)));
  const out = Buffer.from(text);
  for (let i = rng.int(1, 3); i > 0; i--) out[rng.int(0, out.length - 1)] = rng.pick([...'{}[]:,"\'\\/ 0a-+.eE\n'].map((c) => c.charCodeAt(0)));
  return out;
}

function garbageText(rng: Prng): string {
  const tokens = ['{', '}', '[', ']', ':', ',', '"a"', "'b'", '1', '-', 'null', 'true', 'NaN', 'Infinity', '"command"', '"parameters"', '/*', '*/', '//', '\n', ' ', 'x', '0x', '.'];
  if (rng.chance(0.5)) return Array.from({ length: rng.int(0, 40) }, () => rng.pick(tokens)).join('');
  return randomText(rng, 200);
}

/** Builds frame `index` of the run with `seed`. */
export function frameAt(seed: number, index: number, maxPayload: number): FuzzFrame {
  const rng = Prng.forFrame(seed, index);
  const kind = rng.weighted(KINDS);
  let bytes: Buffer;
  let binary = false;
  switch (kind) {
    case 'valid':
      bytes = enc(JSON.stringify(baseRequest(rng, seed)));
      break;
    case 'mutated':
      bytes = enc(serialise(mutate(baseRequest(rng, seed), rng), rng));
      break;
    case 'json5': {
      const req = baseRequest(rng, seed);
      bytes = enc(writeJson5(rng.chance(0.5) ? req : mutate(req, rng), rng, rng.chance(0.5)));
      break;
    }
    case 'reference':
      bytes = enc(JSON5.stringify(referenceStyle(baseRequest(rng, seed), rng)));
      break;
    case 'truncated':
      bytes = truncated(rng, seed);
      break;
    case 'garbage_text':
      bytes = enc(garbageText(rng));
      break;
    case 'random_bytes':
      bytes = rng.bytes(rng.int(0, 256));
      break;
    case 'binary':
      binary = true;
      bytes = rng.chance(0.02) ? rng.bytes(maxPayload + 1) : rng.chance(0.5) ? rng.bytes(rng.int(0, 64)) : enc(JSON.stringify(baseRequest(rng, seed)));
      break;
    case 'invalid_utf8':
      bytes = invalidUtf8(rng, seed);
      break;
    case 'deep':
      bytes = enc(deepFrame(rng));
      break;
    case 'huge_string':
      bytes = enc(hugeStringFrame(rng, seed));
      break;
    case 'oversize':
      bytes = rng.chance(0.8) ? padded(rng, seed, maxPayload + rng.int(1, 4096)) : Buffer.concat([rng.bytes(maxPayload + 1)]);
      break;
    case 'boundary':
      bytes = padded(rng, seed, maxPayload + rng.pick([0, 0, 0, 1, -1]));
      break;
    default:
      bytes = enc(protoFrame(rng, seed));
  }
  return { index, kind, bytes, binary, expect: expectationOf(bytes, binary, maxPayload) };
}

import { DEMO_API_KEY, DEMO_BAR_PASSWORD } from '../../src/instances/demo.js';
import { EVENTS } from './oracle.js';
import { Prng } from './prng.js';
import { ODD_KEYS, ODD_STRINGS, weirdValue } from './values.js';

/**
 * Requests for the fuzzer: a valid request of every command of the demo
 * instance, the reference client's way of writing it, and mutations of it.
 */

export type Request = Record<string, unknown>;
export type Params = Record<string, unknown>;

const COMMANDS = Object.keys(EVENTS);
const PARAM_NAMES: Readonly<Record<string, readonly string[]>> = {
  verifyauth: ['workplace', 'password'],
  listpm: ['POSID', 'posPassword'],
  listproducts: ['POSID', 'posPassword'],
  listtransactions: ['POSID', 'posPassword', 'Limit', 'Before'],
  registerdevice: ['UUID', 'workplace'],
  payitems: ['POSID', 'PaymentMethod', 'Products', 'RequestID', 'posPassword'],
};
const PRODUCT_IDS = [1, 2, 3, 4, 15, 99];

/** 40 carts of 1–4 lines, the same in every run. */
const CARTS: readonly { ID: number; Amount: number }[][] = ((): { ID: number; Amount: number }[][] => {
  const rng = new Prng(0xca475);
  return Array.from({ length: 40 }, () => Array.from({ length: rng.int(1, 4) }, () => ({ ID: rng.pick(PRODUCT_IDS), Amount: rng.pick([0, 1, 1, 2, 3]) })));
})();

const uuid = (rng: Prng): string => {
  const hex = (n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[rng.int(0, 15)]).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${rng.pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
};

/** A posPassword: mostly right, sometimes absent, null, a number or wrong. */
const posPassword = (rng: Prng): unknown => rng.pick([DEMO_BAR_PASSWORD, DEMO_BAR_PASSWORD, 1234, null, 'wrong', '', undefined]);

/** A valid request of a random command (valid against the contract; the sale rules may still refuse it). */
function validParams(command: string, rng: Prng, seed: number): Params {
  const pos = rng.pick([1, 1, 2, 3]);
  const p: Params = { api_key: DEMO_API_KEY };
  const withPassword = (): void => {
    if (pos === 3 || rng.chance(0.2)) p.posPassword = posPassword(rng);
  };
  switch (command) {
    case 'verifyauth':
      p.workplace = pos;
      p.password = rng.pick([DEMO_BAR_PASSWORD, DEMO_BAR_PASSWORD, 'wrong', 1234, '']);
      break;
    case 'listpm':
    case 'listproducts':
      p.POSID = pos;
      withPassword();
      break;
    case 'listtransactions':
      p.POSID = pos;
      p.Limit = rng.int(1, 20);
      if (rng.chance(0.3)) p.Before = rng.int(1, 500);
      withPassword();
      break;
    case 'registerdevice':
      p.UUID = rng.chance(0.7) ? `00000000-0000-4000-8000-${String(rng.int(0, 63)).padStart(12, '0')}` : uuid(rng);
      if (rng.chance(0.5)) p.workplace = pos;
      break;
    case 'payitems': {
      // A sale from a fixed set of carts, its RequestID named after POS, method
      // and cart: a repeat is a duplicate, and the booked tickets stay bounded.
      const cart = rng.int(0, CARTS.length - 1);
      p.POSID = pos;
      p.PaymentMethod = rng.pick([1, 1, 2, 3]);
      p.Products = structuredClone(CARTS[cart]);
      if (rng.chance(0.85)) p.RequestID = `fz${seed}-p${pos}-m${String(p.PaymentMethod)}-c${cart}`;
      withPassword();
      break;
    }
    default:
  }
  for (const k of Object.keys(p)) if (p[k] === undefined) delete p[k];
  return p;
}

/** A valid request of a random command, sometimes with a nonce. */
export function baseRequest(rng: Prng, seed: number): Request {
  const command = rng.chance(0.25) ? 'payitems' : rng.pick(COMMANDS);
  const req: Request = { command, parameters: validParams(command, rng, seed) };
  if (rng.chance(0.5)) req.nonce = rng.chance(0.5) ? `n${rng.int(0, 1e6)}` : rng.int(0, 1e9);
  return req;
}

/** What the reference client sends: string IDs, posPassword null, whole product objects. */
export function referenceStyle(req: Request, rng: Prng): Request {
  const p = req.parameters as Params;
  for (const k of ['POSID', 'PaymentMethod', 'workplace', 'Limit']) if (typeof p[k] === 'number' && rng.chance(0.7)) p[k] = String(p[k]);
  if (!Object.hasOwn(p, 'posPassword')) p.posPassword = null;
  if (Array.isArray(p.Products)) {
    p.Products = (p.Products as Params[]).map((line) => ({ ID: String(line.ID), ProductName: 'Bier', Price: 0.01, Deposit: true, CrewBlocked: false, Amount: line.Amount }));
  }
  return req;
}

function mutateProducts(p: Params, rng: Prng): void {
  const lines = Array.isArray(p.Products) ? (p.Products as unknown[]) : [];
  switch (rng.int(0, 7)) {
    case 0:
      p.Products = weirdValue(rng);
      return;
    case 1:
      p.Products = [];
      return;
    case 2: // many lines, most with Amount 0, like the reference client
      p.Products = Array.from({ length: rng.int(10, 2000) }, () => ({ ID: rng.pick(PRODUCT_IDS), Amount: rng.chance(0.995) ? 0 : 1 }));
      return;
    case 3: // past the ticket limit
      p.Products = Array.from({ length: rng.int(1, 60) }, () => ({ ID: rng.pick([1, 2, 4]), Amount: rng.int(1, 60) }));
      return;
    default: {
      if (lines.length === 0) lines.push({ ID: 1, Amount: 1 });
      const i = rng.int(0, lines.length - 1);
      const line = lines[i];
      if (typeof line !== 'object' || line === null || Array.isArray(line) || rng.chance(0.15)) {
        lines[i] = weirdValue(rng);
      } else {
        const l = line as Params;
        const field = rng.pick(['ID', 'Amount', 'ID', 'Amount', 'Price', rng.pick(ODD_KEYS)]);
        if (rng.chance(0.2)) delete l[field];
        else l[field] = weirdValue(rng);
      }
      p.Products = lines;
    }
  }
}

/** Applies 1–3 mutations: wrong types, missing and extra fields, odd numbers and strings. */
export function mutate(req: Request, rng: Prng): unknown {
  const rounds = rng.int(1, 3);
  let out: unknown = req;
  for (let r = 0; r < rounds; r++) {
    if (typeof out !== 'object' || out === null || Array.isArray(out)) break;
    const q = out as Request;
    const p = typeof q.parameters === 'object' && q.parameters !== null && !Array.isArray(q.parameters) ? (q.parameters as Params) : undefined;
    const command = typeof q.command === 'string' ? q.command : '';
    const what = rng.weighted({ value: 40, drop: 12, extra: 10, products: command === 'payitems' ? 14 : 0, top: 8, nonce: 6, apiKey: 4, command: 6 });
    if (!p && ['value', 'drop', 'extra', 'products', 'apiKey'].includes(what)) {
      q.parameters = {};
      continue;
    }
    const params = p as Params;
    switch (what) {
      case 'value':
        params[rng.pick([...(Object.hasOwn(PARAM_NAMES, command) ? (PARAM_NAMES[command] as readonly string[]) : ['POSID']), ...Object.keys(params)])] = weirdValue(rng);
        break;
      case 'drop': {
        const keys = Object.keys(params);
        if (keys.length > 0) delete params[rng.pick(keys)];
        break;
      }
      case 'extra':
        params[rng.pick(ODD_KEYS)] = weirdValue(rng);
        break;
      case 'products':
        mutateProducts(params, rng);
        break;
      case 'apiKey':
        // Wrong keys of a plausible length cost the gateway a scrypt check each: keep them few.
        params.api_key = rng.chance(0.3) ? rng.pick(['DEMO-API-KEY', ' demo-api-key', 'demo-api-key\u0000', 'demo-api-ke']) : rng.pick([0, null, [], {}, 'x'.repeat(257), true, 1e300]);
        break;
      case 'top':
        switch (rng.int(0, 6)) {
          case 0:
            delete q.command;
            break;
          case 1:
            delete q.parameters;
            break;
          case 2:
            q.parameters = weirdValue(rng);
            break;
          case 3:
            q.command = weirdValue(rng);
            break;
          case 4:
            q[rng.pick(ODD_KEYS)] = weirdValue(rng);
            break;
          case 5:
            return [q];
          default:
            return weirdValue(rng);
        }
        break;
      case 'nonce':
        q.nonce = rng.pick(['', 'x'.repeat(64), 'x'.repeat(65), -1, 1.5, 2 ** 53, 1e300, {}, [], null, true, '\ud800', 0, -0, Number.MAX_SAFE_INTEGER]);
        break;
      default:
        q.command = rng.pick(['GETCONFIG', 'getConfig', 'payitem', 'listproduct', '', ' getconfig', 'getconfig\u0000', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'x'.repeat(65), rng.pick(COMMANDS), rng.pick(ODD_STRINGS)]);
    }
  }
  return out;
}

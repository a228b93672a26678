import { isUtf8 } from 'node:buffer';
import JSON5 from 'json5';
import { DEMO_API_KEY, DEMO_BAR_PASSWORD, DEMO_FILE } from '../../src/instances/demo.js';

/**
 * The fuzzer's oracle: from the exact bytes of a frame it predicts what the
 * gateway may answer, following PROTOCOL.md §1–§4 for the demo instance. It is
 * written from the contract, not from the gateway's code, so a frame the two
 * disagree on is a finding. It parses frames itself (JSON first, then JSON5,
 * as §1 says): the parsers are libraries, the checks after them are under test.
 */

/** Stands for `invalid_json` or `invalid_json5`: which one depends on the connection. */
export const PARSE_ERROR = 'invalid_json';

/** Answers to the untouched read-only requests, taken before the run: `getconfig`, `listproducts:1`, … */
export type Baseline = ReadonlyMap<string, unknown>;

/** Looks at an event's parameters; returns what is wrong, or undefined. */
export type EventCheck = (event: string, parameters: any, baseline: Baseline) => string | undefined;

export interface AnswerExpectation {
  type: 'answer';
  /** Event names and error names the answer may carry. */
  allowed: ReadonlySet<string>;
  /** The nonce the answer must carry (undefined: none). */
  nonce: string | number | undefined;
  /** `result.command` of an error answer (undefined: must be absent). */
  command: string | undefined;
  /** For missing_parameter / invalid_parameter: the parameter must be one of these. */
  parameters: ReadonlySet<string> | undefined;
  check?: EventCheck | undefined;
}

export type Expectation = AnswerExpectation | { type: 'close'; code: number };

type Params = Record<string, unknown>;

const demo = DEMO_FILE.instances[0] as (typeof DEMO_FILE.instances)[0];
const PRODUCTS = new Map(demo.products.map((p) => [p.ID, p]));
const METHODS = new Map(demo.payment_methods.map((m) => [m.ID, m]));
const POS = new Map(demo.pos.map((p) => [p.ID, p]));
const DEPOSIT = PRODUCTS.get(demo.deposit_product) as (typeof demo.products)[0];
const TICKET_LIMIT = Number(demo.config.ticket_limit);
const cents = (units: number): number => Math.round(units * 100);

/** The commands of PROTOCOL.md §4 and their event names. */
export const EVENTS: Readonly<Record<string, string>> = Object.freeze({
  getconfig: 'getconfig',
  getdeposit: 'getdeposit',
  getlicense: 'getlicense',
  listpos: 'listpos',
  verifyauth: 'verifyauth',
  listpm: 'listpm',
  listproducts: 'listproducts',
  payitems: 'payitem',
  registerdevice: 'registerdevice',
  version: 'version',
  getstatus: 'getstatus',
  listtransactions: 'listtransactions',
});

const has = (p: Params, name: string): boolean => Object.hasOwn(p, name) && p[name] !== null && p[name] !== undefined;
const isObject = (v: unknown): v is Params => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validation problems found so far; `maybe` holds ones the contract leaves open. */
class Issues {
  readonly definite: { error: string; parameter: string }[] = [];
  readonly maybe: { error: string; parameter: string }[] = [];

  missing(parameter: string): void {
    this.definite.push({ error: 'missing_parameter', parameter });
  }

  invalid(parameter: string): void {
    this.definite.push({ error: 'invalid_parameter', parameter });
  }

  /** §2: an integer, or a string of decimal digits, within [min, max]. */
  count(value: unknown, parameter: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    let n: number | undefined;
    if (typeof value === 'number' && Number.isSafeInteger(value)) n = value;
    else if (typeof value === 'string' && /^[0-9]+$/.test(value) && Number.isSafeInteger(Number(value))) n = Number(value);
    if (n === undefined || n < min || n > max) {
      this.invalid(parameter);
      return undefined;
    }
    // A digit string this long is no sensible ID; the contract does not say whether it is accepted.
    if (typeof value === 'string' && value.length > 15) this.maybe.push({ error: 'invalid_parameter', parameter });
    return n;
  }

  requireId(p: Params, name: string): number | undefined {
    if (!has(p, name)) {
      this.missing(name);
      return undefined;
    }
    return this.count(p[name], name, 1);
  }

  optionalId(p: Params, name: string): number | undefined {
    return has(p, name) ? this.count(p[name], name, 1) : undefined;
  }
}

function posPasswordOf(p: Params): string | undefined {
  if (!has(p, 'posPassword')) return undefined;
  const v = p.posPassword;
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
}

interface Outcome {
  allowed: string[];
  check?: EventCheck;
}

const equalsBaseline =
  (key: string): EventCheck =>
  (_event, parameters, baseline) =>
    JSON.stringify(parameters) === JSON.stringify(baseline.get(key)) ? undefined : `${key} answer differs from the answer before the run`;

/** Steps 9–10 for a POS: not_found, invalid_password; `maybe` when the right password may meet a lockout. */
function posAccess(posId: number, password: string | undefined): { definite?: string; maybe?: string } {
  const pos = POS.get(posId);
  if (!pos) return { definite: 'not_found' };
  if (pos.password === null) return {};
  if (password === DEMO_BAR_PASSWORD) return { maybe: 'invalid_password' };
  return { definite: 'invalid_password' };
}

function readPos(command: 'listpm' | 'listproducts', p: Params, issues: Issues): () => Outcome {
  const posId = issues.requireId(p, 'POSID');
  const password = posPasswordOf(p);
  return () => {
    const access = posAccess(posId as number, password);
    if (access.definite) return { allowed: [access.definite] };
    return { allowed: [command, ...(access.maybe ? [access.maybe] : [])], check: equalsBaseline(`${command}:${posId}`) };
  };
}

function listtransactions(p: Params, issues: Issues): () => Outcome {
  const posId = issues.requireId(p, 'POSID');
  const password = posPasswordOf(p);
  const limit = has(p, 'Limit') ? issues.count(p.Limit, 'Limit', 1) : undefined;
  const before = issues.optionalId(p, 'Before');
  return () => {
    const access = posAccess(posId as number, password);
    if (access.definite) return { allowed: [access.definite] };
    const check: EventCheck = (_e, r) => {
      const rows = r.Transactions as any[];
      if (r.POSID !== posId || !Array.isArray(rows) || r.Count !== rows.length) return 'POSID, Count or Transactions wrong';
      if (limit !== undefined && rows.length > limit) return `more rows than Limit ${limit}`;
      for (let i = 0; i < rows.length; i++) {
        if (rows[i].PointOfSaleID !== posId) return 'a row of another POS';
        if (i > 0 && !(rows[i].ID < rows[i - 1].ID)) return 'rows not newest first';
        if (before !== undefined && !(rows[i].ID < before)) return `a row not before ${before}`;
      }
      return undefined;
    };
    return { allowed: ['listtransactions', ...(access.maybe ? [access.maybe] : [])], check };
  };
}

function verifyauth(p: Params, issues: Issues): () => Outcome {
  const workplace = issues.requireId(p, 'workplace');
  const pw = p.password;
  if (pw === undefined || pw === null) issues.missing('password');
  else if ((typeof pw !== 'string' && typeof pw !== 'number') || String(pw).length > 256) issues.invalid('password');
  return () => {
    const pos = POS.get(workplace as number);
    if (!pos) return { allowed: ['not_found'] };
    const right = pos.password === null || String(pw) === pos.password;
    const check: EventCheck = (_e, r) => {
      if (r.workplace !== workplace || r.success !== right) return `verifyauth success should be ${right}`;
      const tokenOk = right && pos.password !== null ? typeof r.password === 'string' && r.password.length > 0 : r.password === null;
      return tokenOk ? undefined : 'verifyauth password (token) wrong';
    };
    return { allowed: pos.password === null ? ['verifyauth'] : ['verifyauth', 'invalid_password'], check };
  };
}

function registerdevice(p: Params, issues: Issues): () => Outcome {
  const uuid = p.UUID;
  if (!has(p, 'UUID')) issues.missing('UUID');
  else if (typeof uuid !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(uuid)) issues.invalid('UUID');
  const workplace = issues.optionalId(p, 'workplace');
  return () => {
    if (workplace !== undefined && !POS.has(workplace)) return { allowed: ['not_found'] };
    const check: EventCheck = (_e, r) =>
      r.UUID === String(uuid).toLowerCase() && typeof r.New === 'boolean' && typeof r.LastPing === 'string' ? undefined : 'registerdevice answer wrong';
    return { allowed: ['registerdevice'], check };
  };
}

function payitems(p: Params, issues: Issues): () => Outcome {
  const requestId = p.RequestID;
  if (has(p, 'RequestID') && (typeof requestId !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(requestId))) issues.invalid('RequestID');
  const posId = issues.requireId(p, 'POSID');
  const paymentId = issues.requireId(p, 'PaymentMethod');
  const lines: { ID: number; Amount: number }[] = [];
  const products = p.Products;
  if (products === undefined || products === null) issues.missing('Products');
  else if (!Array.isArray(products)) issues.invalid('Products');
  else {
    products.forEach((item: unknown, i) => {
      const where = `Products[${i}]`;
      if (!isObject(item)) return issues.invalid(where);
      if (!has(item, 'ID')) return issues.missing(`${where}.ID`);
      if (!has(item, 'Amount')) return issues.missing(`${where}.Amount`);
      const ID = issues.count(item.ID, `${where}.ID`, 1);
      const Amount = issues.count(item.Amount, `${where}.Amount`, 0, 10_000);
      if (ID !== undefined && Amount !== undefined) lines.push({ ID, Amount });
    });
  }
  const password = posPasswordOf(p);
  return () => {
    const access = posAccess(posId as number, password);
    if (access.definite) return { allowed: [access.definite] };
    const allowed = new Set<string>(access.maybe ? [access.maybe] : []);
    if (has(p, 'RequestID')) allowed.add('idempotency_conflict');
    const pos = POS.get(posId as number) as (typeof demo.pos)[0];
    const method = METHODS.get(paymentId as number);
    const broken: string[] = [];
    if (!method || !pos.payment_methods.includes(method.ID)) broken.push('not_found');
    const amounts = new Map<number, number>();
    for (const l of lines) if (l.Amount > 0) amounts.set(l.ID, (amounts.get(l.ID) ?? 0) + l.Amount);
    if (amounts.size === 0) broken.push('no_items');
    let items = 0;
    let total = 0;
    let rows = 0;
    for (const [id, amount] of amounts) {
      const product = PRODUCTS.get(id);
      if (!product || !pos.products.includes(id)) {
        broken.push('not_found');
        continue;
      }
      if (product.CrewBlocked && method?.crew) broken.push('crew_blocked');
      items += amount;
      total += cents(product.Price) * amount;
      rows += 1;
      if (product.Deposit) {
        total += cents(DEPOSIT.Price) * amount;
        rows += 1;
      }
    }
    if (items > TICKET_LIMIT) broken.push('ticket_limit');
    for (const b of broken) allowed.add(b);
    if (broken.length > 0) return { allowed: [...allowed] };
    allowed.add('payitem');
    const check: EventCheck = (_e, r) => {
      if (r.POSID !== posId || r.PaymentMethod !== paymentId) return 'payitem POSID or PaymentMethod wrong';
      if (r.Items !== items || cents(r.Total) !== total) return `payitem Items/Total ${r.Items}/${r.Total}, expected ${items}/${total / 100}`;
      if (!Array.isArray(r.Transactions) || r.Transactions.length !== rows) return `payitem has ${r.Transactions?.length} rows, expected ${rows}`;
      if (r.Duplicate !== false && !(r.Duplicate === true && has(p, 'RequestID'))) return 'payitem Duplicate wrong';
      return undefined;
    };
    return { allowed: [...allowed], check };
  };
}

/** Step 8 (parameters) for a known command; returns steps 9–10 as a function. */
function commandModel(command: string, p: Params, issues: Issues): () => Outcome {
  switch (command) {
    case 'listpm':
    case 'listproducts':
      return readPos(command, p, issues);
    case 'listtransactions':
      return listtransactions(p, issues);
    case 'verifyauth':
      return verifyauth(p, issues);
    case 'registerdevice':
      return registerdevice(p, issues);
    case 'payitems':
      return payitems(p, issues);
    case 'getstatus':
      return () => ({
        allowed: ['getstatus'],
        check: (_e, r) => (['success', 'warning', 'danger'].includes(r.status) && typeof r.message === 'string' ? undefined : 'getstatus answer wrong'),
      });
    default:
      return () => ({ allowed: [EVENTS[command] as string], check: equalsBaseline(command) });
  }
}

function answer(allowed: string[], extra: Partial<AnswerExpectation> = {}): AnswerExpectation {
  return { type: 'answer', allowed: new Set(allowed), nonce: undefined, command: undefined, parameters: undefined, ...extra };
}

function parse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    // not JSON: JSON5 next
  }
  // json5 warns on the console about raw U+2028/U+2029 in strings; the fuzzer sends many.
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    return { ok: true, value: JSON5.parse(text) };
  } catch {
    return { ok: false };
  } finally {
    console.warn = warn;
  }
}

/** What the gateway may answer to this frame, per PROTOCOL.md. */
export function expectationOf(bytes: Buffer, binary: boolean, maxPayload: number): Expectation {
  if (bytes.length > maxPayload) return { type: 'close', code: 1009 };
  if (binary) return answer(['invalid_request']);
  if (!isUtf8(bytes)) return { type: 'close', code: 1007 };
  const parsed = parse(bytes.toString('utf8'));
  if (!parsed.ok) return answer([PARSE_ERROR]);
  const req = parsed.value;
  if (!isObject(req)) return answer(['invalid_request']);
  const n = Object.hasOwn(req, 'nonce') ? req.nonce : undefined;
  const nonce = (typeof n === 'string' && n.length <= 64) || (typeof n === 'number' && Number.isSafeInteger(n)) ? n : undefined;
  const name = Object.hasOwn(req, 'command') ? req.command : undefined;
  const p = Object.hasOwn(req, 'parameters') ? req.parameters : undefined;
  if (typeof name !== 'string' || !isObject(p)) return answer(['invalid_request'], { nonce });
  const base = { nonce, command: name.length <= 64 ? name : undefined };
  if (!has(p, 'api_key')) return answer(['missing_parameter_api'], base);
  if (p.api_key !== DEMO_API_KEY) return answer(['api_key_mismatch'], base);
  if (!Object.hasOwn(EVENTS, name)) return answer(['unknown_command'], base);
  const issues = new Issues();
  const rules = commandModel(name, p, issues);
  if (issues.definite.length > 0) {
    return answer([...new Set(issues.definite.map((i) => i.error))], { ...base, parameters: new Set(issues.definite.map((i) => i.parameter)) });
  }
  const outcome = rules();
  const allowed = [...outcome.allowed, ...issues.maybe.map((i) => i.error)];
  const parameters = issues.maybe.length > 0 ? new Set(issues.maybe.map((i) => i.parameter)) : undefined;
  return answer(allowed, { ...base, parameters, check: outcome.check });
}

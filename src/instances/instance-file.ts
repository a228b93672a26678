import { readFile } from 'node:fs/promises';
import JSON5 from 'json5';
import { hashSecret } from '../auth/secrets.js';
import { unitsToCents } from '../domain/money.js';
import type { License, PaymentMethod, Product } from '../store/types.js';
import type { InstanceImport, PosImport } from './instance-spec.js';

/** A bad instance file; the message names the file, the instance and the field. */
export class InstanceFileError extends Error {
  /** The offending field's name, when one field is at fault. */
  readonly field: string | undefined;

  constructor(message: string, field?: string) {
    super(message);
    this.name = 'InstanceFileError';
    this.field = field;
  }
}

type Obj = Record<string, unknown>;

export const SLUG = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const MAX_ID = 2_147_483_647;

/** Reads and validates an instance file (JSON or JSON5); secrets come back hashed. */
export async function readInstanceFile(path: string): Promise<InstanceImport[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new InstanceFileError(`${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let data: unknown;
  try {
    data = JSON5.parse(text);
  } catch (e) {
    throw new InstanceFileError(`${path}: not valid JSON or JSON5: ${(e as Error).message}`);
  }
  return parseInstances(data, path);
}

/** Validates parsed instance-file content; `source` names it in messages. */
export async function parseInstances(data: unknown, source: string): Promise<InstanceImport[]> {
  const root = new Reader(source, '');
  if (!isObj(data) || !Array.isArray(data.instances)) throw root.fail('instances', 'must be an array of instances');
  const slugs = new Set<string>();
  const out: InstanceImport[] = [];
  for (const [i, raw] of data.instances.entries()) {
    const where = new Reader(source, `instances[${i}]`);
    if (!isObj(raw)) throw where.fail('', 'must be an object');
    const slug = where.string(raw, 'slug');
    if (!SLUG.test(slug)) throw where.fail('slug', `${JSON.stringify(slug.slice(0, 80))} must be 1-63 characters of a-z, 0-9, "-" and "_", starting with a letter or digit`);
    if (slugs.has(slug)) throw where.fail('slug', `"${slug}" appears twice in the file`);
    slugs.add(slug);
    out.push(await parseInstance(raw, new Reader(source, `instance "${slug}"`), slug));
  }
  return out;
}

async function parseInstance(raw: Obj, r: Reader, slug: string): Promise<InstanceImport> {
  const products = r.list(raw, 'products').map((p, i) => parseProduct(p, r.at(`products[${i}]`)));
  const paymentMethods = r.list(raw, 'payment_methods').map((m, i) => parseMethod(m, r.at(`payment_methods[${i}]`)));
  r.unique(products.map((p) => p.ID), 'products');
  r.unique(paymentMethods.map((m) => m.ID), 'payment_methods');
  const productIds = new Set(products.map((p) => p.ID));
  const methodIds = new Set(paymentMethods.map((m) => m.ID));
  const pos: PosImport[] = [];
  for (const [i, p] of r.list(raw, 'pos').entries()) pos.push(await parsePos(p, r.at(`pos[${i}]`), productIds, methodIds));
  r.unique(pos.map((p) => p.ID), 'pos');

  const config = parseConfig(raw.config ?? {}, r, productIds);
  if (raw.deposit_product !== undefined && raw.deposit_product !== null) {
    const deposit = r.id(raw, 'deposit_product');
    if (!productIds.has(deposit)) throw r.fail('deposit_product', `product ${deposit} is not in products`);
    config.deposit_product = String(deposit);
  }
  const license = raw.license === undefined || raw.license === null ? undefined : parseLicense(raw.license, r.at('license'));
  return {
    slug,
    name: raw.name === undefined ? slug : r.string(raw, 'name'),
    apiKeyHash: await r.secret(raw, 'api_key'),
    adminKeyHash: await r.secret(raw, 'admin_key'),
    config,
    license,
    products,
    paymentMethods,
    pos,
  };
}

function parseConfig(rawConfig: unknown, r: Reader, productIds: ReadonlySet<number>): Record<string, string> {
  if (!isObj(rawConfig)) throw r.fail('config', 'must be an object of key/value pairs');
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(rawConfig)) {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(key)) throw r.fail(`config.${key.slice(0, 64)}`, 'a key is 1-64 characters of A-Z, a-z, 0-9, "_", "." and "-"');
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') config[key] = String(value);
    else throw r.fail(`config.${key}`, 'must be a string, number or boolean');
  }
  if (config.deposit_product !== undefined && !productIds.has(Number(config.deposit_product))) {
    throw r.fail('config.deposit_product', `product ${config.deposit_product} is not in products`);
  }
  if (config.ticket_limit !== undefined && !/^[0-9]{1,9}$/.test(config.ticket_limit)) {
    throw r.fail('config.ticket_limit', 'must be a whole number (0 = no limit)');
  }
  return config;
}

// The same field rules serve the admin API, whose bodies use the file's field names.

/** Validates one product given as JSON (`source` names it in messages). */
export function productFromJson(raw: unknown, source: string): Product {
  return parseProduct(raw, new Reader(source, ''));
}

/** Validates one payment method given as JSON. */
export function paymentMethodFromJson(raw: unknown, source: string): PaymentMethod {
  return parseMethod(raw, new Reader(source, ''));
}

/** Validates one point of sale given as JSON; its assignments must name known products and methods. */
export function posFromJson(raw: unknown, source: string, products: ReadonlySet<number>, methods: ReadonlySet<number>): Promise<PosImport> {
  return parsePos(raw, new Reader(source, ''), products, methods);
}

/** Validates a whole key/value config given as JSON. */
export function configFromJson(raw: unknown, source: string, products: ReadonlySet<number>): Record<string, string> {
  return parseConfig(raw, new Reader(source, ''), products);
}

function parseProduct(raw: unknown, r: Reader): Product {
  if (!isObj(raw)) throw r.fail('', 'must be an object');
  return { ID: r.id(raw, 'ID'), ProductName: r.string(raw, 'ProductName'), priceCents: r.price(raw, 'Price'), Deposit: r.bool(raw, 'Deposit', false), CrewBlocked: r.bool(raw, 'CrewBlocked', false) };
}

function parseMethod(raw: unknown, r: Reader): PaymentMethod {
  if (!isObj(raw)) throw r.fail('', 'must be an object');
  return { ID: r.id(raw, 'ID'), Payment: r.string(raw, 'Payment'), color: raw.color === undefined ? 'btn-primary' : r.string(raw, 'color'), crew: r.bool(raw, 'crew', false) };
}

async function parsePos(raw: unknown, r: Reader, products: ReadonlySet<number>, methods: ReadonlySet<number>): Promise<PosImport> {
  if (!isObj(raw)) throw r.fail('', 'must be an object');
  const ids = (field: string, known: ReadonlySet<number>, what: string): number[] => {
    const list = r.list(raw, field).map((v, i) => r.id({ v }, 'v', `${field}[${i}]`));
    for (const id of list) if (!known.has(id)) throw r.fail(field, `${what} ${id} does not exist`);
    return [...new Set(list)];
  };
  return {
    ID: r.id(raw, 'ID'),
    PointOfSale: r.string(raw, 'PointOfSale'),
    enabled: r.bool(raw, 'enabled', true),
    special: r.bool(raw, 'special', false),
    admin: r.bool(raw, 'admin', false),
    passwordHash: await r.secret(raw, 'password'),
    products: ids('products', products, 'product'),
    paymentMethods: ids('payment_methods', methods, 'payment method'),
  };
}

function parseLicense(raw: unknown, r: Reader): License {
  if (!isObj(raw)) throw r.fail('', 'must be an object');
  const limit = (field: string): number => (raw[field] === undefined ? 0 : r.count(raw, field));
  const created = r.date(raw, 'Created');
  const expires = raw.Expires === null || raw.Expires === undefined ? null : r.date(raw, 'Expires');
  return {
    LicenseKey: r.string(raw, 'LicenseKey'),
    Name: r.string(raw, 'Name'),
    Type: raw.Type === undefined ? 'standard' : r.string(raw, 'Type'),
    enabled: r.bool(raw, 'Active', true),
    DeviceLimit: limit('DeviceLimit'),
    TicketLimit: limit('TicketLimit'),
    ProductLimit: limit('ProductLimit'),
    PaymentLimit: limit('PaymentLimit'),
    POSLimit: limit('POSLimit'),
    Created: created,
    Expires: expires,
  };
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads typed fields and phrases failures as `FILE: WHERE: FIELD: problem`. */
class Reader {
  constructor(
    readonly source: string,
    readonly where: string,
  ) {}

  at(path: string): Reader {
    return new Reader(this.source, this.where ? `${this.where}: ${path}` : path);
  }

  fail(field: string, problem: string): InstanceFileError {
    const place = [this.where, field].filter(Boolean).join(this.where && field ? '.' : '');
    return new InstanceFileError(`${this.source}: ${place}: ${problem}`, field || undefined);
  }

  string(o: Obj, field: string): string {
    const v = o[field];
    if (typeof v !== 'string' || v.trim() === '' || v.length > 200) throw this.fail(field, 'must be a non-empty string of at most 200 characters');
    return v;
  }

  bool(o: Obj, field: string, fallback: boolean): boolean {
    const v = o[field];
    if (v === undefined) return fallback;
    if (typeof v === 'boolean') return v;
    if (v === 0 || v === 1) return v === 1;
    throw this.fail(field, 'must be true or false');
  }

  id(o: Obj, field: string, label = field): number {
    const v = o[field];
    if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > MAX_ID) throw this.fail(label, 'must be a positive whole number');
    return v as number;
  }

  count(o: Obj, field: string): number {
    const v = typeof o[field] === 'string' && /^[0-9]{1,9}$/.test(o[field] as string) ? Number(o[field]) : o[field];
    if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > MAX_ID) throw this.fail(field, 'must be a whole number of at least 0');
    return v as number;
  }

  price(o: Obj, field: string): number {
    const cents = unitsToCents(o[field]);
    if (cents === undefined || typeof o[field] !== 'number') throw this.fail(field, 'must be a number with at most 2 decimals (currency units, e.g. 4.5)');
    return cents;
  }

  date(o: Obj, field: string): string {
    const v = o[field];
    const t = typeof v === 'string' ? Date.parse(v) : NaN;
    if (Number.isNaN(t)) throw this.fail(field, 'must be an ISO-8601 date');
    return new Date(t).toISOString();
  }

  list(o: Obj, field: string): unknown[] {
    const v = o[field] ?? [];
    if (!Array.isArray(v)) throw this.fail(field, 'must be an array');
    return v;
  }

  unique(ids: number[], field: string): void {
    const seen = new Set<number>();
    for (const id of ids) {
      if (seen.has(id)) throw this.fail(field, `ID ${id} appears twice`);
      seen.add(id);
    }
  }

  /** A key or password: a string to hash, null to clear, absent to keep. */
  async secret(o: Obj, field: string): Promise<string | null | undefined> {
    const v = o[field];
    if (v === undefined) return undefined;
    if (v === null) return null;
    if (typeof v !== 'string' || v.length < 1 || v.length > 256) throw this.fail(field, 'must be a string of 1-256 characters, or null');
    return hashSecret(v);
  }
}

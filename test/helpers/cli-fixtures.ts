/**
 * Helpers for the CLI and domain tests: instance files, a CLI runner with a
 * kill timeout, an independent SHA-512 (coreutils sha512sum) and direct access
 * to the SQLite file of a data folder.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CLI } from './server.js';
import { Terminal, type Envelope } from './terminal.js';

export type Json = Record<string, any>;

/** A complete, valid instance in the shape of PROTOCOL.md §7. */
export function instanceSpec(slug: string, overrides: Json = {}): Json {
  return {
    slug,
    name: `Festival ${slug}`,
    api_key: `${slug}-key`,
    config: { ticket_limit: '20', license_key: `${slug.toUpperCase()}-0001` },
    license: {
      LicenseKey: `${slug.toUpperCase()}-0001`,
      Name: `${slug} GmbH`,
      Type: 'festival',
      Active: true,
      DeviceLimit: 0,
      TicketLimit: 0,
      ProductLimit: 0,
      PaymentLimit: 0,
      POSLimit: 0,
      Created: '2020-01-01T00:00:00.000Z',
      Expires: null,
    },
    deposit_product: 99,
    products: [
      { ID: 1, ProductName: 'Bier 0,5 l', Price: 4.5, Deposit: true, CrewBlocked: false },
      { ID: 2, ProductName: 'Cola', Price: 3.2, Deposit: false, CrewBlocked: false },
      { ID: 99, ProductName: 'Pfand', Price: 2, Deposit: false, CrewBlocked: false },
      { ID: 15, ProductName: 'Pfand zurück', Price: -2, Deposit: false, CrewBlocked: false },
    ],
    payment_methods: [
      { ID: 1, Payment: 'Bar', color: 'btn-success', crew: false },
      { ID: 3, Payment: 'Crew', color: 'btn-warning', crew: true },
    ],
    pos: [
      { ID: 1, PointOfSale: 'Bar Nord', enabled: true, special: false, admin: false, password: null, products: [1, 2, 15], payment_methods: [1, 3] },
    ],
    ...overrides,
  };
}

/** Writes `{instances: [...]}` as JSON into `dir/name` and returns its path. */
export function writeInstanceFile(dir: string, name: string, instances: Json[]): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ instances }, null, 2));
  return path;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI to completion; kills it after `timeoutMs` (then `signal` is
 * set and the test sees a failure instead of hanging).
 */
export async function cli(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
  clearTimeout(timer);
  return { code, signal, stdout, stderr };
}

/** SHA-512 hex of the UTF-8 bytes of `text`, computed by coreutils sha512sum (not by node:crypto). */
export async function sha512sum(text: string): Promise<string> {
  const child = spawn('sha512sum', [], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => resolve(c));
    child.stdin.end(Buffer.from(text, 'utf8'));
  });
  if (code !== 0) throw new Error(`sha512sum exited with ${code}`);
  const hex = out.split(/\s/)[0] ?? '';
  if (!/^[0-9a-f]{128}$/.test(hex)) throw new Error(`unexpected sha512sum output: ${out}`);
  return hex;
}

/** The SQLite file of a data folder, opened directly (as an attacker with file access would). */
export function openDataFile(data: string): Database.Database {
  const db = new Database(join(data, 'concertpos.db'));
  db.pragma('busy_timeout = 5000');
  return db;
}

/** A terminal of `slug` on a running gateway. */
export function connect(url: string, slug: string): Promise<Terminal> {
  return Terminal.connect(url, `/?instance=${slug}&Content-Type=json`);
}

/** The next broadcast frame (optionally matching), or a timeout error. */
export function nextBroadcast(t: Terminal, match: (f: Envelope) => boolean = () => true, timeoutMs = 5000): Promise<Envelope> {
  return t.next((f) => f.type === 'broadcast' && match(f), timeoutMs);
}

/** Every broadcast frame received so far. */
export function broadcasts(t: Terminal): Envelope[] {
  return t.frames.filter((f) => f.type === 'broadcast');
}

/** Sells on a terminal and returns the payitem parameters; fails the test on an error answer. */
export async function sell(t: Terminal, key: string, products: { ID: number; Amount: number }[], pos = 1, method = 1): Promise<Json> {
  const answer = await t.request('payitems', { api_key: key, POSID: pos, PaymentMethod: method, Products: products });
  if (answer.type !== 'event' || answer.result.event !== 'payitem') throw new Error(`sale failed: ${JSON.stringify(answer)}`);
  return answer.result.parameters as Json;
}

/** Every ledger row of a POS, oldest first. */
export async function ledgerOf(t: Terminal, key: string, pos = 1): Promise<Json[]> {
  const answer = await t.request('listtransactions', { api_key: key, POSID: pos });
  if (answer.type !== 'event') throw new Error(`listtransactions failed: ${JSON.stringify(answer)}`);
  return [...(answer.result.parameters?.Transactions as Json[])].reverse();
}

/** The hashed text of PROTOCOL.md §4, built from a row as terminals read it (AmountMoney in units). */
export function chainText(prev: string, slug: string, row: Json): string {
  const cents = Math.round(Number(row.AmountMoney) * 100);
  return [prev, row.ID, slug, row.PointOfSaleID, row.Payment_ID, row.Product_ID, row.AmountProduct, cents, row.timestamp, row.TicketID, row.Note ?? ''].join('|');
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * What terminals of an instance see (listpos, and per POS listproducts and
 * listpm, getconfig, getdeposit), read over a fresh connection; null when the
 * gateway does not know the slug (invalid_instance).
 */
export async function snapshot(url: string, slug: string, key: string): Promise<Json | null> {
  const t = await connect(url, slug);
  try {
    const first = await t.request('listpos', { api_key: key });
    if (first.type === 'error' && first.result.error === 'invalid_instance') return null;
    if (first.type !== 'event') throw new Error(`listpos failed: ${JSON.stringify(first)}`);
    const out: Json = { pos: first.result.parameters?.POS };
    for (const pos of out.pos as Json[]) {
      out[`products@${pos.ID}`] = (await t.request('listproducts', { api_key: key, POSID: pos.ID })).result;
      out[`pm@${pos.ID}`] = (await t.request('listpm', { api_key: key, POSID: pos.ID })).result;
    }
    out.config = (await t.request('getconfig', { api_key: key })).result;
    out.deposit = (await t.request('getdeposit', { api_key: key })).result;
    return out;
  } finally {
    t.close();
  }
}

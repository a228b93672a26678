import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_FILE } from '../../src/instances/demo.js';
import { startServer, tempDir, type RunningServer } from './server.js';
import { Terminal, type Envelope } from './terminal.js';

/**
 * Instance files and small helpers shared by the protocol tests
 * (test/protocol/). Every tenant here is written to a temp instance file and
 * imported by the real server process with `--import`.
 */

export const KEYS = {
  demo: 'demo-api-key',
  alpha: 'alpha-terminal-key-7f3a',
  beta: 'beta-terminal-key-91c2',
  gamma: 'gamma-terminal-key-0001',
  delta: 'delta-terminal-key-0002',
  nodeposit: 'nodeposit-key',
  inactive: 'inactive-key',
  expired: 'expired-key',
  future: 'future-key',
  limited: 'limited-key',
  nolicense: 'nolicense-key',
} as const;

export const ALPHA_PASSWORD = 'alpha-bar-secret';
export const ALPHA_LOCK_PASSWORD = 'alpha-lock-secret';
export const BETA_PASSWORD = 'beta-bar-secret';
export const ALPHA_ADMIN_KEY = 'alpha-admin-key-secret';

const activeLicense = (key: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  LicenseKey: key,
  Name: `${key} holder`,
  Type: 'festival',
  Active: true,
  DeviceLimit: 0,
  TicketLimit: 0,
  ProductLimit: 0,
  PaymentLimit: 0,
  POSLimit: 0,
  Created: '2020-01-01T00:00:00.000Z',
  Expires: null,
  ...extra,
});

/** The main test tenant: every kind of product, a crew method, protected bars. */
export function alphaInstance(): Record<string, unknown> {
  return {
    slug: 'alpha',
    name: 'Alpha Open Air',
    api_key: KEYS.alpha,
    admin_key: ALPHA_ADMIN_KEY,
    config: { ticket_limit: '10', license_key: 'ALPHA-1', currency: 'EUR', tables: 12, happy_hour: true, motto: 'Laut & bunt' },
    license: activeLicense('ALPHA-1'),
    deposit_product: 99,
    products: [
      { ID: 1, ProductName: 'Bier 0,5 l', Price: 4.5, Deposit: true, CrewBlocked: false },
      { ID: 2, ProductName: 'Wasser', Price: 2, Deposit: false, CrewBlocked: true },
      { ID: 3, ProductName: 'Cocktail', Price: 8.9, Deposit: false, CrewBlocked: false },
      { ID: 4, ProductName: 'Brezel', Price: 0.1, Deposit: false, CrewBlocked: false },
      { ID: 5, ProductName: 'Pfand zurück', Price: -2.5, Deposit: false, CrewBlocked: false },
      { ID: 6, ProductName: 'Nur Bar Süd', Price: 1, Deposit: false, CrewBlocked: false },
      { ID: 7, ProductName: 'Kaugummi', Price: 0.07, Deposit: false, CrewBlocked: false },
      { ID: 99, ProductName: 'Pfand', Price: 2.5, Deposit: false, CrewBlocked: false },
    ],
    payment_methods: [
      { ID: 1, Payment: 'Bar', color: 'btn-success', crew: false },
      { ID: 2, Payment: 'Karte', color: 'btn-primary', crew: false },
      { ID: 3, Payment: 'Crew', color: 'btn-warning', crew: true },
      { ID: 4, Payment: 'Gutschein', color: 'btn-info', crew: false },
    ],
    pos: [
      { ID: 1, PointOfSale: 'Bar Nord', enabled: true, special: false, admin: false, password: null, products: [1, 2, 3, 4, 5, 7], payment_methods: [1, 2, 3] },
      { ID: 2, PointOfSale: 'Bar Süd', enabled: true, special: false, admin: false, password: null, products: [1, 6], payment_methods: [1, 4] },
      { ID: 3, PointOfSale: 'Backstage', enabled: true, special: true, admin: false, password: ALPHA_PASSWORD, products: [1, 2], payment_methods: [1, 3] },
      { ID: 4, PointOfSale: 'Kasse Büro', enabled: false, special: true, admin: true, password: null, products: [], payment_methods: [] },
      { ID: 5, PointOfSale: 'VIP', enabled: true, special: true, admin: false, password: ALPHA_PASSWORD, products: [1], payment_methods: [1] },
      { ID: 6, PointOfSale: 'Lock Bar', enabled: true, special: false, admin: false, password: ALPHA_LOCK_PASSWORD, products: [1], payment_methods: [1] },
      { ID: 7, PointOfSale: 'Null Bar', enabled: true, special: false, admin: false, password: ALPHA_LOCK_PASSWORD, products: [1], payment_methods: [1] },
      { ID: 8, PointOfSale: 'Mix Bar', enabled: true, special: false, admin: false, password: ALPHA_LOCK_PASSWORD, products: [1], payment_methods: [1] },
    ],
  };
}

/** A second tenant with overlapping IDs but different names, prices and secrets. */
export function betaInstance(): Record<string, unknown> {
  return {
    slug: 'beta',
    name: 'Beta Jazz Nights',
    api_key: KEYS.beta,
    config: { license_key: 'BETA-1', currency: 'CHF' },
    license: activeLicense('BETA-1'),
    deposit_product: 50,
    products: [
      { ID: 1, ProductName: 'Weisswein', Price: 7.25, Deposit: true, CrewBlocked: false },
      { ID: 2, ProductName: 'Espresso', Price: 3, Deposit: false, CrewBlocked: false },
      { ID: 50, ProductName: 'Glaspfand', Price: 1.5, Deposit: false, CrewBlocked: false },
    ],
    payment_methods: [{ ID: 1, Payment: 'Cash', color: 'btn-success', crew: false }],
    pos: [
      { ID: 1, PointOfSale: 'Foyer', enabled: true, special: false, admin: false, password: null, products: [1, 2], payment_methods: [1] },
      { ID: 3, PointOfSale: 'Lounge', enabled: true, special: false, admin: false, password: BETA_PASSWORD, products: [2], payment_methods: [1] },
    ],
  };
}

/** A minimal, untouched tenant (to check that IDs start at 1). */
function plainInstance(slug: string, key: string | null, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    slug,
    name: `${slug} festival`,
    api_key: key,
    config: { license_key: `${slug.toUpperCase()}-L` },
    license: activeLicense(`${slug.toUpperCase()}-L`),
    deposit_product: 99,
    products: [
      { ID: 1, ProductName: 'Limo', Price: 3.3, Deposit: true, CrewBlocked: false },
      { ID: 99, ProductName: 'Pfand', Price: 1, Deposit: false, CrewBlocked: false },
    ],
    payment_methods: [{ ID: 1, Payment: 'Bar', color: 'btn-success', crew: false }],
    pos: [{ ID: 1, PointOfSale: 'Kiosk', enabled: true, special: false, admin: false, password: null, products: [1], payment_methods: [1] }],
    ...extra,
  };
}

/** Every fixture tenant: demo, alpha, beta and the special-case ones. */
export function allInstances(): Record<string, unknown>[] {
  const nodeposit = plainInstance('nodeposit', KEYS.nodeposit, {
    deposit_product: null,
    products: [{ ID: 1, ProductName: 'Limo', Price: 3.3, Deposit: false, CrewBlocked: false }],
  });
  return [
    structuredClone(DEMO_FILE.instances[0]) as Record<string, unknown>,
    alphaInstance(),
    betaInstance(),
    plainInstance('gamma', KEYS.gamma),
    plainInstance('delta', KEYS.delta),
    plainInstance('nokey', null),
    nodeposit,
    plainInstance('inactive', KEYS.inactive, { license: activeLicense('INACTIVE-L', { Active: false }) }),
    plainInstance('expired', KEYS.expired, { license: activeLicense('EXPIRED-L', { Expires: '2021-01-01T00:00:00.000Z' }) }),
    plainInstance('future', KEYS.future, { license: activeLicense('FUTURE-L', { Created: '2999-01-01T00:00:00.000Z' }) }),
    plainInstance('limited', KEYS.limited, { license: activeLicense('LIMITED-L', { TicketLimit: 2, DeviceLimit: 1 }) }),
    plainInstance('nolicense', KEYS.nolicense, { config: {}, license: null }),
  ];
}

/** Writes an instance file into a fresh temp folder and returns its path. */
export function writeInstanceFile(instances: Record<string, unknown>[]): { file: string; remove: () => void } {
  const dir = tempDir('concertpos-fixture-');
  const file = join(dir.path, 'instances.json');
  writeFileSync(file, JSON.stringify({ instances }, null, 2));
  return { file, remove: dir.remove };
}

export interface FixtureServer {
  server: RunningServer;
  stop: () => Promise<void>;
}

/** Starts the real gateway with every fixture tenant imported (plus extra flags). */
export async function startFixtureServer(flags: string[] = [], instances = allInstances()): Promise<FixtureServer> {
  const fixture = writeInstanceFile(instances);
  const server = await startServer(['--import', fixture.file, ...flags]);
  return {
    server,
    stop: async () => {
      await server.stop();
      fixture.remove();
      rmSync(server.data, { recursive: true, force: true });
    },
  };
}

/** Opens a terminal connection for a tenant. */
export function connect(server: RunningServer, slug: string, contentType: 'json' | 'json5' = 'json'): Promise<Terminal> {
  return Terminal.connect(server.url, `/?instance=${encodeURIComponent(slug)}&Content-Type=${contentType}`);
}

/** Asserts an event envelope with this event name and returns its parameters. */
export function expectEvent(frame: Envelope, event: string): Record<string, any> {
  assert.equal(frame.type, 'event', `expected event ${event}, got ${JSON.stringify(frame)}`);
  assert.equal(frame.result.event, event, JSON.stringify(frame));
  assert.ok(frame.result.parameters && typeof frame.result.parameters === 'object', 'event has parameters');
  return frame.result.parameters as Record<string, any>;
}

/** Asserts an error envelope with this error name and catalogue code. */
export function expectError(frame: Envelope, error: string, code?: number): Envelope['result'] {
  assert.equal(frame.type, 'error', `expected error ${error}, got ${JSON.stringify(frame)}`);
  assert.equal(frame.result.error, error, JSON.stringify(frame));
  if (code !== undefined) assert.equal(frame.result.code, code, JSON.stringify(frame));
  assert.equal(typeof frame.result.message, 'string');
  return frame.result;
}

/** Sends many frames at once (pipelined) and resolves with their answers in order. */
export async function pipeline(t: Terminal, frames: string[]): Promise<Envelope[]> {
  for (const f of frames) t.sendRaw(f);
  const out: Envelope[] = [];
  for (let i = 0; i < frames.length; i++) out.push(await t.nextAnswer());
  return out;
}

/** All ledger rows of a POS, newest first. */
export async function transactionsOf(t: Terminal, apiKey: string, posId: number, extra: Record<string, unknown> = {}): Promise<any[]> {
  const p = expectEvent(await t.request('listtransactions', { api_key: apiKey, POSID: posId, ...extra }), 'listtransactions');
  return p.Transactions as any[];
}

/** SHA-512 of a ledger row as PROTOCOL.md §4 defines it. */
export function rowHash(prev: string, slug: string, row: any): string {
  const cents = Math.round(row.AmountMoney * 100);
  const text = [prev, row.ID, slug, row.PointOfSaleID, row.Payment_ID, row.Product_ID, row.AmountProduct, cents, row.timestamp, row.TicketID, row.Note ?? ''].join('|');
  return createHash('sha512').update(text, 'utf8').digest('hex');
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  ALPHA_ADMIN_KEY,
  ALPHA_PASSWORD,
  ISO_MS,
  KEYS,
  connect,
  expectError,
  expectEvent,
  startFixtureServer,
  type FixtureServer,
} from '../helpers/protocol-fixtures.js';
import type { Terminal } from '../helpers/terminal.js';

// PROTOCOL.md §4: every command's event name and the exact shape of its parameters.

let fx: FixtureServer;
const open: Terminal[] = [];
async function term(slug: string): Promise<Terminal> {
  const t = await connect(fx.server, slug);
  open.push(t);
  return t;
}

before(async () => {
  fx = await startFixtureServer();
});
after(async () => {
  for (const t of open) t.close();
  await fx.stop();
});

describe('getconfig', () => {
  test('answers event getconfig with every config entry as a string', async () => {
    const t = await term('alpha');
    const frame = await t.request('getconfig', { api_key: KEYS.alpha });
    const p = expectEvent(frame, 'getconfig');
    assert.deepEqual(Object.keys(p), ['Config']);
    const config = p.Config as Record<string, unknown>;
    assert.equal(config.ticket_limit, '10');
    assert.equal(config.license_key, 'ALPHA-1');
    assert.equal(config.currency, 'EUR');
    assert.equal(config.motto, 'Laut & bunt');
    // §7: a config value that is a number or boolean is stored as its string
    assert.equal(config.tables, '12');
    assert.equal(config.happy_hour, 'true');
    assert.equal(config.deposit_product, '99');
    for (const [key, value] of Object.entries(config)) assert.equal(typeof value, 'string', `Config.${key} must be a string`);
  });

  test('never contains secrets (API key, admin key, password hashes)', async () => {
    const t = await term('alpha');
    await t.request('getconfig', { api_key: KEYS.alpha });
    const raw = t.raw.at(-1) ?? '';
    for (const secret of [KEYS.alpha, ALPHA_ADMIN_KEY, ALPHA_PASSWORD, 'scrypt$']) assert.ok(!raw.includes(secret), `getconfig leaks ${secret}`);
  });
});

describe('getdeposit', () => {
  test('answers the deposit product with a numeric ID and price', async () => {
    const t = await term('alpha');
    const p = expectEvent(await t.request('getdeposit', { api_key: KEYS.alpha }), 'getdeposit');
    assert.deepEqual(p, { Deposit: { ID: 99, ProductName: 'Pfand', Price: 2.5 } });
  });

  test('the demo deposit is {ID: 99, ProductName: "Pfand", Price: 2}', async () => {
    const t = await term('demo');
    const p = expectEvent(await t.request('getdeposit', { api_key: KEYS.demo }), 'getdeposit');
    assert.deepEqual(p, { Deposit: { ID: 99, ProductName: 'Pfand', Price: 2 } });
  });

  test('without a deposit product: Deposit is {ID: null, ProductName: null, Price: 0}', async () => {
    const t = await term('nodeposit');
    const p = expectEvent(await t.request('getdeposit', { api_key: KEYS.nodeposit }), 'getdeposit');
    assert.deepEqual(p, { Deposit: { ID: null, ProductName: null, Price: 0 } });
  });
});

describe('getlicense', () => {
  test('an active license: every limit and Active as strings, Expires null', async () => {
    const t = await term('alpha');
    const p = expectEvent(await t.request('getlicense', { api_key: KEYS.alpha }), 'getlicense');
    assert.deepEqual(p, {
      License: {
        LicenseKey: 'ALPHA-1',
        Name: 'ALPHA-1 holder',
        Type: 'festival',
        Active: '1',
        DeviceLimit: '0',
        TicketLimit: '0',
        ProductLimit: '0',
        PaymentLimit: '0',
        POSLimit: '0',
        Created: '2020-01-01T00:00:00.000Z',
        Expires: null,
      },
    });
  });

  test('limits are strings of their numbers', async () => {
    const t = await term('limited');
    const p = expectEvent(await t.request('getlicense', { api_key: KEYS.limited }), 'getlicense');
    assert.equal(p.License.TicketLimit, '2');
    assert.equal(p.License.DeviceLimit, '1');
    assert.equal(p.License.Active, '1');
  });

  test('a disabled license answers Active "0"', async () => {
    const t = await term('inactive');
    const p = expectEvent(await t.request('getlicense', { api_key: KEYS.inactive }), 'getlicense');
    assert.equal(p.License.Active, '0');
  });

  test('an expired license answers Active "0" and its ISO Expires', async () => {
    const t = await term('expired');
    const p = expectEvent(await t.request('getlicense', { api_key: KEYS.expired }), 'getlicense');
    assert.equal(p.License.Active, '0');
    assert.equal(p.License.Expires, '2021-01-01T00:00:00.000Z');
  });

  test('a license created in the future answers Active "0"', async () => {
    const t = await term('future');
    const p = expectEvent(await t.request('getlicense', { api_key: KEYS.future }), 'getlicense');
    assert.equal(p.License.Active, '0');
  });

  test('no license: error getlicense 4015', async () => {
    const t = await term('nolicense');
    const r = expectError(await t.request('getlicense', { api_key: KEYS.nolicense }), 'getlicense', 4015);
    assert.equal(r.command, 'getlicense');
  });
});

describe('listpos', () => {
  test('lists every POS with numeric IDs and a boolean password flag', async () => {
    const t = await term('alpha');
    const p = expectEvent(await t.request('listpos', { api_key: KEYS.alpha }), 'listpos');
    assert.deepEqual(Object.keys(p), ['POS']);
    const pos = p.POS as any[];
    assert.equal(pos.length, 8);
    for (const row of pos) {
      assert.equal(typeof row.ID, 'number', 'the reference client crashes on string IDs');
      assert.equal(typeof row.password, 'boolean');
      assert.deepEqual(Object.keys(row).sort(), ['ID', 'PointOfSale', 'admin', 'enabled', 'password', 'special']);
    }
    assert.deepEqual(pos[0], { ID: 1, PointOfSale: 'Bar Nord', enabled: true, special: false, admin: false, password: false });
    assert.deepEqual(pos.find((r) => r.ID === 3), { ID: 3, PointOfSale: 'Backstage', enabled: true, special: true, admin: false, password: true });
    assert.deepEqual(pos.find((r) => r.ID === 4), { ID: 4, PointOfSale: 'Kasse Büro', enabled: false, special: true, admin: true, password: false });
  });

  test('never contains the password or its hash', async () => {
    const t = await term('alpha');
    await t.request('listpos', { api_key: KEYS.alpha });
    const raw = t.raw.at(-1) ?? '';
    assert.ok(!raw.includes(ALPHA_PASSWORD));
    assert.ok(!raw.includes('scrypt'));
  });
});

describe('listpm', () => {
  test('answers only the methods assigned to the POS, POSID as a number', async () => {
    const t = await term('alpha');
    const p = expectEvent(await t.request('listpm', { api_key: KEYS.alpha, POSID: '1', posPassword: null }), 'listpm');
    assert.deepEqual(p, {
      POSID: 1,
      PaymentMethods: [
        { ID: 1, Payment: 'Bar', color: 'btn-success', crew: false },
        { ID: 2, Payment: 'Karte', color: 'btn-primary', crew: false },
        { ID: 3, Payment: 'Crew', color: 'btn-warning', crew: true },
      ],
    });
    const p2 = expectEvent(await t.request('listpm', { api_key: KEYS.alpha, POSID: 2 }), 'listpm');
    assert.deepEqual(p2.PaymentMethods.map((m: any) => m.ID), [1, 4]);
  });

  test('a POS without methods answers an empty list', async () => {
    const t = await term('alpha');
    const p = expectEvent(await t.request('listpm', { api_key: KEYS.alpha, POSID: 4 }), 'listpm');
    assert.deepEqual(p, { POSID: 4, PaymentMethods: [] });
  });

  test('an unknown POS is not_found', async () => {
    const t = await term('alpha');
    expectError(await t.request('listpm', { api_key: KEYS.alpha, POSID: 42 }), 'not_found', 4010);
  });
});

describe('listproducts', () => {
  test('answers assigned products with numeric prices, booleans and Amount: 0', async () => {
    const t = await term('alpha');
    const p = expectEvent(await t.request('listproducts', { api_key: KEYS.alpha, POSID: '1', posPassword: null }), 'listproducts');
    assert.equal(p.POSID, 1);
    assert.deepEqual(p.Products, [
      { ID: 1, ProductName: 'Bier 0,5 l', Price: 4.5, Deposit: true, CrewBlocked: false, Amount: 0 },
      { ID: 2, ProductName: 'Wasser', Price: 2, Deposit: false, CrewBlocked: true, Amount: 0 },
      { ID: 3, ProductName: 'Cocktail', Price: 8.9, Deposit: false, CrewBlocked: false, Amount: 0 },
      { ID: 4, ProductName: 'Brezel', Price: 0.1, Deposit: false, CrewBlocked: false, Amount: 0 },
      { ID: 5, ProductName: 'Pfand zurück', Price: -2.5, Deposit: false, CrewBlocked: false, Amount: 0 },
      { ID: 7, ProductName: 'Kaugummi', Price: 0.07, Deposit: false, CrewBlocked: false, Amount: 0 },
    ]);
  });

  test('does not list products of other points of sale', async () => {
    const t = await term('alpha');
    const p = expectEvent(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 2 }), 'listproducts');
    assert.deepEqual(p.Products.map((x: any) => x.ID), [1, 6]);
  });

  test('every product of the demo has a numeric Price and Amount (the client computes Amount + 1)', async () => {
    const t = await term('demo');
    const p = expectEvent(await t.request('listproducts', { api_key: KEYS.demo, POSID: '1', posPassword: null }), 'listproducts');
    assert.ok(p.Products.length > 0);
    for (const product of p.Products) {
      assert.equal(typeof product.ID, 'number');
      assert.equal(typeof product.Price, 'number');
      assert.equal(product.Amount, 0);
      assert.ok(!Number.isNaN(product.Amount + 1));
    }
  });
});

describe('registerdevice', () => {
  const uuid = '0f8fad5b-d9cb-469f-a165-70867728950e';

  test('New is true the first time and false afterwards', async () => {
    const t = await term('alpha');
    const first = expectEvent(await t.request('registerdevice', { api_key: KEYS.alpha, UUID: uuid }), 'registerdevice');
    assert.equal(first.UUID, uuid);
    assert.equal(first.POSID, null);
    assert.equal(first.New, true);
    assert.match(first.LastPing, ISO_MS);
    const again = expectEvent(await t.request('registerdevice', { api_key: KEYS.alpha, UUID: uuid }), 'registerdevice');
    assert.equal(again.New, false);
    assert.equal(again.UUID, uuid);
  });

  test('workplace records the POS (a digit string is accepted)', async () => {
    const t = await term('alpha');
    const id = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
    const p = expectEvent(await t.request('registerdevice', { api_key: KEYS.alpha, UUID: id, workplace: '2' }), 'registerdevice');
    assert.equal(p.POSID, 2);
    assert.equal(p.New, true);
    const q = expectEvent(await t.request('registerdevice', { api_key: KEYS.alpha, UUID: id }), 'registerdevice');
    assert.equal(q.New, false);
    assert.equal(q.POSID, 2, 'a later registration without workplace keeps the POS');
  });

  test('DeviceLimit 1: a second device is limit_reached, the first may re-register', async () => {
    const t = await term('limited');
    const a = 'a1a1a1a1-0000-4000-8000-000000000001';
    const b = 'b2b2b2b2-0000-4000-8000-000000000002';
    assert.equal(expectEvent(await t.request('registerdevice', { api_key: KEYS.limited, UUID: a }), 'registerdevice').New, true);
    expectError(await t.request('registerdevice', { api_key: KEYS.limited, UUID: b }), 'limit_reached', 4014);
    assert.equal(expectEvent(await t.request('registerdevice', { api_key: KEYS.limited, UUID: a }), 'registerdevice').New, false);
  });

  test('a malformed UUID is invalid_parameter naming UUID; a missing one missing_parameter', async () => {
    const t = await term('alpha');
    const bad = expectError(await t.request('registerdevice', { api_key: KEYS.alpha, UUID: 'not-a-uuid' }), 'invalid_parameter', 4009);
    assert.equal(bad.parameter, 'UUID');
    const missing = expectError(await t.request('registerdevice', { api_key: KEYS.alpha }), 'missing_parameter', 4008);
    assert.equal(missing.parameter, 'UUID');
  });
});

describe('version and getstatus', () => {
  test('version answers the server semver', async () => {
    const t = await term('alpha');
    const p = expectEvent(await t.request('version', { api_key: KEYS.alpha }), 'version');
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.deepEqual(p, { Version: pkg.version });
    assert.match(p.Version, /^\d+\.\d+\.\d+/);
  });

  test('getstatus answers a bootstrap alert class and a message', async () => {
    const t = await term('alpha');
    const p = expectEvent(await t.request('getstatus', { api_key: KEYS.alpha }), 'getstatus');
    assert.deepEqual(p, { status: 'success', message: 'All systems are operational' });
  });
});

describe('verifyauth', () => {
  test('right password: success true, a token string, workplace as a number', async () => {
    const t = await term('alpha');
    const p = expectEvent(await t.request('verifyauth', { api_key: KEYS.alpha, password: ALPHA_PASSWORD, workplace: '3' }), 'verifyauth');
    assert.equal(p.success, true);
    assert.equal(typeof p.password, 'string');
    assert.ok(p.password.length > 0);
    assert.notEqual(p.password, ALPHA_PASSWORD);
    assert.equal(p.workplace, 3);
  });

  test('missing workplace or password is missing_parameter naming it', async () => {
    const t = await term('alpha');
    assert.equal(expectError(await t.request('verifyauth', { api_key: KEYS.alpha, password: 'x' }), 'missing_parameter', 4008).parameter, 'workplace');
    assert.equal(expectError(await t.request('verifyauth', { api_key: KEYS.alpha, workplace: 1 }), 'missing_parameter', 4008).parameter, 'password');
  });
});

describe('listtransactions', () => {
  test('a POS without sales answers Count 0 and an empty list', async () => {
    const t = await term('gamma');
    const p = expectEvent(await t.request('listtransactions', { api_key: KEYS.gamma, POSID: '1' }), 'listtransactions');
    assert.deepEqual(p, { POSID: 1, Count: 0, Transactions: [] });
  });
});

describe('envelopes', () => {
  test('an answer to a request without nonce has no nonce and only type and result', async () => {
    const t = await term('alpha');
    const frame = await t.request('getdeposit', { api_key: KEYS.alpha });
    assert.deepEqual(Object.keys(frame).sort(), ['result', 'type']);
    assert.ok(!('nonce' in frame));
    const err = await t.request('listpm', { api_key: KEYS.alpha, POSID: 42 });
    assert.ok(!('nonce' in err));
  });

  test('unknown extra parameters are ignored', async () => {
    const t = await term('alpha');
    const p = expectEvent(await t.request('getdeposit', { api_key: KEYS.alpha, foo: 'bar', POSID: 'garbage', posPassword: null }), 'getdeposit');
    assert.equal(p.Deposit.ID, 99);
  });
});

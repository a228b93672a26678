import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Catalogue } from '../../src/instances/instance-spec.js';
import { CatalogueSnapshot, SnapshotCache } from '../../src/store/catalogue-snapshot.js';

function catalogue(overrides: Partial<Catalogue> = {}): Catalogue {
  return {
    config: { license_key: 'L-1', deposit_product: '99' },
    license: { LicenseKey: 'L-1', Name: 'n', Type: 't', enabled: true, DeviceLimit: 0, TicketLimit: 0, ProductLimit: 0, PaymentLimit: 0, POSLimit: 0, Created: '2026-01-01T00:00:00.000Z', Expires: null },
    products: [
      { ID: 99, ProductName: 'Pfand', priceCents: 200, Deposit: false, CrewBlocked: false },
      { ID: 1, ProductName: 'Bier', priceCents: 450, Deposit: true, CrewBlocked: false },
    ],
    paymentMethods: [{ ID: 1, Payment: 'Bar', color: 'c', crew: false }],
    pos: [{ ID: 5, PointOfSale: 'Nord', enabled: true, special: false, admin: false, passwordHash: null, products: [99, 7, 1], paymentMethods: [1, 2] }],
    ...overrides,
  };
}

test('a snapshot lists assignments by ID, leaves out what does not exist, and is frozen', () => {
  const s = new CatalogueSnapshot(3, catalogue());
  assert.equal(s.version, 3);
  assert.deepEqual(s.productsOfPos(5).map((p) => p.ID), [1, 99], 'product 7 does not exist');
  assert.deepEqual(s.paymentMethodsOfPos(5).map((m) => m.ID), [1]);
  assert.deepEqual(s.productsOfPos(6), []);
  assert.equal(s.pos(6), null);
  assert.equal(s.depositProduct()?.ProductName, 'Pfand');
  assert.deepEqual(Object.keys(s.pos(5) ?? {}).sort(), ['ID', 'PointOfSale', 'admin', 'enabled', 'passwordHash', 'special'], 'no assignment lists on the POS record');
  assert.throws(() => {
    (s.product(1) as { priceCents: number }).priceCents = 1;
  }, TypeError);
});

test('the license is the one config license_key names, or none', () => {
  assert.equal(new CatalogueSnapshot(1, catalogue()).license?.LicenseKey, 'L-1');
  assert.equal(new CatalogueSnapshot(1, catalogue({ config: {} })).license, null);
  assert.equal(new CatalogueSnapshot(1, catalogue({ config: { license_key: 'other' } })).license, null);
});

test('the cache shares one load between waiting requests and never answers older than asked', async () => {
  let version = 1;
  let loads = 0;
  const cache = new SnapshotCache(async () => {
    loads++;
    const at = version;
    await new Promise((r) => setImmediate(r));
    return new CatalogueSnapshot(at, catalogue());
  });
  const first = await Promise.all([cache.get(9, 1), cache.get(9, 1), cache.get(9, 0)]);
  assert.equal(loads, 1);
  assert.ok(first.every((s) => s === first[0]));
  assert.equal(await cache.get(9, 1), first[0], 'unchanged version: no load');
  assert.equal(loads, 1);

  // A request that saw version 2 while a load of version 1 was under way waits for a second load.
  version = 1;
  const cold = new SnapshotCache(async () => {
    loads++;
    const at = version;
    await new Promise((r) => setImmediate(r));
    return new CatalogueSnapshot(at, catalogue());
  });
  const early = cold.get(9, 1);
  version = 2;
  const late = cold.get(9, 2);
  assert.equal((await early).version, 1);
  assert.equal((await late).version, 2);
  assert.equal((await cold.get(9, 1)).version, 2, 'the newest snapshot serves older asks');

  const never = new SnapshotCache(async () => new CatalogueSnapshot(1, catalogue()));
  await assert.rejects(never.get(9, 5), /catalogue version 5 of instance 9/);
});

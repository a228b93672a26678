import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { verifySecret } from '../../src/auth/secrets.js';
import { verifyChain } from '../../src/audit/verify-chain.js';
import { parseInstances } from '../../src/instances/instance-file.js';
import type { Store } from '../../src/store/store.js';
import type { CatalogueSnapshot } from '../../src/store/catalogue-snapshot.js';
import type { Instance, TicketDraft } from '../../src/store/types.js';

/** A backend under test: a fresh, migrated store and a way to open a second handle on the same data. */
export interface StoreFactory {
  name: string;
  /** A new, empty, migrated store. */
  create(): Promise<Store>;
  /** Another store object on the same data as the last `create()` (another process would do the same). */
  reopen(): Promise<Store>;
  /** Runs SQL on the same data outside any store, as an operator's database shell would. */
  execute(sql: string): Promise<void>;
  /** Removes what create() made. */
  cleanup(): Promise<void>;
}

const FILE = {
  instances: [
    {
      slug: 'alpha',
      name: 'Alpha Fest',
      api_key: 'alpha-key',
      config: { ticket_limit: 20, license_key: 'A-1', note: true },
      license: { LicenseKey: 'A-1', Name: 'Alpha', Type: 'festival', Active: true, TicketLimit: 0, DeviceLimit: 2, Created: '2020-01-01T00:00:00Z', Expires: null },
      deposit_product: 99,
      products: [
        { ID: 1, ProductName: 'Bier', Price: 4.5, Deposit: true },
        { ID: 2, ProductName: 'Wasser', Price: 2, CrewBlocked: true },
        { ID: 99, ProductName: 'Pfand', Price: 2 },
      ],
      payment_methods: [
        { ID: 1, Payment: 'Bar', color: 'btn-success' },
        { ID: 3, Payment: 'Crew', crew: true },
      ],
      pos: [
        { ID: 2, PointOfSale: 'Süd', products: [2, 1], payment_methods: [1] },
        { ID: 1, PointOfSale: 'Nord', password: 'pw', products: [1], payment_methods: [3, 1] },
      ],
    },
    { slug: 'beta', api_key: null, products: [{ ID: 1, ProductName: 'Cola', Price: 3 }], pos: [{ ID: 1, PointOfSale: 'Eins', products: [1] }] },
  ],
};

function draft(overrides: Partial<TicketDraft> = {}): TicketDraft {
  return {
    posId: 2,
    paymentId: 1,
    lines: [
      { productId: 1, amount: 2, cents: 900 },
      { productId: 99, amount: 2, cents: 400 },
    ],
    note: null,
    items: 2,
    requestId: null,
    fingerprint: '2|1|1x2',
    ticketLimit: 0,
    catalogueVersion: null,
    ...overrides,
  };
}

const NOW = '2026-06-01T12:00:00.000Z';

/** The store conformance suite: every backend must pass it unchanged. */
export function runStoreTests(factory: StoreFactory): void {
  describe(`store conformance: ${factory.name}`, () => {
    let store: Store;
    let alpha: Instance;
    let beta: Instance;

    /** The catalogue as a request arriving now would see it. */
    const current = async (slug: string): Promise<CatalogueSnapshot> => {
      const instance = (await store.instanceBySlug(slug)) as Instance;
      return store.catalogueSnapshot(instance.id, instance.catalogueVersion);
    };

    before(async () => {
      store = await factory.create();
      await store.importInstances(await parseInstances(FILE, 'suite'));
      alpha = (await store.instanceBySlug('alpha')) as Instance;
      beta = (await store.instanceBySlug('beta')) as Instance;
    });
    after(async () => {
      await store.close();
      await factory.cleanup();
    });

    test('migrate is idempotent and ping answers', async () => {
      await store.migrate();
      await store.ping();
    });

    test('imported instances, config, license and catalogue read back', async () => {
      assert.equal(alpha.name, 'Alpha Fest');
      assert.match(alpha.apiKeyHash ?? '', /^scrypt\$/);
      assert.equal(beta.apiKeyHash, null);
      assert.equal(await store.instanceBySlug('nope'), null);
      assert.deepEqual((await store.listInstances()).map((i) => i.slug), ['alpha', 'beta']);
      const a = await current('alpha');
      const b = await current('beta');
      assert.deepEqual(a.config, { deposit_product: '99', license_key: 'A-1', note: 'true', ticket_limit: '20' });
      assert.equal(a.license?.DeviceLimit, 2);
      assert.equal(a.license?.Expires, null);
      assert.equal(a.license?.Created, '2020-01-01T00:00:00.000Z');
      assert.equal(b.license, null);
      assert.deepEqual(a.listPos().map((p) => [p.ID, p.PointOfSale, p.passwordHash !== null]), [
        [1, 'Nord', true],
        [2, 'Süd', false],
      ]);
      assert.deepEqual(a.productsOfPos(2).map((p) => [p.ID, p.priceCents, p.Deposit, p.CrewBlocked]), [
        [1, 450, true, false],
        [2, 200, false, true],
      ]);
      assert.deepEqual(a.paymentMethodsOfPos(1).map((m) => [m.ID, m.crew]), [
        [1, false],
        [3, true],
      ]);
      assert.equal(a.product(99)?.ProductName, 'Pfand');
      assert.equal(a.depositProduct()?.ID, 99);
      assert.equal(b.product(99), null);
      assert.equal(b.pos(2), null);
      assert.deepEqual(b.productsOfPos(2), []);
    });

    test('re-import reports a change only when what terminals show changed, and publishes updatepos', async () => {
      const start = await store.latestEventId();
      const same = await store.importInstances(await parseInstances(FILE, 'suite'));
      assert.deepEqual(same.changed, []);
      assert.deepEqual(same.updated, ['alpha', 'beta']);
      assert.deepEqual(await store.eventsAfter(start), []);
      const changedFile = structuredClone(FILE);
      (changedFile.instances[1] as { products: { Price: number }[] }).products[0]!.Price = 3.5;
      const report = await store.importInstances(await parseInstances(changedFile, 'suite'));
      assert.deepEqual(report.changed, [beta.id]);
      const events = await store.eventsAfter(start);
      assert.deepEqual(events.map((e) => [e.instanceId, e.kind, e.message]), [[beta.id, 'updatepos', 'updatepos']]);
      assert.equal((await current('beta')).product(1)?.priceCents, 350);
      // The password stays; the re-imported api key still opens the instance.
      assert.notEqual((await current('alpha')).pos(1)?.passwordHash, null);
      assert.equal(await verifySecret('alpha-key', (await store.instanceBySlug('alpha'))?.apiKeyHash ?? ''), true);
    });

    test('a failing import changes nothing', async () => {
      const before = await store.listInstances();
      const bad = await parseInstances({ instances: [{ slug: 'gamma', products: [] }] }, 'bad');
      // Same POS ID twice cannot be written: the primary key rejects it, and gamma must not exist after.
      bad[0]!.pos = [
        { ID: 1, PointOfSale: 'a', enabled: true, special: false, admin: false, passwordHash: null, products: [], paymentMethods: [] },
        { ID: 1, PointOfSale: 'b', enabled: true, special: false, admin: false, passwordHash: null, products: [], paymentMethods: [] },
      ];
      await assert.rejects(store.importInstances(bad));
      assert.deepEqual(await store.listInstances(), before);
    });

    test('tickets get gapless per-instance IDs and a verifiable chain', async () => {
      const first = await store.appendTicket(alpha.id, 'alpha', draft(), NOW);
      assert.equal(first.outcome, 'booked');
      if (first.outcome !== 'booked') return;
      assert.equal(first.ticket.ticketId, 1);
      assert.deepEqual(first.ticket.rows.map((r) => [r.ID, r.TicketID, r.Product_ID, r.AmountProduct, r.cents]), [
        [1, 1, 1, 2, 900],
        [2, 1, 99, 2, 400],
      ]);
      const second = await store.appendTicket(alpha.id, 'alpha', draft({ lines: [{ productId: 2, amount: 1, cents: 200 }], items: 1 }), NOW);
      assert.equal(second.outcome === 'booked' && second.ticket.rows[0]?.ID, 3);
      const other = await store.appendTicket(beta.id, 'beta', draft({ posId: 1, lines: [{ productId: 1, amount: 1, cents: 350 }] }), NOW);
      assert.equal(other.outcome === 'booked' && other.ticket.rows[0]?.ID, 1, 'IDs are per instance');
      assert.deepEqual(await verifyChain(store, alpha), { ok: true, rows: 3 });
      assert.deepEqual(await verifyChain(store, beta), { ok: true, rows: 1 });
      assert.deepEqual(await store.ledgerHead(alpha.id), { lastId: 3, lastHash: (second.outcome === 'booked' && second.ticket.rows[0]?.hash) || '' });
    });

    test('a RequestID books once; a different sale under it is a conflict', async () => {
      const d = draft({ requestId: 'req-1', fingerprint: 'f1' });
      const booked = await store.appendTicket(alpha.id, 'alpha', d, NOW);
      const again = await store.appendTicket(alpha.id, 'alpha', d, NOW);
      assert.equal(booked.outcome, 'booked');
      assert.equal(again.outcome, 'duplicate');
      if (booked.outcome !== 'booked' || again.outcome !== 'duplicate') return;
      assert.deepEqual(again.ticket, booked.ticket);
      assert.equal((await store.appendTicket(alpha.id, 'alpha', draft({ requestId: 'req-1', fingerprint: 'other' }), NOW)).outcome, 'conflict');
      assert.deepEqual(await store.findRequest(alpha.id, 'req-1', 'f1'), { outcome: 'duplicate', ticket: booked.ticket });
      assert.equal((await store.findRequest(alpha.id, 'req-1', 'x')).outcome, 'conflict');
      assert.equal((await store.findRequest(alpha.id, 'req-2', 'f1')).outcome, 'none');
      assert.equal((await store.findRequest(beta.id, 'req-1', 'f1')).outcome, 'none', 'RequestIDs are per instance');
    });

    test('the license ticket limit counts every ticket ever booked', async () => {
      const head = await store.ledgerHead(alpha.id);
      const tickets = (await store.transactions(alpha.id, { limit: 1 }))[0]?.TicketID ?? 0;
      assert.equal((await store.appendTicket(alpha.id, 'alpha', draft({ ticketLimit: tickets }), NOW)).outcome, 'limit_reached');
      assert.deepEqual(await store.ledgerHead(alpha.id), head, 'nothing written');
      assert.equal((await store.appendTicket(alpha.id, 'alpha', draft({ ticketLimit: tickets + 1 }), NOW)).outcome, 'booked');
    });

    test('transactions: newest first, by POS, limited, paged with before', async () => {
      const all = await store.transactions(alpha.id, {});
      assert.deepEqual(all.map((r) => r.ID), [...all.map((r) => r.ID)].sort((a, b) => b - a));
      const top = await store.transactions(alpha.id, { limit: 2 });
      assert.deepEqual(top, all.slice(0, 2));
      const page = await store.transactions(alpha.id, { before: top[1]!.ID, limit: 2 });
      assert.deepEqual(page, all.slice(2, 4));
      assert.deepEqual(await store.transactions(alpha.id, { posId: 1 }), []);
      assert.deepEqual((await store.ledgerAfter(alpha.id, 1, 2)).map((r) => r.ID), [2, 3]);
    });

    test('devices: new, then known with their POS kept; the license device limit', async () => {
      const uuid = '6e613e9f-4a3c-41b7-a89b-dd0c70961aa4';
      const first = await store.registerDevice(alpha.id, { uuid, posId: 2, shard: 'exon', now: NOW, deviceLimit: 2 });
      assert.deepEqual(first, { outcome: 'registered', uuid, posId: 2, isNew: true, lastPing: NOW });
      const later = '2026-06-01T12:05:00.000Z';
      const again = await store.registerDevice(alpha.id, { uuid, posId: undefined, shard: 'zeus', now: later, deviceLimit: 2 });
      assert.deepEqual(again, { outcome: 'registered', uuid, posId: 2, isNew: false, lastPing: later });
      await store.registerDevice(alpha.id, { uuid: '00000000-0000-4000-8000-000000000002', posId: undefined, shard: 'exon', now: NOW, deviceLimit: 2 });
      const third = await store.registerDevice(alpha.id, { uuid: '00000000-0000-4000-8000-000000000003', posId: undefined, shard: 'exon', now: NOW, deviceLimit: 2 });
      assert.deepEqual(third, { outcome: 'limit_reached' });
      const otherTenant = await store.registerDevice(beta.id, { uuid, posId: undefined, shard: 'exon', now: NOW, deviceLimit: 0 });
      assert.equal(otherTenant.outcome === 'registered' && otherTenant.isNew, true, 'devices are per instance');
    });

    test('password failures are counted per POS within a window', async () => {
      await store.recordPasswordFailure(alpha.id, 1, '2026-06-01T12:00:00.000Z');
      await store.recordPasswordFailure(alpha.id, 1, '2026-06-01T12:01:00.000Z');
      await store.recordPasswordFailure(alpha.id, 2, '2026-06-01T12:01:00.000Z');
      assert.equal(await store.passwordFailuresSince(alpha.id, 1, '2026-06-01T11:59:00.000Z'), 2);
      assert.equal(await store.passwordFailuresSince(alpha.id, 1, '2026-06-01T12:00:30.000Z'), 1);
      assert.equal(await store.passwordFailuresSince(beta.id, 1, '2026-06-01T11:00:00.000Z'), 0);
    });

    test('events are delivered in order to every handle on the same data', async () => {
      const other = await factory.reopen();
      try {
        const start = await other.latestEventId();
        await store.publish({ instanceId: alpha.id, kind: 'broadcast', message: 'hello', parameters: { a: 1 } });
        await store.publish({ instanceId: null, kind: 'broadcast', message: 'all', parameters: {} });
        const seen = await other.eventsAfter(start);
        assert.deepEqual(seen.map((e) => [e.instanceId, e.message, e.parameters]), [
          [alpha.id, 'hello', { a: 1 }],
          [null, 'all', {}],
        ]);
        assert.ok(seen[0]!.id < seen[1]!.id);
        assert.equal(await other.latestEventId(), seen[1]!.id);
        assert.deepEqual(await other.signingKey(), await store.signingKey(), 'all gateways share the signing key');
        assert.equal((await other.signingKey()).length, 32);
      } finally {
        await other.close();
      }
    });

    test('catalogue changes are atomic, audited and announced; a refusal writes nothing', async () => {
      const start = await store.latestEventId();
      const before = await store.catalogue(alpha.id);
      assert.deepEqual(before.products.map((p) => p.ID), [1, 2, 99]);
      assert.deepEqual(before.pos.find((p) => p.ID === 1)?.paymentMethods, [1, 3]);
      assert.equal(before.license?.LicenseKey, 'A-1');
      const after = await store.updateCatalogue(alpha.id, 'fp-1', (c) => ({
        catalogue: { ...c, products: c.products.map((p) => (p.ID === 2 ? { ...p, priceCents: 250 } : p)) },
        audit: { action: 'update product 2', before: { Price: 2 }, after: { Price: 2.5 } },
      }));
      assert.equal(after.products.find((p) => p.ID === 2)?.priceCents, 250);
      assert.equal((await current('alpha')).productsOfPos(2).find((p) => p.ID === 2)?.priceCents, 250);
      assert.deepEqual((await store.eventsAfter(start)).map((e) => [e.instanceId, e.message]), [[alpha.id, 'updatepos']]);
      const [entry] = await store.audit(alpha.id, 10);
      assert.deepEqual(entry && { ...entry, at: '' }, { at: '', key: 'fp-1', action: 'update product 2', before: { Price: 2 }, after: { Price: 2.5 } });
      await assert.rejects(
        store.updateCatalogue(alpha.id, 'fp-1', () => ({ refused: new Error('no') })),
        /no/,
      );
      assert.deepEqual(await store.catalogue(alpha.id), after);
      assert.equal((await store.audit(alpha.id, 10)).length, 1);
      await store.setAdminKey(alpha.id, 'scrypt$x');
      assert.equal((await store.instanceBySlug('alpha'))?.adminKeyHash, 'scrypt$x');
    });

    test('every catalogue write raises the catalogue version; sales do not', async () => {
      const start = (await store.instanceBySlug('alpha'))!.catalogueVersion;
      await store.appendTicket(alpha.id, 'alpha', draft(), NOW);
      assert.equal((await store.instanceBySlug('alpha'))!.catalogueVersion, start, 'a sale is no catalogue change');
      await store.updateCatalogue(alpha.id, 'fp-1', (c) => ({ catalogue: { ...c, config: { ...c.config, note: 'v2' } }, audit: { action: 'config', before: null, after: null } }));
      const afterUpdate = (await store.instanceBySlug('alpha'))!.catalogueVersion;
      assert.ok(afterUpdate > start, 'updateCatalogue raises it');
      const other = await factory.reopen();
      try {
        const changed = structuredClone(FILE);
        (changed.instances[0] as { products: { Price: number }[] }).products[1]!.Price = 2.75;
        await other.importInstances(await parseInstances(changed, 'suite'));
      } finally {
        await other.close();
      }
      const afterImport = (await store.instanceBySlug('alpha'))!;
      assert.ok(afterImport.catalogueVersion > afterUpdate, 'an import through another handle raises it');
      const snapshot = await store.catalogueSnapshot(alpha.id, afterImport.catalogueVersion);
      assert.equal(snapshot.version, afterImport.catalogueVersion);
      assert.equal(snapshot.product(2)?.priceCents, 275, "another handle's change is seen at its version");
      assert.equal(snapshot.config.note, 'true', 'the import replaced the config note again');
    });

    test("a gateway's store sees another handle's instance changes: at once after their updatepos, and a key change soon", async () => {
      await store.watchEvents(() => undefined); // what a gateway does at start; PostgreSQL then keeps instance rows in memory
      const start = await store.latestEventId();
      const before = (await store.instanceBySlug('alpha'))!;
      assert.equal((await store.instanceBySlug('alpha'))!.catalogueVersion, before.catalogueVersion);
      const other = await factory.reopen();
      try {
        await other.updateCatalogue(alpha.id, 'fp-1', (c) => ({ catalogue: { ...c, products: c.products.map((p) => (p.ID === 1 ? { ...p, priceCents: 460 } : p)) }, audit: { action: 'price', before: null, after: null } }));
        assert.deepEqual((await store.eventsAfter(start)).map((e) => e.message), ['updatepos']);
        const now = (await store.instanceBySlug('alpha'))!;
        assert.ok(now.catalogueVersion > before.catalogueVersion, 'a terminal told of the change sees it when it asks next');
        assert.equal((await store.catalogueSnapshot(now.id, now.catalogueVersion)).product(1)?.priceCents, 460);
        await other.setAdminKey(alpha.id, 'scrypt$rotated');
      } finally {
        await other.close();
      }
      const deadline = Date.now() + 5000;
      while ((await store.instanceBySlug('alpha'))!.adminKeyHash !== 'scrypt$rotated') {
        assert.ok(Date.now() < deadline, 'a key set by another handle is never seen');
        await new Promise((r) => setTimeout(r, 10));
      }
      await store.setAdminKey(alpha.id, 'scrypt$own');
      assert.equal((await store.instanceBySlug('alpha'))!.adminKeyHash, 'scrypt$own', 'its own change at once');
    });

    test('a catalogue row changed outside the gateway (a database shell) raises the version and reaches the snapshot', async () => {
      const before = (await store.instanceBySlug('alpha'))!.catalogueVersion;
      await factory.execute(`UPDATE products SET price_cents = 480 WHERE instance_id = ${alpha.id} AND id = 1`);
      const deadline = Date.now() + 10_000;
      let now = (await store.instanceBySlug('alpha'))!;
      // The PostgreSQL store hears of it by NOTIFY, or re-reads the row within seconds.
      while (now.catalogueVersion === before) {
        assert.ok(Date.now() < deadline, 'the version never moved');
        await new Promise((r) => setTimeout(r, 20));
        now = (await store.instanceBySlug('alpha'))!;
      }
      assert.equal((await store.catalogueSnapshot(now.id, now.catalogueVersion)).product(1)?.priceCents, 480);
      const stale = await store.appendTicket(alpha.id, 'alpha', draft({ catalogueVersion: before }), NOW);
      assert.equal(stale.outcome, 'catalogue_changed', 'a sale priced before the change is not booked');
    });

    test('a sale priced at an older catalogue version writes nothing and names the current version', async () => {
      const version = (await store.instanceBySlug('alpha'))!.catalogueVersion;
      const head = await store.ledgerHead(alpha.id);
      const stale = await store.appendTicket(alpha.id, 'alpha', draft({ catalogueVersion: version - 1, requestId: 'cat-1', fingerprint: 'c1' }), NOW);
      assert.deepEqual(stale, { outcome: 'catalogue_changed', version });
      assert.deepEqual(await store.ledgerHead(alpha.id), head, 'nothing written');
      assert.equal((await store.findRequest(alpha.id, 'cat-1', 'c1')).outcome, 'none', 'the RequestID stays free');
      const booked = await store.appendTicket(alpha.id, 'alpha', draft({ catalogueVersion: version, requestId: 'cat-1', fingerprint: 'c1' }), NOW);
      assert.equal(booked.outcome, 'booked');
      // A booked RequestID is replayed whatever the catalogue did since.
      const replay = await store.appendTicket(alpha.id, 'alpha', draft({ catalogueVersion: version - 1, requestId: 'cat-1', fingerprint: 'c1' }), NOW);
      assert.equal(replay.outcome, 'duplicate');
      // In one batch: the stale sale is refused alone, its neighbours are booked.
      const batch = await Promise.all([
        store.appendTicket(alpha.id, 'alpha', draft({ catalogueVersion: version }), NOW),
        store.appendTicket(alpha.id, 'alpha', draft({ catalogueVersion: version - 1 }), NOW),
        store.appendTicket(alpha.id, 'alpha', draft({ catalogueVersion: version }), NOW),
      ]);
      assert.deepEqual(batch.map((r) => r.outcome), ['booked', 'catalogue_changed', 'booked']);
      assert.equal((await verifyChain(store, alpha)).ok, true);
    });

    test('a void appends a negated reversal once; the original stays untouched', async () => {
      const booked = await store.appendTicket(alpha.id, 'alpha', draft({ paymentId: 1 }), NOW);
      assert.equal(booked.outcome, 'booked');
      if (booked.outcome !== 'booked') return;
      const id = booked.ticket.ticketId;
      const later = '2026-06-01T13:00:00.000Z';
      const voided = await store.voidTicket(alpha.id, 'alpha', id, later, 'fp-2');
      assert.equal(voided.outcome, 'voided');
      if (voided.outcome !== 'voided') return;
      assert.equal(voided.ticket.ticketId, id + 1);
      assert.deepEqual(
        voided.ticket.rows.map((r) => [r.Product_ID, r.AmountProduct, r.cents, r.Note, r.PointOfSaleID, r.Payment_ID]),
        booked.ticket.rows.map((r) => [r.Product_ID, -r.AmountProduct, -r.cents, `void of ticket ${id}`, r.PointOfSaleID, r.Payment_ID]),
      );
      assert.deepEqual(await store.ticket(alpha.id, id), booked.ticket, 'original unchanged');
      assert.deepEqual((await store.voidTicket(alpha.id, 'alpha', id, later, 'fp-2')).outcome, 'already_voided');
      assert.deepEqual((await store.voidTicket(alpha.id, 'alpha', id + 1, later, 'fp-2')).outcome, 'is_reversal');
      assert.deepEqual((await store.voidTicket(alpha.id, 'alpha', 999_999, later, 'fp-2')).outcome, 'not_found');
      assert.equal((await verifyChain(store, alpha)).ok, true);
      assert.equal((await store.audit(alpha.id, 1))[0]?.action, 'void ticket');
    });

    test('totals, revenue per minute and time-ranged transactions', async () => {
      const t1 = '2030-01-01T10:00:05.000Z';
      const t2 = '2030-01-01T10:01:30.000Z';
      await store.appendTicket(beta.id, 'beta', draft({ posId: 1, lines: [{ productId: 1, amount: 3, cents: 1050 }] }), t1);
      await store.appendTicket(beta.id, 'beta', draft({ posId: 1, paymentId: 3, lines: [{ productId: 1, amount: 1, cents: 350 }] }), t2);
      const totals = await store.totals(beta.id, '2030-01-01T00:00:00.000Z', undefined);
      assert.deepEqual(totals, [
        { posId: 1, productId: 1, paymentId: 1, units: 3, cents: 1050, rows: 1 },
        { posId: 1, productId: 1, paymentId: 3, units: 1, cents: 350, rows: 1 },
      ]);
      assert.deepEqual(await store.revenueByMinute(beta.id, '2030-01-01T00:00:00.000Z', '2030-01-02T00:00:00.000Z'), [
        { minute: '2030-01-01T10:00', cents: 1050 },
        { minute: '2030-01-01T10:01', cents: 350 },
      ]);
      const ranged = await store.transactions(beta.id, { from: t1, to: t2 });
      assert.deepEqual(ranged.map((r) => r.timestamp), [t1], 'from inclusive, to exclusive');
      assert.deepEqual((await store.transactions(beta.id, { paymentId: 3 })).map((r) => r.cents), [350]);
    });

    test('devices are listed with when and where they were last seen', async () => {
      const uuid = '6e613e9f-4a3c-41b7-a89b-dd0c70961aa4';
      await store.touchDevices(alpha.id, [uuid], 'cyton', '2026-06-01T14:00:00.000Z');
      const device = (await store.devices(alpha.id)).find((d) => d.uuid === uuid);
      assert.deepEqual(device && { shard: device.shard, lastSeen: device.lastSeen, posId: device.posId }, { shard: 'cyton', lastSeen: '2026-06-01T14:00:00.000Z', posId: 2 });
      assert.equal((await store.devices(beta.id)).some((d) => d.shard === 'cyton'), false);
    });

    test('concurrent appends from two handles keep IDs gapless and the chain valid', async () => {
      const other = await factory.reopen();
      try {
        const before = (await store.ledgerHead(alpha.id)).lastId;
        const results = await Promise.all(
          Array.from({ length: 40 }, (_, i) => (i % 2 ? store : other).appendTicket(alpha.id, 'alpha', draft({ requestId: `c-${i}`, fingerprint: `c-${i}` }), NOW)),
        );
        assert.ok(results.every((r) => r.outcome === 'booked'));
        const ids = results.flatMap((r) => (r.outcome === 'booked' ? r.ticket.rows.map((row) => row.ID) : [])).sort((a, b) => a - b);
        assert.deepEqual(ids, Array.from({ length: 80 }, (_, i) => before + 1 + i));
        assert.equal((await verifyChain(store, alpha)).ok, true);
      } finally {
        await other.close();
      }
    });
  });
}

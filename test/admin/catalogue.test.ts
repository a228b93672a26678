import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { adminClient, adminInstances, ADMIN_KEYS, expectAdminError, expectOk, KEYS } from '../helpers/admin.js';
import { connect, expectError, expectEvent, startFixtureServer, type FixtureServer } from '../helpers/protocol-fixtures.js';
import type { Envelope, Terminal } from '../helpers/terminal.js';

// PROTOCOL.md §9 admin API: products, payment methods, points of sale and the
// config, over real HTTP against the real gateway process. Every change must
// reach a connected terminal as updatepos and land in the audit log.

let fx: FixtureServer;
let api: ReturnType<typeof adminClient>;
let watcher: Terminal;
const open: Terminal[] = [];

before(async () => {
  fx = await startFixtureServer(['--no-rate-limit'], adminInstances());
  api = adminClient(fx.server.url, 'alpha', ADMIN_KEYS.alpha);
  watcher = await connect(fx.server, 'alpha');
  open.push(watcher);
});
after(async () => {
  for (const t of open) t.close();
  await fx.stop();
});

const isUpdatepos = (f: Envelope): boolean => f.type === 'broadcast' && f.result.message === 'updatepos';

/** Runs a change and asserts the watching terminal then receives updatepos. */
async function changes<T>(run: () => Promise<T>): Promise<T> {
  const seen = watcher.frames.length;
  const result = await run();
  const deadline = Date.now() + 3000;
  while (!watcher.frames.slice(seen).some(isUpdatepos)) {
    assert.ok(Date.now() < deadline, 'the terminal received updatepos within 3 s');
    await new Promise((r) => setTimeout(r, 20));
  }
  return result;
}

async function term(): Promise<Terminal> {
  const t = await connect(fx.server, 'alpha');
  open.push(t);
  return t;
}

describe('products', () => {
  test('GET lists every product with money in currency units', async () => {
    const list = expectOk(await api('GET', '/products'));
    assert.ok(Array.isArray(list));
    assert.deepEqual(list.find((p: any) => p.ID === 1), { ID: 1, ProductName: 'Bier 0,5 l', Price: 4.5, Deposit: true, CrewBlocked: false });
    assert.deepEqual(list.find((p: any) => p.ID === 5).Price, -2.5);
    assert.deepEqual(list.map((p: any) => p.ID), [1, 2, 3, 4, 5, 6, 7, 99]);
  });

  test('GET one; unknown or malformed ID is 404 not_found', async () => {
    assert.deepEqual(expectOk(await api('GET', '/products/3')), { ID: 3, ProductName: 'Cocktail', Price: 8.9, Deposit: false, CrewBlocked: false });
    expectAdminError(await api('GET', '/products/4242'), 404, 'not_found');
    expectAdminError(await api('GET', '/products/abc'), 404, 'not_found');
  });

  test('POST creates (201) with the next free ID, terminals get updatepos, and an assignment sells it', async () => {
    const created = await changes(async () => expectOk(await api('POST', '/products', { ProductName: 'Radler', Price: 3.85 }), 201));
    assert.deepEqual(created, { ID: 100, ProductName: 'Radler', Price: 3.85, Deposit: false, CrewBlocked: false });
    assert.deepEqual(expectOk(await api('GET', '/products/100')), created);
    await changes(async () => expectOk(await api('PATCH', '/pos/2', { products: [1, 6, 100] })));
    const t = await term();
    const p = expectEvent(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 2 }), 'listproducts');
    assert.deepEqual(p.Products.find((x: any) => x.ID === 100), { ID: 100, ProductName: 'Radler', Price: 3.85, Deposit: false, CrewBlocked: false, Amount: 0 });
    const sale = expectEvent(await t.request('payitems', { api_key: KEYS.alpha, POSID: 2, PaymentMethod: 1, Products: [{ ID: 100, Amount: 2 }] }), 'payitem');
    assert.equal(sale.Total, 7.7);
  });

  test('POST with an explicit ID; a taken ID is 409 conflict', async () => {
    const created = expectOk(await api('POST', '/products', { ID: 42, ProductName: 'Chips', Price: 2, Deposit: false, CrewBlocked: true }), 201);
    assert.equal(created.ID, 42);
    assert.equal(created.CrewBlocked, true);
    expectAdminError(await api('POST', '/products', { ID: 42, ProductName: 'Chips again', Price: 2 }), 409, 'conflict');
  });

  test('PATCH changes only the given fields and answers 200 with the changed object; terminals see the new price', async () => {
    const changed = await changes(async () => expectOk(await api('PATCH', '/products/3', { Price: 9.5 })));
    assert.deepEqual(changed, { ID: 3, ProductName: 'Cocktail', Price: 9.5, Deposit: false, CrewBlocked: false });
    const t = await term();
    const p = expectEvent(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 1 }), 'listproducts');
    assert.equal(p.Products.find((x: any) => x.ID === 3).Price, 9.5);
    expectAdminError(await api('PATCH', '/products/4242', { Price: 1 }), 404, 'not_found');
    expectAdminError(await api('PATCH', '/products/3', { ID: 4 }), 400, 'invalid_parameter', 'ID');
  });

  test('DELETE takes a product off sale: gone from the list and from every POS', async () => {
    expectOk(await api('POST', '/products', { ID: 43, ProductName: 'Eis', Price: 2.2 }), 201);
    await changes(async () => expectOk(await api('PATCH', '/pos/1', { products: [1, 2, 3, 4, 5, 7, 43] })));
    const removed = await changes(async () => expectOk(await api('DELETE', '/products/43')));
    assert.equal(removed.ID, 43);
    expectAdminError(await api('GET', '/products/43'), 404, 'not_found');
    assert.deepEqual(expectOk(await api('GET', '/pos/1')).products, [1, 2, 3, 4, 5, 7]);
    expectAdminError(await api('DELETE', '/products/43'), 404, 'not_found');
  });

  test('the deposit product cannot be deleted while it is the deposit product (409)', async () => {
    expectAdminError(await api('DELETE', '/products/99'), 409, 'conflict');
    expectOk(await api('GET', '/products/99'));
  });
});

describe('validation: 400 with the error name and the field, and nothing written', () => {
  test('a price with 3 decimals', async () => {
    expectAdminError(await api('POST', '/products', { ProductName: 'Bad', Price: 1.234 }), 400, 'invalid_parameter', 'Price');
    expectAdminError(await api('PATCH', '/products/1', { Price: 4.555 }), 400, 'invalid_parameter', 'Price');
    assert.equal(expectOk(await api('GET', '/products/1')).Price, 4.5);
  });

  test('a missing ProductName is missing_parameter', async () => {
    const before = expectOk(await api('GET', '/products')).length;
    expectAdminError(await api('POST', '/products', { Price: 1 }), 400, 'missing_parameter', 'ProductName');
    expectAdminError(await api('POST', '/products', { ProductName: 'No price' }), 400, 'missing_parameter', 'Price');
    expectAdminError(await api('POST', '/payment-methods', { color: 'btn-info' }), 400, 'missing_parameter', 'Payment');
    expectAdminError(await api('POST', '/pos', { products: [] }), 400, 'missing_parameter', 'PointOfSale');
    assert.equal(expectOk(await api('GET', '/products')).length, before);
  });

  test('wrong types', async () => {
    expectAdminError(await api('POST', '/products', { ProductName: 'X', Price: '4.50' }), 400, 'invalid_parameter', 'Price');
    expectAdminError(await api('POST', '/products', { ProductName: 12, Price: 1 }), 400, 'invalid_parameter', 'ProductName');
    expectAdminError(await api('POST', '/products', { ProductName: 'X', Price: 1, Deposit: 'yes' }), 400, 'invalid_parameter', 'Deposit');
    expectAdminError(await api('POST', '/products', { ID: 1.5, ProductName: 'X', Price: 1 }), 400, 'invalid_parameter', 'ID');
    expectAdminError(await api('PATCH', '/payment-methods/1', { crew: 'no' }), 400, 'invalid_parameter', 'crew');
    expectAdminError(await api('PATCH', '/pos/1', { enabled: 'true' }), 400, 'invalid_parameter', 'enabled');
    expectAdminError(await api('PATCH', '/pos/1', { products: 'all' }), 400, 'invalid_parameter', 'products');
    const element = await api('PATCH', '/pos/1', { products: [1, 1.5] });
    expectAdminError(element, 400, 'invalid_parameter');
    assert.match(element.body.field, /^products/);
    expectAdminError(await api('PATCH', '/pos/1', { password: 7 }), 400, 'invalid_parameter', 'password');
  });

  test('a body that is not a JSON object', async () => {
    const raw = async (text: string) => {
      const res = await fetch(`${fx.server.url.replace('ws:', 'http:')}/api/admin/alpha/products`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEYS.alpha}`, 'content-type': 'application/json' },
        body: text,
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    for (const text of ['{nope', '[1,2]', '"x"', 'null']) {
      const r = await raw(text);
      assert.equal(r.status, 400, text);
      assert.equal(r.body.error, 'invalid_parameter', text);
    }
  });

  test('assignments must name existing products and payment methods', async () => {
    expectAdminError(await api('PATCH', '/pos/1', { products: [1, 4242] }), 400, 'invalid_parameter', 'products');
    expectAdminError(await api('PATCH', '/pos/1', { payment_methods: [4242] }), 400, 'invalid_parameter', 'payment_methods');
  });
});

describe('payment methods', () => {
  test('list, read, create, change, delete', async () => {
    const list = expectOk(await api('GET', '/payment-methods'));
    assert.deepEqual(list[0], { ID: 1, Payment: 'Bar', color: 'btn-success', crew: false });
    assert.deepEqual(list.map((m: any) => m.ID), [1, 2, 3, 4]);
    assert.deepEqual(expectOk(await api('GET', '/payment-methods/3')), { ID: 3, Payment: 'Crew', color: 'btn-warning', crew: true });
    const created = await changes(async () => expectOk(await api('POST', '/payment-methods', { Payment: 'Twint', color: 'btn-dark' }), 201));
    assert.deepEqual(created, { ID: 5, Payment: 'Twint', color: 'btn-dark', crew: false });
    const changed = await changes(async () => expectOk(await api('PATCH', '/payment-methods/5', { crew: true })));
    assert.deepEqual(changed, { ID: 5, Payment: 'Twint', color: 'btn-dark', crew: true });
    await changes(async () => expectOk(await api('PATCH', '/pos/2', { payment_methods: [1, 4, 5] })));
    const t = await term();
    assert.deepEqual(expectEvent(await t.request('listpm', { api_key: KEYS.alpha, POSID: 2 }), 'listpm').PaymentMethods.map((m: any) => m.ID), [1, 4, 5]);
    await changes(async () => expectOk(await api('DELETE', '/payment-methods/5')));
    expectAdminError(await api('GET', '/payment-methods/5'), 404, 'not_found');
    assert.deepEqual(expectEvent(await t.request('listpm', { api_key: KEYS.alpha, POSID: 2 }), 'listpm').PaymentMethods.map((m: any) => m.ID), [1, 4]);
  });
});

describe('points of sale', () => {
  test('list and read show assignments and whether a password is set, never the secret', async () => {
    const list = expectOk(await api('GET', '/pos'));
    const three = list.find((p: any) => p.ID === 3);
    assert.deepEqual(three, { ID: 3, PointOfSale: 'Backstage', enabled: true, special: true, admin: false, password: true, products: [1, 2], payment_methods: [1, 3] });
    assert.equal(expectOk(await api('GET', '/pos/1')).password, false);
    assert.ok(!JSON.stringify(list).includes('alpha-bar-secret'));
  });

  test('create with assignments and a password; verifyauth honours it; PATCH null clears it', async () => {
    const created = await changes(async () =>
      expectOk(await api('POST', '/pos', { PointOfSale: 'Zelt', products: [1, 4], payment_methods: [1], password: 'zelt-secret' }), 201),
    );
    assert.deepEqual(created, { ID: 9, PointOfSale: 'Zelt', enabled: true, special: false, admin: false, password: true, products: [1, 4], payment_methods: [1] });
    const t = await term();
    const wrong = expectEvent(await t.request('verifyauth', { api_key: KEYS.alpha, workplace: 9, password: 'nope' }), 'verifyauth');
    assert.equal(wrong.success, false);
    const right = expectEvent(await t.request('verifyauth', { api_key: KEYS.alpha, workplace: 9, password: 'zelt-secret' }), 'verifyauth');
    assert.equal(right.success, true);
    expectError(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 9 }), 'invalid_password', 4011);
    expectEvent(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 9, posPassword: right.password }), 'listproducts');

    // A PATCH without `password` keeps it.
    const renamed = await changes(async () => expectOk(await api('PATCH', '/pos/9', { PointOfSale: 'Großes Zelt' })));
    assert.equal(renamed.password, true);
    expectError(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 9 }), 'invalid_password', 4011);

    // A new password replaces the old one.
    expectOk(await api('PATCH', '/pos/9', { password: 'zelt-2' }));
    assert.equal(expectEvent(await t.request('verifyauth', { api_key: KEYS.alpha, workplace: 9, password: 'zelt-secret' }), 'verifyauth').success, false);
    assert.equal(expectEvent(await t.request('verifyauth', { api_key: KEYS.alpha, workplace: 9, password: 'zelt-2' }), 'verifyauth').success, true);

    const cleared = await changes(async () => expectOk(await api('PATCH', '/pos/9', { password: null })));
    assert.equal(cleared.password, false);
    const open9 = expectEvent(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 9 }), 'listproducts');
    assert.deepEqual(open9.Products.map((p: any) => p.ID), [1, 4]);
    const listed = expectEvent(await t.request('listpos', { api_key: KEYS.alpha }), 'listpos');
    assert.equal(listed.POS.find((p: any) => p.ID === 9).password, false);
  });

  test('a token survives a rename but not a password change', async () => {
    expectOk(await api('POST', '/pos', { ID: 21, PointOfSale: 'Token Bar', products: [1], payment_methods: [1], password: 'token-1' }), 201);
    const t = await term();
    const token = expectEvent(await t.request('verifyauth', { api_key: KEYS.alpha, workplace: 21, password: 'token-1' }), 'verifyauth').password;
    expectOk(await api('PATCH', '/pos/21', { PointOfSale: 'Token Bar 2' }));
    expectEvent(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 21, posPassword: token }), 'listproducts');
    expectOk(await api('PATCH', '/pos/21', { password: 'token-2' }));
    expectError(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 21, posPassword: token }), 'invalid_password', 4011);
    expectError(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 21, posPassword: 'token-1' }), 'invalid_password', 4011);
    expectEvent(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 21, posPassword: 'token-2' }), 'listproducts');
  });

  test('PATCH changes assignments; DELETE removes the POS', async () => {
    const created = expectOk(await api('POST', '/pos', { ID: 20, PointOfSale: 'Food', enabled: false, products: [4], payment_methods: [2] }), 201);
    assert.equal(created.enabled, false);
    const changed = await changes(async () => expectOk(await api('PATCH', '/pos/20', { enabled: true, products: [4, 7], payment_methods: [1, 2] })));
    assert.deepEqual(changed, { ID: 20, PointOfSale: 'Food', enabled: true, special: false, admin: false, password: false, products: [4, 7], payment_methods: [1, 2] });
    await changes(async () => expectOk(await api('DELETE', '/pos/20')));
    expectAdminError(await api('GET', '/pos/20'), 404, 'not_found');
    const t = await term();
    expectError(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 20 }), 'not_found', 4010);
  });
});

describe('config', () => {
  test('GET is the key-value config with deposit_product among its keys', async () => {
    const config = expectOk(await api('GET', '/config'));
    assert.equal(config.deposit_product, '99');
    assert.equal(config.currency, 'EUR');
    assert.equal(config.tables, '12');
    for (const v of Object.values(config)) assert.equal(typeof v, 'string');
  });

  test('PUT replaces it; terminals get updatepos and see the new values and deposit', async () => {
    const current = expectOk(await api('GET', '/config'));
    expectOk(await api('POST', '/products', { ID: 98, ProductName: 'Becherpfand', Price: 1 }), 201);
    const next = { ...current, motto: 'Neu', deposit_product: 98, tables: 14 };
    const written = await changes(async () => expectOk(await api('PUT', '/config', next)));
    assert.equal(written.deposit_product, '98');
    assert.equal(written.tables, '14');
    assert.deepEqual(expectOk(await api('GET', '/config')), written);
    const t = await term();
    assert.deepEqual(expectEvent(await t.request('getdeposit', { api_key: KEYS.alpha }), 'getdeposit').Deposit, { ID: 98, ProductName: 'Becherpfand', Price: 1 });
    assert.equal(expectEvent(await t.request('getconfig', { api_key: KEYS.alpha }), 'getconfig').Config.motto, 'Neu');
    // Product 99 is no longer the deposit product; 98 now is.
    expectAdminError(await api('DELETE', '/products/98'), 409, 'conflict');
    await changes(async () => expectOk(await api('PUT', '/config', { ...written, deposit_product: 99 })));
  });

  test('PUT refuses an unknown deposit product and a bad ticket_limit, writing nothing', async () => {
    const before = expectOk(await api('GET', '/config'));
    expectAdminError(await api('PUT', '/config', { ...before, deposit_product: 4242 }), 400, 'invalid_parameter', 'deposit_product');
    expectAdminError(await api('PUT', '/config', { ...before, ticket_limit: 'ten' }), 400, 'invalid_parameter', 'ticket_limit');
    expectAdminError(await api('PUT', '/config', { ...before, motto: { nested: true } }), 400, 'invalid_parameter', 'motto');
    expectAdminError(await api('PUT', '/config', [1]), 400, 'invalid_parameter');
    assert.deepEqual(expectOk(await api('GET', '/config')), before);
  });
});

describe('license limits', () => {
  const capped = () => adminClient(fx.server.url, 'capped', 'capped-admin-key');

  test('ProductLimit, PaymentLimit and POSLimit → 400 limit_reached naming the limit', async () => {
    expectAdminError(await capped()('POST', '/products', { ProductName: 'Fourth', Price: 1 }), 400, 'limit_reached', 'ProductLimit');
    expectAdminError(await capped()('POST', '/payment-methods', { Payment: 'Second' }), 400, 'limit_reached', 'PaymentLimit');
    expectAdminError(await capped()('POST', '/pos', { PointOfSale: 'Second' }), 400, 'limit_reached', 'POSLimit');
    assert.equal(expectOk(await capped()('GET', '/products')).length, 3);
    // Changing what exists is still allowed.
    expectOk(await capped()('PATCH', '/products/2', { Price: 3.5 }));
  });
});

describe('audit log', () => {
  test('newest first, with time, key fingerprint, what, before and after; never the key itself', async () => {
    expectOk(await api('PATCH', '/products/4', { ProductName: 'Laugenbrezel' }));
    const log = expectOk(await api('GET', '/audit'));
    assert.ok(Array.isArray(log) && log.length > 5);
    const entry = log[0];
    assert.deepEqual(Object.keys(entry).sort(), ['action', 'after', 'at', 'before', 'key']);
    assert.match(entry.action, /update product 4/);
    assert.ok(Math.abs(Date.parse(entry.at) - Date.now()) < 60_000, entry.at);
    assert.equal(entry.before.ProductName, 'Brezel');
    assert.equal(entry.after.ProductName, 'Laugenbrezel');
    assert.ok(!JSON.stringify(log).includes(ADMIN_KEYS.alpha));
    assert.ok(!JSON.stringify(log).includes('scrypt$'), 'no password hash in the audit log');
    assert.ok(!JSON.stringify(log).includes('zelt-secret'), 'no password in the audit log');
    // The fingerprint is the same for every change by the same key, and is not the key.
    assert.equal(typeof entry.key, 'string');
    assert.ok(entry.key.length >= 8);
    assert.equal(log[1].key, entry.key);
    assert.ok(Date.parse(log[1].at) <= Date.parse(entry.at), 'newest first');
    // A creation has no before, a deletion no after.
    const creation = log.find((e: any) => e.action === 'create product 42');
    assert.ok(creation, 'the creation of product 42 is logged');
    assert.equal(creation.before, null);
    assert.equal(creation.after.ID, 42);
    const deletion = log.find((e: any) => e.action === 'delete product 43');
    assert.ok(deletion, 'the deletion of product 43 is logged');
    assert.equal(deletion.before.ID, 43);
    assert.equal(deletion.after, null);
    // Other instances' changes are not in this log.
    const beta = expectOk(await adminClient(fx.server.url, 'beta', ADMIN_KEYS.beta)('GET', '/audit'));
    assert.ok(!JSON.stringify(beta).includes('Laugenbrezel'));
  });

  test('a refused change writes no audit entry', async () => {
    const before = expectOk(await api('GET', '/audit')).length;
    expectAdminError(await api('POST', '/products', { ProductName: 'Bad', Price: 1.234 }), 400, 'invalid_parameter', 'Price');
    expectAdminError(await api('DELETE', '/products/99'), 409, 'conflict');
    assert.equal(expectOk(await api('GET', '/audit')).length, before);
  });
});

describe('concurrent admins', () => {
  test('creations without ID at the same time all succeed, with distinct IDs', async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => api('POST', '/products', { ProductName: `Parallel ${i}`, Price: 1 })));
    for (const a of answers) assert.equal(a.status, 201, a.text);
    const created = answers.map((a) => a.body.ID);
    assert.equal(new Set(created).size, created.length, `distinct IDs: ${created}`);
    const list = expectOk(await api('GET', '/products'));
    for (const id of created) assert.ok(list.some((p: any) => p.ID === id));
  });

  test('PATCHes of different fields at the same time lose none of them', async () => {
    expectOk(await api('POST', '/pos', { ID: 30, PointOfSale: 'Race', enabled: false, products: [], payment_methods: [] }), 201);
    const changes = [{ PointOfSale: 'Race 2' }, { enabled: true }, { special: true }, { admin: true }, { products: [1, 2] }, { payment_methods: [1] }];
    const answers = await Promise.all(changes.map((c) => api('PATCH', '/pos/30', c)));
    for (const a of answers) assert.equal(a.status, 200, a.text);
    assert.deepEqual(expectOk(await api('GET', '/pos/30')), {
      ID: 30,
      PointOfSale: 'Race 2',
      enabled: true,
      special: true,
      admin: true,
      password: false,
      products: [1, 2],
      payment_methods: [1],
    });
  });

  test('a PATCH at the same time as a password change keeps the new password', async () => {
    expectOk(await api('POST', '/pos', { ID: 31, PointOfSale: 'Race PW', products: [1], payment_methods: [1] }), 201);
    const [a, b] = await Promise.all([api('PATCH', '/pos/31', { password: 'race-secret' }), api('PATCH', '/pos/31', { PointOfSale: 'Race PW 2' })]);
    assert.equal(a.status, 200, a.text);
    assert.equal(b.status, 200, b.text);
    const pos = expectOk(await api('GET', '/pos/31'));
    assert.equal(pos.PointOfSale, 'Race PW 2');
    assert.equal(pos.password, true);
  });
});

describe('IDs of deleted items', () => {
  test('a creation without ID does not reuse the ID of a deleted item the ledger still names', async () => {
    const t = await term();
    const product = expectOk(await api('POST', '/products', { ProductName: 'Einmal', Price: 1.1 }), 201);
    const method = expectOk(await api('POST', '/payment-methods', { Payment: 'Einmal' }), 201);
    const pos = expectOk(await api('POST', '/pos', { PointOfSale: 'Einmal', products: [product.ID], payment_methods: [method.ID] }), 201);
    const sale = expectEvent(
      await t.request('payitems', { api_key: KEYS.alpha, POSID: pos.ID, PaymentMethod: method.ID, Products: [{ ID: product.ID, Amount: 1 }] }),
      'payitem',
    );
    assert.equal(sale.Total, 1.1);
    expectOk(await api('DELETE', `/pos/${pos.ID}`));
    expectOk(await api('DELETE', `/products/${product.ID}`));
    expectOk(await api('DELETE', `/payment-methods/${method.ID}`));
    const again = {
      product: expectOk(await api('POST', '/products', { ProductName: 'Zweimal', Price: 2 }), 201).ID,
      method: expectOk(await api('POST', '/payment-methods', { Payment: 'Zweimal' }), 201).ID,
      pos: expectOk(await api('POST', '/pos', { PointOfSale: 'Zweimal' }), 201).ID,
    };
    // Otherwise the old sale would count as the new item's in totals and exports.
    assert.ok(again.product > product.ID, `product ${again.product} after ${product.ID}`);
    assert.ok(again.method > method.ID, `payment method ${again.method} after ${method.ID}`);
    assert.ok(again.pos > pos.ID, `point of sale ${again.pos} after ${pos.ID}`);
  });
});

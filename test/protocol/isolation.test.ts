import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ALPHA_ADMIN_KEY,
  ALPHA_PASSWORD,
  BETA_PASSWORD,
  KEYS,
  alphaInstance,
  betaInstance,
  connect,
  expectError,
  expectEvent,
  rowHash,
  startFixtureServer,
  transactionsOf,
  type FixtureServer,
} from '../helpers/protocol-fixtures.js';
import type { Terminal } from '../helpers/terminal.js';

// Tenant isolation: PROTOCOL.md §2 (keys per instance), §4 (per-instance IDs,
// POS tokens), §5 (lockout per POS), §7 (admin key ≠ api key).
// Alpha and beta both have a POS 1 and a protected POS 3, and products 1 and 2.

let fx: FixtureServer;
const open: Terminal[] = [];
async function term(slug: string): Promise<Terminal> {
  const t = await connect(fx.server, slug);
  open.push(t);
  return t;
}

before(async () => {
  fx = await startFixtureServer(['--password-failures', '3', '--no-rate-limit'], [alphaInstance(), betaInstance()]);
});
after(async () => {
  for (const t of open) t.close();
  await fx.stop();
});

/** Strings that identify alpha and must never reach a beta terminal. */
const ALPHA_SECRETS = ['alpha', 'Alpha', KEYS.alpha, ALPHA_ADMIN_KEY, ALPHA_PASSWORD, 'Bier', 'Cocktail', 'Backstage', 'Bar Nord', 'ALPHA-1'];

function assertNoAlphaData(t: Terminal): void {
  for (const raw of t.raw) for (const s of ALPHA_SECRETS) assert.ok(!raw.includes(s), `a beta frame mentions "${s}": ${raw.slice(0, 300)}`);
}

describe('tenant isolation', () => {
  test('both instances number their tickets and rows from 1', async () => {
    const a = await term('alpha');
    const b = await term('beta');
    const sa = expectEvent(await a.request('payitems', { api_key: KEYS.alpha, POSID: 1, PaymentMethod: 1, Products: [{ ID: 1, Amount: 2 }] }), 'payitem');
    const sa2 = expectEvent(await a.request('payitems', { api_key: KEYS.alpha, POSID: 1, PaymentMethod: 1, Products: [{ ID: 3, Amount: 1 }] }), 'payitem');
    const sb = expectEvent(await b.request('payitems', { api_key: KEYS.beta, POSID: 1, PaymentMethod: 1, Products: [{ ID: 2, Amount: 1 }] }), 'payitem');
    assert.equal(sa.TicketID, 1);
    assert.equal(sa2.TicketID, 2);
    assert.equal(sb.TicketID, 1, 'beta cannot infer alpha volume from its TicketIDs');
    assert.deepEqual(sb.Transactions.map((r: any) => r.ID), [1]);
    assert.equal(sb.Total, 3);
    assertNoAlphaData(b);
  });

  test("A's key on B's URL → api_key_mismatch; the message names no alpha data", async () => {
    const b = await term('beta');
    expectError(await b.request('listpos', { api_key: KEYS.alpha }), 'api_key_mismatch', 4006);
    expectError(await b.request('listtransactions', { api_key: KEYS.alpha, POSID: 1 }), 'api_key_mismatch', 4006);
    expectError(await b.request('payitems', { api_key: KEYS.alpha, POSID: 1, PaymentMethod: 1, Products: [{ ID: 1, Amount: 1 }] }), 'api_key_mismatch', 4006);
    expectError(await b.request('listpos', { api_key: ALPHA_ADMIN_KEY }), 'api_key_mismatch', 4006);
    assertNoAlphaData(b);
    const a = await term('alpha');
    expectError(await a.request('listpos', { api_key: KEYS.beta }), 'api_key_mismatch', 4006);
  });

  test("A's POS token as posPassword on B's POS with the same ID → invalid_password", async () => {
    const a = await term('alpha');
    const token = expectEvent(await a.request('verifyauth', { api_key: KEYS.alpha, password: ALPHA_PASSWORD, workplace: 3 }), 'verifyauth').password as string;
    expectEvent(await a.request('listproducts', { api_key: KEYS.alpha, POSID: 3, posPassword: token }), 'listproducts');
    const b = await term('beta');
    expectError(await b.request('listproducts', { api_key: KEYS.beta, POSID: 3, posPassword: token }), 'invalid_password', 4011);
    expectError(
      await b.request('payitems', { api_key: KEYS.beta, POSID: 3, PaymentMethod: 1, Products: [{ ID: 2, Amount: 1 }], posPassword: token }),
      'invalid_password',
      4011,
    );
    // and beta's own password still works (2 failures < 3)
    const bt = expectEvent(await b.request('verifyauth', { api_key: KEYS.beta, password: BETA_PASSWORD, workplace: 3 }), 'verifyauth');
    assert.equal(bt.success, true);
    expectEvent(await b.request('listproducts', { api_key: KEYS.beta, POSID: 3, posPassword: bt.password }), 'listproducts');
    // beta's token does not open alpha's POS 3 either
    expectError(await a.request('listproducts', { api_key: KEYS.alpha, POSID: 3, posPassword: bt.password }), 'invalid_password', 4011);
    assertNoAlphaData(b);
  });

  test("B's listtransactions never shows A's rows", async () => {
    const a = await term('alpha');
    for (let i = 0; i < 3; i++) expectEvent(await a.request('payitems', { api_key: KEYS.alpha, POSID: 1, PaymentMethod: 1, Products: [{ ID: 2, Amount: 1 }] }), 'payitem');
    const b = await term('beta');
    const rowsB = await transactionsOf(b, KEYS.beta, 1);
    const rowsA = await transactionsOf(a, KEYS.alpha, 1);
    assert.ok(rowsA.length >= 6);
    assert.ok(rowsB.length >= 1);
    // beta rows are exactly beta's sales: espresso at 3.00 (or Weisswein + Glaspfand)
    for (const r of rowsB) assert.ok([1, 2, 50].includes(r.Product_ID), JSON.stringify(r));
    const hashesA = new Set(rowsA.map((r) => r.hash));
    for (const r of rowsB) assert.ok(!hashesA.has(r.hash));
    // beta's chain starts at beta's own genesis with beta's slug
    const first = [...rowsB].sort((x, y) => x.ID - y.ID)[0];
    assert.equal(first.ID, 1);
    assert.equal(first.hash, rowHash('0'.repeat(128), 'beta', first));
    assertNoAlphaData(b);
  });

  test('the same RequestID in two instances books two independent sales', async () => {
    const a = await term('alpha');
    const b = await term('beta');
    const sa = expectEvent(await a.request('payitems', { api_key: KEYS.alpha, POSID: 1, PaymentMethod: 1, Products: [{ ID: 3, Amount: 1 }], RequestID: 'shared-id' }), 'payitem');
    const sb = expectEvent(await b.request('payitems', { api_key: KEYS.beta, POSID: 1, PaymentMethod: 1, Products: [{ ID: 2, Amount: 2 }], RequestID: 'shared-id' }), 'payitem');
    assert.equal(sa.Duplicate, false);
    assert.equal(sb.Duplicate, false, 'a RequestID used by another instance is no conflict');
    assert.equal(sb.Total, 6);
    assertNoAlphaData(b);
  });

  test('beta cannot use alpha products, methods or points of sale', async () => {
    const b = await term('beta');
    // alpha has product 3 (Cocktail), method 3 (Crew), POS 2 (Bar Süd); beta has none of them
    expectError(await b.request('payitems', { api_key: KEYS.beta, POSID: 1, PaymentMethod: 1, Products: [{ ID: 3, Amount: 1 }] }), 'not_found', 4010);
    expectError(await b.request('payitems', { api_key: KEYS.beta, POSID: 1, PaymentMethod: 3, Products: [{ ID: 2, Amount: 1 }] }), 'not_found', 4010);
    expectError(await b.request('listproducts', { api_key: KEYS.beta, POSID: 2 }), 'not_found', 4010);
    expectError(await b.request('listtransactions', { api_key: KEYS.beta, POSID: 2 }), 'not_found', 4010);
    expectError(await b.request('registerdevice', { api_key: KEYS.beta, UUID: '6e613e9f-4a3c-41b7-a89b-dd0c70961aa4', workplace: 2 }), 'not_found', 4010);
    const pos = expectEvent(await b.request('listpos', { api_key: KEYS.beta }), 'listpos');
    assert.deepEqual(pos.POS.map((p: any) => p.ID), [1, 3]);
    const config = expectEvent(await b.request('getconfig', { api_key: KEYS.beta }), 'getconfig');
    assert.equal(config.Config.currency, 'CHF');
    assert.equal(config.Config.ticket_limit, undefined);
    const deposit = expectEvent(await b.request('getdeposit', { api_key: KEYS.beta }), 'getdeposit');
    assert.deepEqual(deposit.Deposit, { ID: 50, ProductName: 'Glaspfand', Price: 1.5 });
    assertNoAlphaData(b);
  });

  test("a lockout of alpha's POS 3 does not lock beta's POS 3", async () => {
    const a = await term('alpha');
    // alpha POS 3 already has one failure (beta's token above); two more lock it
    for (let i = 0; i < 2; i++) {
      assert.equal(expectEvent(await a.request('verifyauth', { api_key: KEYS.alpha, password: `wrong-${i}`, workplace: 3 }), 'verifyauth').success, false);
    }
    expectError(await a.request('verifyauth', { api_key: KEYS.alpha, password: ALPHA_PASSWORD, workplace: 3 }), 'invalid_password', 4011);
    const b = await term('beta');
    const v = expectEvent(await b.request('verifyauth', { api_key: KEYS.beta, password: BETA_PASSWORD, workplace: 3 }), 'verifyauth');
    assert.equal(v.success, true);
    assertNoAlphaData(b);
  });

  test('a device UUID registered in alpha is new in beta', async () => {
    const uuid = '9b2f8c1e-3d4a-4e5f-8a6b-7c8d9e0f1a2b';
    const a = await term('alpha');
    assert.equal(expectEvent(await a.request('registerdevice', { api_key: KEYS.alpha, UUID: uuid, workplace: 1 }), 'registerdevice').New, true);
    const b = await term('beta');
    const p = expectEvent(await b.request('registerdevice', { api_key: KEYS.beta, UUID: uuid }), 'registerdevice');
    assert.equal(p.New, true);
    assert.equal(p.POSID, null, "alpha's workplace does not leak into beta");
  });
});

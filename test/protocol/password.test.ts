import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ALPHA_LOCK_PASSWORD,
  ALPHA_PASSWORD,
  KEYS,
  connect,
  expectError,
  expectEvent,
  startFixtureServer,
  type FixtureServer,
} from '../helpers/protocol-fixtures.js';
import type { Terminal } from '../helpers/terminal.js';

// PROTOCOL.md §4 (verifyauth, posPassword) and §5 (password lockout), with
// --password-failures 3. Alpha POS 3 and 5 share a password; POS 6, 7 and 8
// are used by one lockout test each.

let fx: FixtureServer;
const open: Terminal[] = [];
async function term(slug = 'alpha'): Promise<Terminal> {
  const t = await connect(fx.server, slug);
  open.push(t);
  return t;
}

before(async () => {
  fx = await startFixtureServer(['--password-failures', '3', '--no-rate-limit']);
});
after(async () => {
  for (const t of open) t.close();
  await fx.stop();
});

const verify = (t: Terminal, password: unknown, workplace: unknown) => t.request('verifyauth', { api_key: KEYS.alpha, password, workplace });

describe('verifyauth and posPassword', () => {
  test('the token from verifyauth opens the protected POS as posPassword', async () => {
    const t = await term();
    const v = expectEvent(await verify(t, ALPHA_PASSWORD, '3'), 'verifyauth');
    assert.deepEqual(Object.keys(v).sort(), ['password', 'success', 'workplace']);
    assert.equal(v.success, true);
    const token = v.password as string;
    const p = expectEvent(await t.request('listproducts', { api_key: KEYS.alpha, POSID: '3', posPassword: token }), 'listproducts');
    assert.deepEqual(p.Products.map((x: any) => x.ID), [1, 2]);
    expectEvent(await t.request('listpm', { api_key: KEYS.alpha, POSID: 3, posPassword: token }), 'listpm');
    const sale = expectEvent(
      await t.request('payitems', { api_key: KEYS.alpha, POSID: 3, PaymentMethod: 1, Products: [{ ID: 1, Amount: 1 }], posPassword: token }),
      'payitem',
    );
    assert.equal(sale.POSID, 3);
    const tx = expectEvent(await t.request('listtransactions', { api_key: KEYS.alpha, POSID: 3, posPassword: token }), 'listtransactions');
    assert.equal(tx.Count, 2);
  });

  test('the token works from another connection (it is not bound to the connection)', async () => {
    const t = await term();
    const token = expectEvent(await verify(t, ALPHA_PASSWORD, 3), 'verifyauth').password as string;
    t.close();
    const u = await term();
    expectEvent(await u.request('listproducts', { api_key: KEYS.alpha, POSID: 3, posPassword: token }), 'listproducts');
  });

  test('the password itself also works as posPassword', async () => {
    const t = await term();
    expectEvent(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 3, posPassword: ALPHA_PASSWORD }), 'listproducts');
  });

  test('a token of POS 3 does not open POS 5, even though both have the same password', async () => {
    const t = await term();
    const token = expectEvent(await verify(t, ALPHA_PASSWORD, 3), 'verifyauth').password as string;
    const r = expectError(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 5, posPassword: token }), 'invalid_password', 4011);
    assert.equal(r.command, 'listproducts');
  });

  test('a tampered token is refused', async () => {
    const t = await term();
    const token = expectEvent(await verify(t, ALPHA_PASSWORD, 5), 'verifyauth').password as string;
    const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    expectError(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 5, posPassword: tampered }), 'invalid_password', 4011);
    expectEvent(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 5, posPassword: token }), 'listproducts');
  });

  test('an open POS needs no posPassword; a protected one without it is invalid_password', async () => {
    const t = await term();
    expectEvent(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 1, posPassword: null }), 'listproducts');
    expectEvent(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 1 }), 'listproducts');
    const r = expectError(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 3 }), 'invalid_password', 4011);
    assert.equal(r.parameter, 'posPassword');
  });

  test('verifyauth with a wrong password: success false, password null', async () => {
    const t = await term();
    const v = expectEvent(await verify(t, 'wrong-guess', '5'), 'verifyauth');
    assert.equal(v.success, false);
    assert.equal(v.password, null);
    assert.equal(v.workplace, 5);
  });

  test('verifyauth for an unknown POS is not_found', async () => {
    const t = await term();
    expectError(await verify(t, 'x', 99), 'not_found', 4010);
  });
});

describe('lockout (--password-failures 3)', () => {
  test('after 3 wrong passwords even the right one answers invalid_password, also on a new connection', async () => {
    const t = await term();
    for (let i = 0; i < 3; i++) assert.equal(expectEvent(await verify(t, `guess-${i}`, 6), 'verifyauth').success, false);
    expectError(await verify(t, ALPHA_LOCK_PASSWORD, 6), 'invalid_password', 4011);
    expectError(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 6, posPassword: ALPHA_LOCK_PASSWORD }), 'invalid_password', 4011);
    const u = await term();
    expectError(await verify(u, ALPHA_LOCK_PASSWORD, 6), 'invalid_password', 4011);
    expectError(await u.request('listproducts', { api_key: KEYS.alpha, POSID: '6', posPassword: ALPHA_LOCK_PASSWORD }), 'invalid_password', 4011);
    expectError(
      await u.request('payitems', { api_key: KEYS.alpha, POSID: 6, PaymentMethod: 1, Products: [{ ID: 1, Amount: 1 }], posPassword: ALPHA_LOCK_PASSWORD }),
      'invalid_password',
      4011,
    );
  });

  test('the lockout is per POS: other points of sale with the same password still open', async () => {
    const t = await term();
    expectEvent(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 8, posPassword: ALPHA_LOCK_PASSWORD }), 'listproducts');
    expectEvent(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 1 }), 'listproducts');
  });

  test('missing or null posPassword does not count towards the lockout', async () => {
    const t = await term();
    for (let i = 0; i < 5; i++) {
      expectError(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 7, posPassword: null }), 'invalid_password', 4011);
      expectError(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 7 }), 'invalid_password', 4011);
    }
    const v = expectEvent(await verify(t, ALPHA_LOCK_PASSWORD, 7), 'verifyauth');
    assert.equal(v.success, true);
    expectEvent(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 7, posPassword: v.password }), 'listproducts');
  });

  test('wrong verifyauth passwords and wrong posPasswords count together', async () => {
    const t = await term();
    assert.equal(expectEvent(await verify(t, 'nope-1', 8), 'verifyauth').success, false);
    expectError(await t.request('listpm', { api_key: KEYS.alpha, POSID: 8, posPassword: 'nope-2' }), 'invalid_password', 4011);
    // still below the limit: the right password works
    expectEvent(await t.request('listpm', { api_key: KEYS.alpha, POSID: 8, posPassword: ALPHA_LOCK_PASSWORD }), 'listpm');
    expectError(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 8, posPassword: 'nope-3' }), 'invalid_password', 4011);
    expectError(await t.request('listpm', { api_key: KEYS.alpha, POSID: 8, posPassword: ALPHA_LOCK_PASSWORD }), 'invalid_password', 4011);
    expectError(await verify(t, ALPHA_LOCK_PASSWORD, 8), 'invalid_password', 4011);
  });
});

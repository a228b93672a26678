import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { adminClient, ADMIN_KEYS, expectOk, http, KEYS, startAdminServer, type AdminServer, type Answer } from '../helpers/admin.js';
import { ALPHA_PASSWORD, connect, expectError, expectEvent, sleep } from '../helpers/protocol-fixtures.js';
import { runCli } from '../helpers/server.js';
import type { Terminal } from '../helpers/terminal.js';

// PROTOCOL.md §9 admin API auth: every kind of refusal looks the same, admin
// and terminal keys never stand in for each other, failures lock an address
// out, and no key reaches the log.

let gw: AdminServer;
let locking: AdminServer;
const open: Terminal[] = [];
const WRONG = 'not-the-admin-key-3141';

before(async () => {
  // Debug logging, so the key check below reads everything the gateway can log.
  [gw, locking] = await Promise.all([
    startAdminServer(['--no-rate-limit', '--admin-failures', '1000', '--log-level', 'debug']),
    startAdminServer(['--admin-failures', '3', '--admin-window-ms', '4000']),
  ]);
});
after(async () => {
  for (const t of open) t.close();
  await Promise.all([gw.stop(), locking.stop()]);
});

/** Status, body and every header except Date: what a client can compare between answers. */
function shape(a: Answer): object {
  const headers = Object.fromEntries([...a.headers.entries()].filter(([k]) => k !== 'date'));
  return { status: a.status, text: a.text, headers };
}

describe('unauthorized answers are identical', () => {
  test('missing key, wrong key, another instance\'s admin key, a terminal key, an unknown slug: the same 401', async () => {
    const base = gw.server.url;
    const refusals: [string, Promise<Answer>][] = [
      ['no key', http(base, 'GET', '/api/admin/alpha/products')],
      ['wrong key', http(base, 'GET', '/api/admin/alpha/products', { key: WRONG })],
      ['beta admin key', http(base, 'GET', '/api/admin/alpha/products', { key: ADMIN_KEYS.beta })],
      ['terminal api_key', http(base, 'GET', '/api/admin/alpha/products', { key: KEYS.alpha })],
      ['unknown slug', http(base, 'GET', '/api/admin/nosuch/products', { key: ADMIN_KEYS.alpha })],
      ['unknown slug, no key', http(base, 'GET', '/api/admin/nosuch/products')],
      ['instance without admin key', http(base, 'GET', '/api/admin/plain/products', { key: ADMIN_KEYS.alpha })],
      ['Basic scheme', http(base, 'GET', '/api/admin/alpha/products', { headers: { authorization: `Basic ${ADMIN_KEYS.alpha}` } })],
      ['lowercase bearer, extra text', http(base, 'GET', '/api/admin/alpha/products', { headers: { authorization: `Bearer ${ADMIN_KEYS.alpha} x` } })],
      ['malformed slug encoding', http(base, 'GET', '/api/admin/%E0%A4%A/products', { key: ADMIN_KEYS.alpha })],
      ['unknown route', http(base, 'GET', '/api/admin/alpha/nonesuch', { key: WRONG })],
      ['unknown route, unknown slug', http(base, 'DELETE', '/api/admin/nosuch/nonesuch')],
      ['a write', http(base, 'POST', '/api/admin/alpha/products', { key: WRONG, body: { ProductName: 'X', Price: 1 } })],
    ];
    const answers = await Promise.all(refusals.map(([, p]) => p));
    const first = answers[0]!;
    assert.equal(first.status, 401);
    assert.equal(first.text, '{"error":"unauthorized"}');
    answers.forEach((a, i) => assert.deepEqual(shape(a), shape(first), refusals[i]![0]));
    // Nothing was written.
    assert.ok(!expectOk(await adminClient(base, 'alpha', ADMIN_KEYS.alpha)('GET', '/products')).some((p: any) => p.ProductName === 'X'));
  });

  test('an unknown slug takes as long to refuse as a wrong key (no timing oracle)', async () => {
    const time = async (slug: string): Promise<number> => {
      const started = process.hrtime.bigint();
      const r = await http(gw.server.url, 'GET', `/api/admin/${slug}/config`, { key: `${WRONG}-${Math.random()}` });
      assert.equal(r.status, 401);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 7; i++) {
      known.push(await time('alpha'));
      unknown.push(await time(`nosuch${i}`));
    }
    // A wrong key costs a slow hash; an unknown slug must cost about as much.
    assert.ok(median(unknown) > median(known) * 0.3, `known ${median(known)} ms, unknown ${median(unknown)} ms`);
  });

  test('the right key answers, on the instance it belongs to only', async () => {
    expectOk(await adminClient(gw.server.url, 'alpha', ADMIN_KEYS.alpha)('GET', '/config'));
    expectOk(await adminClient(gw.server.url, 'beta', ADMIN_KEYS.beta)('GET', '/config'));
    assert.equal((await adminClient(gw.server.url, 'beta', ADMIN_KEYS.alpha)('GET', '/config')).status, 401);
  });
});

describe('admin and terminal keys are separate', () => {
  test('the admin key is not a terminal api_key on the WebSocket', async () => {
    const t = await connect(gw.server, 'alpha');
    open.push(t);
    expectError(await t.request('listpos', { api_key: ADMIN_KEYS.alpha }), 'api_key_mismatch', 4006);
    expectError(await t.request('getconfig', { api_key: ADMIN_KEYS.beta }), 'api_key_mismatch', 4006);
    expectEvent(await t.request('listpos', { api_key: KEYS.alpha }), 'listpos');
  });
});

describe('admin-key CLI', () => {
  test('prints a new key alone on stdout; the old key stops working on the running gateway', async () => {
    const r = await runCli(['admin-key', '--instance', 'beta', ...gw.storeArgs]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\S{16,}\n$/);
    const key = r.stdout.trim();
    const beta = (k: string) => adminClient(gw.server.url, 'beta', k)('GET', '/config');
    const deadline = Date.now() + 1000;
    while ((await beta(key)).status !== 200) {
      assert.ok(Date.now() < deadline, 'the new key works within 1 s');
      await sleep(50);
    }
    assert.equal((await beta(ADMIN_KEYS.beta)).status, 401);
    // It is an admin key only.
    const t = await connect(gw.server, 'beta');
    open.push(t);
    expectError(await t.request('listpos', { api_key: key }), 'api_key_mismatch', 4006);
    // A second run replaces it again.
    const again = await runCli(['admin-key', '--instance', 'beta', ...gw.storeArgs]);
    assert.equal(again.code, 0, again.stderr);
    assert.notEqual(again.stdout.trim(), key);
    assert.equal((await beta(again.stdout.trim())).status, 200);
    assert.equal((await beta(key)).status, 401);
    assert.ok(!gw.server.output().includes(key), 'the new key is not in the gateway log');
  });

  test('an unknown instance exits 1, no --instance exits 2', async () => {
    const unknown = await runCli(['admin-key', '--instance', 'nosuch', ...gw.storeArgs]);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stdout, '');
    const usage = await runCli(['admin-key', ...gw.storeArgs]);
    assert.equal(usage.code, 2);
    assert.equal(usage.stdout, '');
  });
});

describe('lockout after repeated failures', () => {
  test('after the configured failures every admin request of the address gets 429 with Retry-After, right or wrong', async () => {
    const base = locking.server.url;
    const right = () => http(base, 'GET', '/api/admin/alpha/config', { key: ADMIN_KEYS.alpha });
    assert.equal((await right()).status, 200);
    for (let i = 0; i < 3; i++) assert.equal((await http(base, 'GET', '/api/admin/alpha/config', { key: WRONG })).status, 401, `failure ${i + 1}`);
    const locked = [
      await right(),
      await http(base, 'GET', '/api/admin/alpha/config', { key: WRONG }),
      await http(base, 'GET', '/api/admin/beta/products', { key: ADMIN_KEYS.beta }),
      await http(base, 'GET', '/api/admin/nosuch/products'),
      await http(base, 'POST', '/api/admin/alpha/broadcast', { key: ADMIN_KEYS.alpha, body: { message: 'x' } }),
      // Without --trust-proxy a forged X-Forwarded-For does not escape the lockout.
      await http(base, 'GET', '/api/admin/alpha/config', { key: ADMIN_KEYS.alpha, headers: { 'x-forwarded-for': '10.9.8.7' } }),
    ];
    for (const r of locked) {
      assert.equal(r.status, 429, r.text);
      const retry = r.headers.get('retry-after');
      assert.match(retry ?? '', /^[0-9]+$/);
      assert.ok(Number(retry) >= 1 && Number(retry) <= 4, `Retry-After ${retry}`);
    }
    // Health and metrics are not admin requests.
    assert.equal((await http(base, 'GET', '/healthz')).status, 200);
    // Once the window has passed, the right key works again.
    await sleep(4200);
    assert.equal((await right()).status, 200);
  });

  test('successful requests do not count as failures', async () => {
    const base = locking.server.url;
    for (let i = 0; i < 10; i++) assert.equal((await http(base, 'GET', '/api/admin/alpha/config', { key: ADMIN_KEYS.alpha })).status, 200);
  });
});

describe('keys never reach the log', () => {
  test('after admin, terminal and refused requests the gateway output holds no key or password', async () => {
    const base = gw.server.url;
    await adminClient(base, 'alpha', ADMIN_KEYS.alpha)('POST', '/products', { ProductName: 'Log test', Price: 1 });
    await adminClient(base, 'alpha', ADMIN_KEYS.alpha)('PATCH', '/pos/1', { password: 'pos-secret-in-body' });
    await adminClient(base, 'alpha', ADMIN_KEYS.alpha)('PATCH', '/pos/1', { password: null });
    await adminClient(base, 'alpha', ADMIN_KEYS.alpha)('POST', '/products', { ProductName: 'Bad', Price: 'x', secret: ADMIN_KEYS.alpha });
    await http(base, 'GET', '/api/admin/alpha/products', { key: WRONG });
    await http(base, 'GET', `/api/admin/alpha/products?key=${KEYS.alpha}`, { key: KEYS.alpha });
    const t = await connect(gw.server, 'alpha');
    open.push(t);
    await t.request('listpos', { api_key: KEYS.alpha });
    await t.request('listpos', { api_key: ADMIN_KEYS.alpha });
    await t.request('verifyauth', { api_key: KEYS.alpha, workplace: 3, password: ALPHA_PASSWORD });
    await t.request('verifyauth', { api_key: KEYS.alpha, workplace: 3, password: 'wrong-pos-password' });
    t.close();
    await sleep(300);
    const out = gw.server.output();
    assert.ok(out.length > 0, 'the gateway logged something at debug level');
    for (const secret of [ADMIN_KEYS.alpha, ADMIN_KEYS.beta, KEYS.alpha, WRONG, ALPHA_PASSWORD, 'wrong-pos-password', 'pos-secret-in-body']) {
      assert.ok(!out.includes(secret), `"${secret}" appears in the log`);
    }
  });
});

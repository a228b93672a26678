import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_KEYS, adminClient, expectOk, http, KEYS, startAdminServer, type AdminServer, type Answer } from '../helpers/admin.js';
import { ALPHA_PASSWORD, connect, expectEvent } from '../helpers/protocol-fixtures.js';
import { Terminal, type Envelope } from '../helpers/terminal.js';

// Tenant isolation, table-driven over every terminal command of PROTOCOL.md §4
// and every admin route of §9. Instance A (alpha) and instance B (beta) share
// IDs (POS 1 and 3, products 1 and 2, payment method 1); A also has IDs B
// lacks (POS 2, product 3, payment method 3, more tickets). Whatever A holds —
// its terminal key, admin key, POS password and token, device UUID, RequestID,
// IDs — used against B must get exactly the answer a made-up value gets, must
// change nothing of B's, and must never tell whether an ID exists in B.

let gw: AdminServer;
const open: Terminal[] = [];
const A = { slug: 'alpha', key: KEYS.alpha, admin: ADMIN_KEYS.alpha };
const B = { slug: 'beta', key: KEYS.beta, admin: ADMIN_KEYS.beta };
const A_DEVICE = '0f5e3d2c-1b0a-4f9e-8d7c-6b5a4f3e2d1c';
const A_REQUEST = 'alpha-sale-1';
let aToken = '';
let aTickets = 0;

before(async () => {
  // Many refusals from one address on purpose: lockouts must not get in the way.
  gw = await startAdminServer(['--no-rate-limit', '--password-failures', '100000', '--admin-failures', '100000']);
  const a = await term(A.slug);
  for (let i = 0; i < 4; i++) {
    const sale = { api_key: A.key, POSID: 2, PaymentMethod: 1, Products: [{ ID: 1, Amount: 1 }], ...(i === 0 ? { RequestID: A_REQUEST } : {}) };
    aTickets = expectEvent(await a.request('payitems', sale), 'payitem').TicketID as number;
  }
  expectEvent(await a.request('registerdevice', { api_key: A.key, UUID: A_DEVICE, workplace: 2 }), 'registerdevice');
  aToken = expectEvent(await a.request('verifyauth', { api_key: A.key, workplace: 3, password: ALPHA_PASSWORD }), 'verifyauth').password as string;
  const b = await term(B.slug);
  expectEvent(await b.request('payitems', { api_key: B.key, POSID: 1, PaymentMethod: 1, Products: [{ ID: 2, Amount: 1 }] }), 'payitem');
});
after(async () => {
  for (const t of open) t.close();
  await gw.stop();
});

async function term(slug: string): Promise<Terminal> {
  const t = await connect(gw.server, slug);
  open.push(t);
  return t;
}

/** Everything B has, as its own admin sees it: nothing here may change, whatever A tries. */
async function stateOf(slug: string, key: string): Promise<Record<string, unknown>> {
  const api = adminClient(gw.server.url, slug, key);
  const out: Record<string, unknown> = {};
  for (const path of ['/products', '/payment-methods', '/pos', '/config', '/transactions?limit=100000', '/audit', '/verify']) out[path] = expectOk(await api('GET', path));
  // Last seen and online move with the heartbeat; which devices there are must not.
  out['/devices'] = (expectOk(await api('GET', '/devices')) as { UUID: string; POSID: number | null }[]).map(({ UUID, POSID }) => ({ UUID, POSID }));
  return out;
}

/** An answer with the probed value in its message replaced, so a foreign and a made-up value compare equal. */
function normalised(result: Envelope['result'], ...values: (string | number)[]): Envelope['result'] {
  let message = result.message ?? '';
  for (const v of values) message = message.replace(new RegExp(`(?<![\\w-])${String(v).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`, 'g'), '<probe>');
  return { ...result, message };
}

// ---------------------------------------------------------------- terminals

/** A valid request of every command (§4) on B, with a placeholder for the key. */
const EVERY_COMMAND: Record<string, Record<string, unknown>> = {
  getconfig: {},
  getdeposit: {},
  getlicense: {},
  listpos: {},
  verifyauth: { workplace: 3, password: 'x' },
  listpm: { POSID: 1 },
  listproducts: { POSID: 1 },
  payitems: { POSID: 1, PaymentMethod: 1, Products: [{ ID: 2, Amount: 1 }] },
  registerdevice: { UUID: '7c1d0e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f' },
  version: {},
  getstatus: {},
  listtransactions: { POSID: 1 },
};

describe("A's terminal credentials on B's endpoint", () => {
  test('the §4 table and this battery name the same twelve commands', () => {
    assert.deepEqual(Object.keys(EVERY_COMMAND).sort(), ['getconfig', 'getdeposit', 'getlicense', 'getstatus', 'listpm', 'listpos', 'listproducts', 'listtransactions', 'payitems', 'registerdevice', 'verifyauth', 'version']);
  });

  for (const [command, params] of Object.entries(EVERY_COMMAND)) {
    test(`${command}: A's api_key and A's admin key get the answer a made-up key gets, for B's IDs and for unknown ones`, async () => {
      const b = await term(B.slug);
      const before = await stateOf(B.slug, B.admin);
      const ask = async (api_key: string, extra: Record<string, unknown> = {}) => (await b.request(command, { ...params, ...extra, api_key })).result;
      const madeUp = await ask('made-up-key-0000');
      assert.equal(madeUp.error, 'api_key_mismatch');
      assert.deepEqual(await ask(A.key), madeUp);
      assert.deepEqual(await ask(A.admin), madeUp);
      if ('POSID' in params) assert.deepEqual(await ask(A.key, { POSID: 999 }), madeUp, 'an unknown POSID changes nothing in the answer');
      if ('workplace' in params) assert.deepEqual(await ask(A.key, { workplace: 999 }), madeUp);
      assert.deepEqual(await stateOf(B.slug, B.admin), before, "B's state is unchanged");
    });
  }
});

interface Probe {
  name: string;
  command: string;
  /** Parameters with B's key; `probe` is where A's value or a made-up one goes. */
  params: (probe: string | number) => Record<string, unknown>;
  foreign: () => string | number;
  madeUp: string | number;
}

const FORGED_TOKEN = `pt1.3.${Date.now() + 3_600_000}.${'A'.repeat(43)}`;
const sale = (over: Record<string, unknown>) => ({ POSID: 1, PaymentMethod: 1, Products: [{ ID: 2, Amount: 1 }], ...over });

/** A's IDs, tokens, passwords and devices against B: each against a made-up value of the same kind. */
const PROBES: Probe[] = [
  { name: 'listpm: A-only POSID', command: 'listpm', params: (p) => ({ POSID: p }), foreign: () => 2, madeUp: 999 },
  { name: 'listproducts: A-only POSID', command: 'listproducts', params: (p) => ({ POSID: p }), foreign: () => 2, madeUp: 999 },
  { name: 'listtransactions: A-only POSID', command: 'listtransactions', params: (p) => ({ POSID: p }), foreign: () => 2, madeUp: 999 },
  { name: 'verifyauth: A-only workplace', command: 'verifyauth', params: (p) => ({ workplace: p, password: 'x' }), foreign: () => 2, madeUp: 999 },
  { name: 'registerdevice: A-only workplace', command: 'registerdevice', params: (p) => ({ UUID: '5d4c3b2a-1f0e-4d9c-8b7a-695847362514', workplace: p }), foreign: () => 2, madeUp: 999 },
  { name: 'payitems: A-only POSID', command: 'payitems', params: (p) => sale({ POSID: p }), foreign: () => 2, madeUp: 999 },
  { name: 'payitems: A-only product', command: 'payitems', params: (p) => sale({ Products: [{ ID: p, Amount: 1 }] }), foreign: () => 3, madeUp: 998 },
  { name: "payitems: A's deposit product", command: 'payitems', params: (p) => sale({ Products: [{ ID: p, Amount: 1 }] }), foreign: () => 99, madeUp: 997 },
  { name: 'payitems: A-only payment method', command: 'payitems', params: (p) => sale({ PaymentMethod: p }), foreign: () => 3, madeUp: 996 },
  { name: "listproducts: A's POS token on B's protected POS 3", command: 'listproducts', params: (p) => ({ POSID: 3, posPassword: p }), foreign: () => aToken, madeUp: FORGED_TOKEN },
  { name: "listtransactions: A's POS token", command: 'listtransactions', params: (p) => ({ POSID: 3, posPassword: p }), foreign: () => aToken, madeUp: FORGED_TOKEN },
  { name: "payitems: A's POS token", command: 'payitems', params: (p) => sale({ POSID: 3, posPassword: p }), foreign: () => aToken, madeUp: FORGED_TOKEN },
  { name: "listpm: A's POS password", command: 'listpm', params: (p) => ({ POSID: 3, posPassword: p }), foreign: () => ALPHA_PASSWORD, madeUp: 'made-up-password' },
  { name: "verifyauth: A's POS token as password", command: 'verifyauth', params: (p) => ({ workplace: 3, password: p }), foreign: () => aToken, madeUp: FORGED_TOKEN },
  { name: "verifyauth: A's POS password", command: 'verifyauth', params: (p) => ({ workplace: 3, password: p }), foreign: () => ALPHA_PASSWORD, madeUp: 'made-up-password' },
];

describe("B's key with A's IDs, tokens and passwords: the answer of a made-up value", () => {
  for (const probe of PROBES) {
    test(probe.name, async () => {
      const b = await term(B.slug);
      const before = await stateOf(B.slug, B.admin);
      const ask = async (value: string | number) => (await b.request(probe.command, { api_key: B.key, ...probe.params(value) })).result;
      const foreign = await ask(probe.foreign());
      const madeUp = await ask(probe.madeUp);
      assert.equal(foreign.event ?? foreign.error, madeUp.event ?? madeUp.error);
      assert.deepEqual(normalised(foreign, probe.foreign()), normalised(madeUp, probe.madeUp));
      assert.ok(foreign.error !== undefined || foreign.parameters?.success === false, `A's value opened nothing: ${JSON.stringify(foreign)}`);
      // A refused password counts as a failure on B's POS 3; nothing else changes.
      const after = await stateOf(B.slug, B.admin);
      assert.deepEqual(after, before, "B's state is unchanged");
    });
  }

  test("registerdevice: A's device UUID is a new device in B, exactly like a made-up one", async () => {
    const b = await term(B.slug);
    const foreign = expectEvent(await b.request('registerdevice', { api_key: B.key, UUID: A_DEVICE }), 'registerdevice');
    const madeUp = expectEvent(await b.request('registerdevice', { api_key: B.key, UUID: '11111111-2222-4333-8444-555555555555' }), 'registerdevice');
    assert.deepEqual({ ...foreign, UUID: '', LastPing: '' }, { ...madeUp, UUID: '', LastPing: '' });
    assert.equal(foreign.New, true);
    assert.equal(foreign.POSID, null, "A's workplace for the device does not show");
    // ... and A's device record is untouched.
    const devices = expectOk(await adminClient(gw.server.url, A.slug, A.admin)('GET', '/devices')) as { UUID: string; POSID: number }[];
    assert.equal(devices.find((d) => d.UUID === A_DEVICE)?.POSID, 2);
  });

  test("payitems: A's RequestID books a new sale in B, like a made-up one (no Duplicate, no conflict)", async () => {
    const b = await term(B.slug);
    const foreign = expectEvent(await b.request('payitems', { api_key: B.key, ...sale({ RequestID: A_REQUEST }) }), 'payitem');
    const madeUp = expectEvent(await b.request('payitems', { api_key: B.key, ...sale({ RequestID: 'made-up-request' }) }), 'payitem');
    assert.equal(foreign.Duplicate, false);
    assert.equal(madeUp.TicketID, foreign.TicketID + 1, "B's ticket numbers say nothing about A's");
    assert.deepEqual(
      { ...foreign, TicketID: 0, Transactions: foreign.Transactions.length },
      { ...madeUp, TicketID: 0, Transactions: madeUp.Transactions.length },
    );
    const conflict = await b.request('payitems', { api_key: B.key, ...sale({ RequestID: A_REQUEST, PaymentMethod: 1, Products: [{ ID: 1, Amount: 3 }] }) });
    assert.equal(conflict.result.error, 'idempotency_conflict', 'the RequestID is now B\'s own: it conflicts in B only');
  });

  test("listtransactions: paging with A's row IDs shows B's rows only", async () => {
    const b = await term(B.slug);
    const rows = expectEvent(await b.request('listtransactions', { api_key: B.key, POSID: 1, Before: 1_000_000 }), 'listtransactions').Transactions as { hash: string }[];
    const aRows = expectOk(await adminClient(gw.server.url, A.slug, A.admin)('GET', '/transactions')) as { hash: string }[];
    const aHashes = new Set(aRows.map((r) => r.hash));
    assert.ok(rows.length > 0);
    for (const r of rows) assert.ok(!aHashes.has(r.hash));
  });
});

// ---------------------------------------------------------------- admin API

/** Every admin route of §9, with a valid body, for B's slug and an ID that B has. */
const EVERY_ROUTE: { method: string; path: string; body?: unknown }[] = [
  { method: 'GET', path: '/products' },
  { method: 'POST', path: '/products', body: { ProductName: 'Probe', Price: 1 } },
  { method: 'GET', path: '/products/1' },
  { method: 'PATCH', path: '/products/1', body: { Price: 0.01 } },
  { method: 'DELETE', path: '/products/2' },
  { method: 'GET', path: '/payment-methods' },
  { method: 'POST', path: '/payment-methods', body: { Payment: 'Probe', color: 'btn-info', crew: false } },
  { method: 'GET', path: '/payment-methods/1' },
  { method: 'PATCH', path: '/payment-methods/1', body: { Payment: 'Probe' } },
  { method: 'DELETE', path: '/payment-methods/1' },
  { method: 'GET', path: '/pos' },
  { method: 'POST', path: '/pos', body: { PointOfSale: 'Probe', products: [], payment_methods: [] } },
  { method: 'GET', path: '/pos/1' },
  { method: 'PATCH', path: '/pos/1', body: { password: 'taken-over' } },
  { method: 'DELETE', path: '/pos/1' },
  { method: 'GET', path: '/config' },
  { method: 'PUT', path: '/config', body: { license_key: 'BETA-1', currency: 'XXX' } },
  { method: 'GET', path: '/devices' },
  { method: 'GET', path: '/transactions' },
  { method: 'GET', path: '/transactions.csv' },
  { method: 'GET', path: '/tickets/1' },
  { method: 'POST', path: '/tickets/1/void' },
  { method: 'GET', path: '/totals' },
  { method: 'GET', path: '/verify' },
  { method: 'POST', path: '/broadcast', body: { message: 'probe', parameters: {} } },
  { method: 'GET', path: '/audit' },
];

/** Status, body and headers (without Date): everything a client can compare. */
function shape(a: Answer): object {
  return { status: a.status, text: a.text, headers: Object.fromEntries([...a.headers.entries()].filter(([k]) => k !== 'date')) };
}

describe("A's credentials on every admin route of B", () => {
  test('the battery covers the 26 method-and-route pairs of §9', () => {
    assert.equal(new Set(EVERY_ROUTE.map((r) => `${r.method} ${r.path.replace(/\/[0-9]+/g, '/{id}')}`)).size, 26);
  });

  test("A's admin key, A's terminal key and A's POS token get the 401 of a made-up key, on every route, for B's IDs and unknown ones and for an unknown slug", async () => {
    const before = await stateOf(B.slug, B.admin);
    const reference = shape(await http(gw.server.url, 'GET', `/api/admin/${B.slug}/products`, { key: 'made-up-admin-key' }));
    assert.equal((reference as { status: number }).status, 401);
    const keys = [['A admin key', A.admin], ['A terminal key', A.key], ['A POS token', aToken], ['made-up key', 'made-up-admin-key'], ['no key', null]] as const;
    for (const route of EVERY_ROUTE) {
      const paths = new Set([route.path, route.path.replace(/\/[0-9]+/, '/999999')]);
      for (const path of paths) {
        const attempts = [...keys.map(([who, key]) => [who, key, B.slug] as const), ['A admin key', A.admin, 'nosuchslug'] as const, ['no key', null, 'nosuchslug'] as const];
        for (const [who, key, slug] of attempts) {
          const answer = await http(gw.server.url, route.method, `/api/admin/${slug}${path}`, { key, body: route.body });
          assert.deepEqual(shape(answer), reference, `${who}: ${route.method} /api/admin/${slug}${path}`);
        }
      }
    }
    assert.deepEqual(await stateOf(B.slug, B.admin), before, "B's state is unchanged");
  });
});

interface AdminProbe {
  name: string;
  method: string;
  path: (probe: number) => string;
  body?: (probe: number) => unknown;
  foreign: () => number;
  madeUp: number;
}

/** B's admin key with A's IDs (which B lacks) against made-up IDs. */
const ADMIN_PROBES: AdminProbe[] = [
  ...(['products', 'payment-methods', 'pos'] as const).flatMap((kind) => {
    const foreign = kind === 'pos' ? 2 : 3;
    return [
      { name: `GET /${kind}/{A's ID}`, method: 'GET', path: (p: number) => `/${kind}/${p}`, foreign: () => foreign, madeUp: 999_999 },
      { name: `PATCH /${kind}/{A's ID}`, method: 'PATCH', path: (p: number) => `/${kind}/${p}`, body: () => ({}), foreign: () => foreign, madeUp: 999_999 },
      { name: `DELETE /${kind}/{A's ID}`, method: 'DELETE', path: (p: number) => `/${kind}/${p}`, foreign: () => foreign, madeUp: 999_999 },
    ];
  }),
  { name: "GET /tickets/{A's ticket}", method: 'GET', path: (p) => `/tickets/${p}`, foreign: () => aTickets, madeUp: 999_999 },
  { name: "POST /tickets/{A's ticket}/void", method: 'POST', path: (p) => `/tickets/${p}/void`, foreign: () => aTickets, madeUp: 999_999 },
  { name: "GET /transactions?pos={A's POS}", method: 'GET', path: (p) => `/transactions?pos=${p}`, foreign: () => 2, madeUp: 999 },
  { name: "GET /transactions?method={A's method}", method: 'GET', path: (p) => `/transactions?method=${p}`, foreign: () => 3, madeUp: 996 },
  { name: "POST /pos selling A's product", method: 'POST', path: () => '/pos', body: (p) => ({ PointOfSale: 'Probe', products: [p], payment_methods: [1] }), foreign: () => 3, madeUp: 998 },
  { name: "POST /pos taking A's payment method", method: 'POST', path: () => '/pos', body: (p) => ({ PointOfSale: 'Probe', products: [1], payment_methods: [p] }), foreign: () => 3, madeUp: 996 },
  { name: "PATCH /pos/1 selling A's product", method: 'PATCH', path: () => '/pos/1', body: (p) => ({ products: [1, p] }), foreign: () => 3, madeUp: 998 },
  { name: "PUT /config with A's deposit product", method: 'PUT', path: () => '/config', body: (p) => ({ license_key: 'BETA-1', currency: 'CHF', deposit_product: p }), foreign: () => 99, madeUp: 997 },
];

describe("B's admin key with A's IDs: the answer of a made-up ID", () => {
  for (const probe of ADMIN_PROBES) {
    test(probe.name, async () => {
      const before = await stateOf(B.slug, B.admin);
      const api = adminClient(gw.server.url, B.slug, B.admin);
      const ask = async (value: number) => api(probe.method, probe.path(value), probe.body?.(value));
      const foreign = await ask(probe.foreign());
      const madeUp = await ask(probe.madeUp);
      assert.ok(foreign.status === 404 || foreign.status === 400 || (probe.method === 'GET' && foreign.status === 200), `${foreign.status} ${foreign.text}`);
      const norm = (a: Answer, v: number) => ({ status: a.status, body: a.body && typeof a.body === 'object' && 'message' in a.body ? { ...a.body, message: normalised({ message: a.body.message }, v).message } : a.body });
      assert.deepEqual(norm(foreign, probe.foreign()), norm(madeUp, probe.madeUp));
      if (foreign.status === 200) assert.deepEqual(foreign.body, [], "B's journal filtered by A's ID is empty");
      assert.deepEqual(await stateOf(B.slug, B.admin), before, "B's state is unchanged");
    });
  }

  test("B's device list, journal, totals and audit never show A's names, keys, rows or changes", async () => {
    const api = adminClient(gw.server.url, B.slug, B.admin);
    const text = JSON.stringify(await stateOf(B.slug, B.admin)) + JSON.stringify(expectOk(await api('GET', '/totals'))) + (await api('GET', '/transactions.csv')).text;
    // (A's device UUID is B's own device by now: B registered it above, with no workplace.)
    for (const secret of ['Bar Süd', 'Cocktail', 'Kaugummi', 'ALPHA-1', 'Alpha Open Air', A.key, A.admin, ALPHA_PASSWORD]) assert.ok(!text.includes(secret), `B's admin view mentions "${secret}"`);
    const devices = expectOk(await api('GET', '/devices')) as { UUID: string; POSID: number | null }[];
    assert.equal(devices.find((d) => d.UUID === A_DEVICE)?.POSID, null, "A's workplace for the device does not show in B");
  });
});

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ALPHA_PASSWORD, KEYS, connect, expectError, expectEvent, sleep, startFixtureServer, type FixtureServer } from '../helpers/protocol-fixtures.js';
import { upgradeStatus, type Terminal } from '../helpers/terminal.js';

// The configurable limits of PROTOCOL.md §5 that no other test sets away from
// its default: --connections-per-second, --flood-window-ms, --rate-budget and
// --token-ttl-ms, and --costs (docs/security.md lists every limit and its test).

let fx: FixtureServer;
const open: Terminal[] = [];
before(async () => {
  fx = await startFixtureServer(['--connections-per-second', '5', '--flood-limit', '5', '--flood-window-ms', '1000', '--rate-budget', '10', '--costs', 'verifyauth=5', '--token-ttl-ms', '1500']);
});
after(async () => {
  for (const t of open) t.close();
  await fx.stop();
});

async function term(): Promise<Terminal> {
  const t = await connect(fx.server, 'alpha');
  open.push(t);
  return t;
}

function alphaUpgrade(): Promise<number> {
  return upgradeStatus(`${fx.server.url}/?instance=alpha`);
}

test('--connections-per-second 5: past five upgrades in one second the address gets 429, and again 101 in the next second', async () => {
  // Start right after a second boundary, so the burst falls into one second.
  await sleep(1000 - (Date.now() % 1000) + 20);
  const statuses = await Promise.all(Array.from({ length: 8 }, () => alphaUpgrade()));
  assert.equal(statuses.filter((s) => s === 101).length, 5, statuses.join(' '));
  assert.equal(statuses.filter((s) => s === 429).length, 3, statuses.join(' '));
  await sleep(1000 - (Date.now() % 1000) + 20);
  assert.equal(await alphaUpgrade(), 101);
});

test('--flood-window-ms 1000: five bad frames per window are tolerated, the sixth within one window closes with 1008', async () => {
  await sleep(1100); // a fresh connection-per-second budget
  const t = await term();
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 5; i++) t.sendRaw('not json');
    for (let i = 0; i < 5; i++) expectError(await t.nextAnswer(), 'invalid_json', 4000);
    await sleep(1100);
  }
  assert.equal(t.closeCode, undefined, 'fifteen bad frames spread over three windows are tolerated');
  for (let i = 0; i < 6; i++) t.sendRaw('not json');
  assert.equal(await t.closed(), 1008);
});

test('--rate-budget 10: getlicense (cost 4) passes twice per window, then ratelimit', async () => {
  const t = await term();
  expectEvent(await t.request('getlicense', { api_key: KEYS.alpha }), 'getlicense');
  expectEvent(await t.request('getlicense', { api_key: KEYS.alpha }), 'getlicense');
  const refused = expectError(await t.request('getlicense', { api_key: KEYS.alpha }), 'ratelimit');
  assert.equal((refused.code as { command: string }).command, 'getlicense');
  // A command that costs more than the whole budget is never executed.
  expectError(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 1 }), 'ratelimit');
});

test('--token-ttl-ms 1500 (and --costs verifyauth=5, to fit the budget): a POS token opens its POS until it expires, then answers invalid_password', async () => {
  const t = await term();
  const token = expectEvent(await t.request('verifyauth', { api_key: KEYS.alpha, workplace: 3, password: ALPHA_PASSWORD }), 'verifyauth').password as string;
  expectEvent(await t.request('listtransactions', { api_key: KEYS.alpha, POSID: 3, posPassword: token }), 'listtransactions');
  const expires = Number(token.split('.')[2]);
  await sleep(Math.max(0, expires - Date.now() + 100));
  expectError(await t.request('listtransactions', { api_key: KEYS.alpha, POSID: 3, posPassword: token }), 'invalid_password', 4011);
});

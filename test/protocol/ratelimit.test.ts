import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KEYS, connect, expectError, expectEvent, pipeline, sleep, startFixtureServer, type FixtureServer } from '../helpers/protocol-fixtures.js';
import type { Envelope, Terminal } from '../helpers/terminal.js';

// PROTOCOL.md §5: per-command budgets per connection, and the flood guard.
// `slow` keeps the default 30 s window (nothing resets during a test);
// `fast` has a 1 s window and a flood limit of 5 rejected frames.

let slow: FixtureServer;
let fast: FixtureServer;
const open: Terminal[] = [];
async function term(fx: FixtureServer, slug = 'alpha'): Promise<Terminal> {
  const t = await connect(fx.server, slug);
  open.push(t);
  return t;
}

before(async () => {
  [slow, fast] = await Promise.all([startFixtureServer(), startFixtureServer(['--rate-window-ms', '1000', '--flood-limit', '5'])]);
});
after(async () => {
  for (const t of open) t.close();
  await Promise.all([slow.stop(), fast.stop()]);
});

const frame = (command: string, parameters: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ command, parameters: { api_key: KEYS.alpha, ...parameters }, ...extra });

function isRatelimit(a: Envelope): boolean {
  return a.type === 'error' && a.result.error === 'ratelimit';
}

function expectRatelimit(a: Envelope, command: string, windowMs: number): number {
  expectError(a, 'ratelimit');
  const code = a.result.code as { command: string; retry_after: number };
  assert.equal(typeof code, 'object', 'the ratelimit code is an object {command, retry_after}');
  assert.deepEqual(Object.keys(code).sort(), ['command', 'retry_after']);
  assert.equal(code.command, command);
  assert.ok(Number.isInteger(code.retry_after), `retry_after ${code.retry_after} is whole milliseconds`);
  assert.ok(code.retry_after > 0 && code.retry_after <= windowMs, `retry_after ${code.retry_after} lies within the window`);
  return code.retry_after;
}

// Requests that each cost their command's points but change nothing that matters.
const CHEAP: Record<string, { cost: number; params: Record<string, unknown> }> = {
  getconfig: { cost: 25, params: {} },
  getdeposit: { cost: 10, params: {} },
  getlicense: { cost: 4, params: {} },
  listpos: { cost: 25, params: {} },
  verifyauth: { cost: 20, params: { workplace: 1, password: 'open-bar-needs-none' } },
  listpm: { cost: 20, params: { POSID: 1 } },
  listproducts: { cost: 25, params: { POSID: 1 } },
  payitems: { cost: 1, params: { POSID: 1, PaymentMethod: 1 } }, // missing Products: rejected at step 8, after the budget
  registerdevice: { cost: 10, params: { UUID: 'not-a-uuid' } }, // invalid_parameter at step 8
  version: { cost: 50, params: {} },
  getstatus: { cost: 15, params: {} },
  listtransactions: { cost: 2, params: { POSID: 1 } },
};

describe('command costs (§4 table, budget 100 per command)', () => {
  for (const [command, { cost, params }] of Object.entries(CHEAP)) {
    test(`${command} costs ${cost}: ${Math.floor(100 / cost)} requests pass, the next one is ratelimit`, async () => {
      const t = await term(slow);
      const n = Math.floor(100 / cost);
      const answers = await pipeline(t, Array.from({ length: n + 1 }, () => frame(command, params)));
      answers.slice(0, n).forEach((a, i) => assert.ok(!isRatelimit(a), `request ${i + 1} of ${n} must pass: ${JSON.stringify(a)}`));
      expectRatelimit(answers[n] as Envelope, command, 30_000);
      assert.equal(answers[n]?.result.command, command);
    });
  }
});

describe('budgets', () => {
  test('per-command budgets are independent', async () => {
    const t = await term(slow);
    const a = await pipeline(t, Array.from({ length: 5 }, () => frame('listproducts', { POSID: 1 })));
    expectRatelimit(a[4] as Envelope, 'listproducts', 30_000);
    const b = await pipeline(t, Array.from({ length: 5 }, () => frame('listpm', { POSID: 1 })));
    for (const x of b) expectEvent(x, 'listpm');
    expectEvent(await t.request('getdeposit', { api_key: KEYS.alpha }), 'getdeposit');
    expectRatelimit(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 1 }), 'listproducts', 30_000);
  });

  test('budgets are per connection: a second connection has its own', async () => {
    const t = await term(slow);
    const a = await pipeline(t, Array.from({ length: 5 }, () => frame('listpos')));
    expectRatelimit(a[4] as Envelope, 'listpos', 30_000);
    const u = await term(slow);
    expectEvent(await u.request('listpos', { api_key: KEYS.alpha }), 'listpos');
  });

  test('requests rejected before step 7 and unknown commands cost nothing', async () => {
    const t = await term(slow);
    const early = [
      ...Array.from({ length: 10 }, () => JSON.stringify({ command: 'listpos', parameters: { api_key: 'wrong' } })),
      ...Array.from({ length: 10 }, () => JSON.stringify({ command: 'listpos', parameters: {} })),
      ...Array.from({ length: 10 }, () => frame('listpos-typo')),
    ];
    await pipeline(t, early);
    const ok = await pipeline(t, Array.from({ length: 4 }, () => frame('listpos')));
    for (const x of ok) expectEvent(x, 'listpos');
    expectRatelimit(await t.request('listpos', { api_key: KEYS.alpha }), 'listpos', 30_000);
  });

  test('requests with invalid parameters do cost (the budget is step 7, validation step 8)', async () => {
    const t = await term(slow);
    const bad = await pipeline(t, Array.from({ length: 4 }, () => frame('listproducts', { POSID: 'x' })));
    for (const x of bad) expectError(x, 'invalid_parameter', 4009);
    expectRatelimit(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 1 }), 'listproducts', 30_000);
  });

  test('a ratelimited request is not executed: a refused sale books nothing', async () => {
    const t = await term(slow, 'beta');
    const sale = (i: number): string =>
      JSON.stringify({ command: 'payitems', parameters: { api_key: KEYS.beta, POSID: 1, PaymentMethod: 1, Products: [{ ID: 2, Amount: 1 }], RequestID: `rl-${i}` } });
    const answers = await pipeline(t, Array.from({ length: 102 }, (_, i) => sale(i)));
    const booked = answers.filter((a) => a.type === 'event');
    assert.equal(booked.length, 100);
    expectRatelimit(answers[100] as Envelope, 'payitems', 30_000);
    expectRatelimit(answers[101] as Envelope, 'payitems', 30_000);
    const u = await term(slow, 'beta');
    const rows = expectEvent(await u.request('listtransactions', { api_key: KEYS.beta, POSID: 1 }), 'listtransactions');
    assert.equal(rows.Count, 100);
    // the refused RequestIDs were never booked: on a fresh connection they book as new sales
    const retry = expectEvent(await u.request('payitems', JSON.parse(sale(100)).parameters), 'payitem');
    assert.equal(retry.Duplicate, false);
  });
});

describe('the window (1 s configured)', () => {
  test('a command over budget is allowed again once the window has passed', async () => {
    const t = await term(fast);
    await t.request('getlicense', { api_key: KEYS.alpha }); // verifies the key once, so the burst below is quick
    const a = await pipeline(t, Array.from({ length: 5 }, () => frame('listproducts', { POSID: 1 })));
    for (const x of a.slice(0, 4)) expectEvent(x, 'listproducts');
    const wait = expectRatelimit(a[4] as Envelope, 'listproducts', 1000);
    await sleep(wait + 50);
    expectEvent(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 1 }), 'listproducts');
  });

  test('version (cost 50): two per window, then again after the window', async () => {
    const t = await term(fast);
    await t.request('getlicense', { api_key: KEYS.alpha });
    const a = await pipeline(t, Array.from({ length: 3 }, () => frame('version')));
    expectEvent(a[0] as Envelope, 'version');
    expectEvent(a[1] as Envelope, 'version');
    const wait = expectRatelimit(a[2] as Envelope, 'version', 1000);
    await sleep(wait + 50);
    const b = await pipeline(t, Array.from({ length: 2 }, () => frame('version')));
    for (const x of b) expectEvent(x, 'version');
  });
});

describe('flood guard (--flood-limit 5)', () => {
  test('the 6th early-rejected frame closes the connection with 1008; the first 5 are answered', async () => {
    const t = await term(fast);
    for (let i = 0; i < 6; i++) t.sendRaw('not json at all');
    const code = await t.closed();
    assert.equal(code, 1008);
    const errors = t.frames.filter((f) => f.result.error === 'invalid_json');
    assert.ok(errors.length >= 5, `the first 5 bad frames are answered (${errors.length})`);
  });

  test('every kind of early rejection counts: bad JSON, bad shape, binary, no api_key, wrong api_key', async () => {
    const t = await term(fast);
    t.sendRaw('{');
    t.sendRaw('[]');
    t.sendRaw(Buffer.from('{"command":"listpos","parameters":{}}'), true);
    t.sendRaw(JSON.stringify({ command: 'listpos', parameters: {} }));
    t.sendRaw(JSON.stringify({ command: 'listpos', parameters: { api_key: 'wrong' } }));
    // five so far: all answered, still open
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await t.nextAnswer());
    assert.deepEqual(
      answers.map((a) => a.result.error),
      ['invalid_json', 'invalid_request', 'invalid_request', 'missing_parameter_api', 'api_key_mismatch'],
    );
    expectEvent(await t.request('getdeposit', { api_key: KEYS.alpha }), 'getdeposit');
    t.sendRaw(JSON.stringify({ command: 'listpos', parameters: { api_key: 'wrong' } }));
    assert.equal(await t.closed(), 1008);
  });

  test('unknown commands, invalid parameters and ratelimit answers do not count', async () => {
    const t = await term(fast);
    const frames = [
      ...Array.from({ length: 8 }, () => frame('nosuchcommand')),
      ...Array.from({ length: 8 }, () => frame('listpm', { POSID: 'x' })),
    ];
    const answers = await pipeline(t, frames);
    assert.equal(answers.filter((a) => a.result.error === 'unknown_command').length, 8);
    assert.equal(t.closeCode, undefined);
    expectEvent(await t.request('getdeposit', { api_key: KEYS.alpha }), 'getdeposit');
    assert.equal(t.closeCode, undefined);
  });

  test('the flood guard is per connection: others stay open', async () => {
    const bad = await term(fast);
    const good = await term(fast);
    for (let i = 0; i < 6; i++) bad.sendRaw('garbage');
    assert.equal(await bad.closed(), 1008);
    expectEvent(await good.request('getdeposit', { api_key: KEYS.alpha }), 'getdeposit');
  });
});

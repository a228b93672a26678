import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KEYS, connect, expectError, expectEvent, pipeline, startFixtureServer, type FixtureServer } from '../helpers/protocol-fixtures.js';
import type { Terminal } from '../helpers/terminal.js';

// PROTOCOL.md §2 (check order, nonce) and §3 (error names and codes).

let fx: FixtureServer;
const open: Terminal[] = [];
async function term(slug: string, ct: 'json' | 'json5' = 'json'): Promise<Terminal> {
  const t = await connect(fx.server, slug, ct);
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

describe('error catalogue (§3)', () => {
  test('invalid_json 4000 on a json connection, no nonce', async () => {
    const t = await term('alpha', 'json');
    t.sendRaw('{"command": "listpos", "parameters": {');
    const r = expectError(await t.nextAnswer(), 'invalid_json', 4000);
    assert.ok(!('nonce' in (t.frames.at(-1) ?? {})));
    assert.ok(!r.message?.includes('at position'), 'no parser internals');
  });

  test('invalid_json5 4001 on a json5 connection', async () => {
    const t = await term('alpha', 'json5');
    t.sendRaw('this is not json');
    expectError(await t.nextAnswer(), 'invalid_json5', 4001);
  });

  test('invalid_request 4002 for every frame that is not {command: string, parameters: object}', async () => {
    const t = await term('alpha');
    const bad = [
      '[]',
      '"listpos"',
      '42',
      'null',
      'true',
      '{}',
      JSON.stringify({ command: 'listpos' }),
      JSON.stringify({ parameters: { api_key: KEYS.alpha } }),
      JSON.stringify({ command: 7, parameters: { api_key: KEYS.alpha } }),
      JSON.stringify({ command: null, parameters: { api_key: KEYS.alpha } }),
      JSON.stringify({ command: 'listpos', parameters: [KEYS.alpha] }),
      JSON.stringify({ command: 'listpos', parameters: null }),
      JSON.stringify({ command: 'listpos', parameters: 'api_key' }),
      JSON.stringify({ command: ['listpos'], parameters: {} }),
    ];
    const answers = await pipeline(t, bad);
    answers.forEach((a, i) => {
      assert.equal(a.result.error, 'invalid_request', `${bad[i]} → ${JSON.stringify(a)}`);
      assert.equal(a.result.code, 4002);
    });
  });

  test('missing_parameter_api 4003 when api_key is absent or null', async () => {
    const t = await term('alpha');
    expectError(await t.request('listpos', {}), 'missing_parameter_api', 4003);
    expectError(await t.request('listpos', { api_key: null }), 'missing_parameter_api', 4003);
  });

  test('invalid_instance 4004 (see connection tests for the close)', async () => {
    const t = await connect(fx.server, 'no-such-instance');
    expectError(await t.nextAnswer(), 'invalid_instance', 4004);
    assert.equal(await t.closed(), 4004);
  });

  test('no_api_key 4005 when the instance has no key, whatever key is sent', async () => {
    const t = await term('nokey');
    expectError(await t.request('listpos', { api_key: 'anything' }), 'no_api_key', 4005);
    expectError(await t.request('listpos', { api_key: '' }), 'no_api_key', 4005);
  });

  test('api_key_mismatch 4006 for a wrong key, a key of another type, a near miss', async () => {
    const t = await term('alpha');
    expectError(await t.request('listpos', { api_key: 'wrong' }), 'api_key_mismatch', 4006);
    expectError(await t.request('listpos', { api_key: `${KEYS.alpha} ` }), 'api_key_mismatch', 4006);
    expectError(await t.request('listpos', { api_key: KEYS.alpha.toUpperCase() }), 'api_key_mismatch', 4006);
    expectError(await t.request('listpos', { api_key: 12345 }), 'api_key_mismatch', 4006);
    expectError(await t.request('listpos', { api_key: { key: KEYS.alpha } }), 'api_key_mismatch', 4006);
  });

  test('the admin key never works as a terminal api_key (§7)', async () => {
    const t = await term('alpha');
    expectError(await t.request('listpos', { api_key: 'alpha-admin-key-secret' }), 'api_key_mismatch', 4006);
  });

  test('unknown_command 4007 names the command', async () => {
    const t = await term('alpha');
    const r = expectError(await t.request('sellstuff', { api_key: KEYS.alpha }), 'unknown_command', 4007);
    assert.equal(r.command, 'sellstuff');
    // command names are case-sensitive and exact
    expectError(await t.request('ListPos', { api_key: KEYS.alpha }), 'unknown_command', 4007);
    expectError(await t.request('payitem', { api_key: KEYS.alpha }), 'unknown_command', 4007);
    expectError(await t.request('', { api_key: KEYS.alpha }), 'unknown_command', 4007);
  });

  test('missing_parameter 4008 and invalid_parameter 4009 name the parameter and the command', async () => {
    const t = await term('alpha');
    const m = expectError(await t.request('listproducts', { api_key: KEYS.alpha }), 'missing_parameter', 4008);
    assert.equal(m.parameter, 'POSID');
    assert.equal(m.command, 'listproducts');
    const n = expectError(await t.request('listproducts', { api_key: KEYS.alpha, POSID: null }), 'missing_parameter', 4008);
    assert.equal(n.parameter, 'POSID');
    const i = expectError(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 'eins' }), 'invalid_parameter', 4009);
    assert.equal(i.parameter, 'POSID');
    assert.equal(i.command, 'listproducts');
    const pm = expectError(await t.request('payitems', { api_key: KEYS.alpha, POSID: 1, Products: [{ ID: 1, Amount: 1 }] }), 'missing_parameter', 4008);
    assert.equal(pm.parameter, 'PaymentMethod');
    const pr = expectError(await t.request('payitems', { api_key: KEYS.alpha, POSID: 1, PaymentMethod: 1 }), 'missing_parameter', 4008);
    assert.equal(pr.parameter, 'Products');
  });

  test('not_found 4010 for an unknown POS, product or payment method, or one not assigned', async () => {
    const t = await term('alpha');
    const cases: [Record<string, unknown>, string][] = [
      [{ POSID: 42, PaymentMethod: 1, Products: [{ ID: 1, Amount: 1 }] }, 'unknown POS'],
      [{ POSID: 1, PaymentMethod: 42, Products: [{ ID: 1, Amount: 1 }] }, 'unknown method'],
      [{ POSID: 1, PaymentMethod: 4, Products: [{ ID: 1, Amount: 1 }] }, 'method not assigned to POS 1'],
      [{ POSID: 1, PaymentMethod: 1, Products: [{ ID: 424, Amount: 1 }] }, 'unknown product'],
      [{ POSID: 1, PaymentMethod: 1, Products: [{ ID: 6, Amount: 1 }] }, 'product not assigned to POS 1'],
      [{ POSID: 1, PaymentMethod: 1, Products: [{ ID: 99, Amount: 1 }] }, 'the deposit product is not assigned to POS 1'],
    ];
    for (const [params, why] of cases) {
      const frame = await t.request('payitems', { api_key: KEYS.alpha, ...params });
      assert.equal(frame.result.error, 'not_found', `${why}: ${JSON.stringify(frame)}`);
      assert.equal(frame.result.code, 4010);
    }
    expectError(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 9999 }), 'not_found', 4010);
    expectError(await t.request('listtransactions', { api_key: KEYS.alpha, POSID: 9999 }), 'not_found', 4010);
  });

  test('invalid_password 4011 on a protected POS without posPassword', async () => {
    const t = await term('alpha');
    expectError(await t.request('listproducts', { api_key: KEYS.alpha, POSID: 5 }), 'invalid_password', 4011);
    expectError(await t.request('listpm', { api_key: KEYS.alpha, POSID: 5, posPassword: null }), 'invalid_password', 4011);
  });

  test('no_items 4016 when no product has Amount > 0', async () => {
    const t = await term('alpha');
    expectError(await t.request('payitems', { api_key: KEYS.alpha, POSID: 1, PaymentMethod: 1, Products: [] }), 'no_items', 4016);
    expectError(
      await t.request('payitems', { api_key: KEYS.alpha, POSID: 1, PaymentMethod: 1, Products: [{ ID: 1, Amount: 0 }, { ID: 3, Amount: '0' }] }),
      'no_items',
      4016,
    );
  });

  test('internal details never leak: no stack traces or SQL in any error message', async () => {
    const t = await term('alpha');
    const answers = await pipeline(t, [
      JSON.stringify({ command: 'payitems', parameters: { api_key: KEYS.alpha, POSID: 1, PaymentMethod: 1, Products: [{ ID: 2 ** 60, Amount: 1 }] } }),
      JSON.stringify({ command: 'listtransactions', parameters: { api_key: KEYS.alpha, POSID: 1, Before: 2 ** 52 } }),
      JSON.stringify({ command: 'listproducts', parameters: { api_key: KEYS.alpha, POSID: '999999999999999' } }),
    ]);
    for (const a of answers) {
      const text = JSON.stringify(a);
      assert.doesNotMatch(text, /SELECT|INSERT|sqlite|at .*\.js:\d+|Error:/i, text);
    }
  });
});

describe('check order (§2)', () => {
  test('invalid_request wins over a missing api_key', async () => {
    const t = await term('alpha');
    expectError(await t.request('listpos', null as unknown as Record<string, unknown>), 'invalid_request', 4002);
  });

  test('missing api_key wins over no_api_key and unknown command', async () => {
    const t = await term('nokey');
    expectError(await t.request('nosuchcommand', {}), 'missing_parameter_api', 4003);
  });

  test('no_api_key wins over unknown command and bad parameters', async () => {
    const t = await term('nokey');
    expectError(await t.request('nosuchcommand', { api_key: 'x', POSID: 'bad' }), 'no_api_key', 4005);
    expectError(await t.request('listproducts', { api_key: 'x', POSID: 'bad' }), 'no_api_key', 4005);
  });

  test('bad api_key AND unknown command → api_key_mismatch', async () => {
    const t = await term('alpha');
    const r = expectError(await t.request('nosuchcommand', { api_key: 'wrong' }), 'api_key_mismatch', 4006);
    assert.equal(r.command, 'nosuchcommand', 'command is present when known');
  });

  test('bad api_key AND bad parameters → api_key_mismatch', async () => {
    const t = await term('alpha');
    expectError(await t.request('listproducts', { api_key: 'wrong', POSID: '1e3' }), 'api_key_mismatch', 4006);
  });

  test('unknown command + bad parameters → unknown_command', async () => {
    const t = await term('alpha');
    expectError(await t.request('nosuchcommand', { api_key: KEYS.alpha, POSID: '1e3', Products: 'x' }), 'unknown_command', 4007);
  });

  test('ratelimit comes before invalid_parameter; unknown commands still answer unknown_command', async () => {
    const t = await term('alpha');
    const frames = Array.from({ length: 4 }, () => JSON.stringify({ command: 'listproducts', parameters: { api_key: KEYS.alpha, POSID: 1 } }));
    for (const a of await pipeline(t, frames)) expectEvent(a, 'listproducts');
    const r = expectError(await t.request('listproducts', { api_key: KEYS.alpha, POSID: '1e3' }), 'ratelimit');
    assert.deepEqual(Object.keys(r.code as object).sort(), ['command', 'retry_after']);
    assert.equal((r.code as any).command, 'listproducts');
    expectError(await t.request('nosuchcommand', { api_key: KEYS.alpha, POSID: '1e3' }), 'unknown_command', 4007);
    // the bad key is still refused first
    expectError(await t.request('listproducts', { api_key: 'wrong', POSID: '1e3' }), 'api_key_mismatch', 4006);
  });

  test('invalid_parameter comes before invalid_password', async () => {
    const t = await term('alpha');
    const r = expectError(
      await t.request('payitems', { api_key: KEYS.alpha, POSID: 5, PaymentMethod: '1.5', Products: [{ ID: 1, Amount: 1 }] }),
      'invalid_parameter',
      4009,
    );
    assert.equal(r.parameter, 'PaymentMethod');
  });

  test('invalid_password comes before the command rules (not_found of a product, no_items)', async () => {
    const t = await term('alpha');
    expectError(await t.request('payitems', { api_key: KEYS.alpha, POSID: 5, PaymentMethod: 1, Products: [{ ID: 777, Amount: 1 }] }), 'invalid_password', 4011);
    expectError(await t.request('payitems', { api_key: KEYS.alpha, POSID: 5, PaymentMethod: 1, Products: [] }), 'invalid_password', 4011);
    expectError(await t.request('payitems', { api_key: KEYS.alpha, POSID: 5, PaymentMethod: 42, Products: [{ ID: 1, Amount: 1 }] }), 'invalid_password', 4011);
  });
});

describe('nonce (§2 extension)', () => {
  const ok = { command: 'getdeposit', parameters: { api_key: KEYS.alpha } };

  test('a string nonce up to 64 characters is echoed on the envelope top level', async () => {
    const t = await term('alpha');
    for (const nonce of ['abc', '', 'x'.repeat(64), 'ünïcode-✓']) {
      t.sendRaw(JSON.stringify({ ...ok, nonce }));
      const frame = await t.nextAnswer();
      expectEvent(frame, 'getdeposit');
      assert.equal(frame.nonce, nonce);
      assert.ok(!('nonce' in frame.result), 'nonce sits on the top level');
    }
  });

  test('an integer nonce is echoed as the same integer', async () => {
    const t = await term('alpha');
    for (const nonce of [0, 1, 42, 9007199254740991, -7]) {
      t.sendRaw(JSON.stringify({ ...ok, nonce }));
      const frame = await t.nextAnswer();
      assert.equal(frame.nonce, nonce);
    }
  });

  test('a nonce over 64 characters, a float, an object, an array, a boolean or null is not echoed', async () => {
    const t = await term('alpha');
    for (const nonce of ['y'.repeat(65), 1.5, { a: 1 }, [1], true, null]) {
      t.sendRaw(JSON.stringify({ ...ok, nonce }));
      const frame = await t.nextAnswer();
      expectEvent(frame, 'getdeposit');
      assert.ok(!('nonce' in frame), `nonce ${JSON.stringify(nonce)} must not be echoed: ${JSON.stringify(frame)}`);
    }
  });

  test('the nonce is echoed on errors too (invalid_request, api_key_mismatch, unknown_command, invalid_parameter, ratelimit)', async () => {
    const t = await term('alpha');
    const answers = await pipeline(t, [
      JSON.stringify({ command: 'listpos', parameters: 'x', nonce: 'n1' }),
      JSON.stringify({ command: 'listpos', parameters: {}, nonce: 'n2' }),
      JSON.stringify({ command: 'listpos', parameters: { api_key: 'wrong' }, nonce: 'n3' }),
      JSON.stringify({ command: 'nope', parameters: { api_key: KEYS.alpha }, nonce: 'n4' }),
      JSON.stringify({ command: 'listpm', parameters: { api_key: KEYS.alpha, POSID: -1 }, nonce: 5 }),
      JSON.stringify({ command: 'version', parameters: { api_key: KEYS.alpha }, nonce: 6 }),
      JSON.stringify({ command: 'version', parameters: { api_key: KEYS.alpha }, nonce: 7 }),
      JSON.stringify({ command: 'version', parameters: { api_key: KEYS.alpha }, nonce: 8 }),
    ]);
    const names = answers.map((a) => a.result.error ?? a.result.event);
    assert.deepEqual(names, ['invalid_request', 'missing_parameter_api', 'api_key_mismatch', 'unknown_command', 'invalid_parameter', 'version', 'version', 'ratelimit']);
    assert.deepEqual(
      answers.map((a) => a.nonce),
      ['n1', 'n2', 'n3', 'n4', 5, 6, 7, 8],
    );
  });

  test('pipelined requests are answered in order, each with its own nonce', async () => {
    const t = await term('alpha');
    const frames = Array.from({ length: 10 }, (_, i) => JSON.stringify({ command: 'getlicense', parameters: { api_key: KEYS.alpha }, nonce: `req-${i}` }));
    const answers = await pipeline(t, frames);
    assert.deepEqual(
      answers.map((a) => a.nonce),
      frames.map((_, i) => `req-${i}`),
    );
  });
});

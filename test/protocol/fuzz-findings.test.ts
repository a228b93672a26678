import assert from 'node:assert/strict';
import JSON5 from 'json5';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { DEMO_API_KEY, DEMO_BAR_PASSWORD } from '../../src/instances/demo.js';
import { expectError, expectEvent } from '../helpers/protocol-fixtures.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { Terminal } from '../helpers/terminal.js';

// Regressions for what the fuzzer (test/fuzz/) found. Each case is the
// smallest frame that showed the bug, against the built-in demo instance.

let server: RunningServer;
const open: Terminal[] = [];
async function term(contentType: 'json' | 'json5'): Promise<Terminal> {
  const t = await Terminal.connect(server.url, `/?instance=demo&Content-Type=${contentType}`);
  open.push(t);
  return t;
}

before(async () => {
  server = await startServer(['--no-rate-limit']);
});
after(async () => {
  for (const t of open) t.close();
  await server.stop();
  rmSync(server.data, { recursive: true, force: true });
});

describe('a secret with a trailing NUL is not the secret (§2 step 5, §4 posPassword)', () => {
  // scrypt keys HMAC with the secret, and HMAC pads short keys with zero
  // bytes, so "demo-api-key\0" used to pass as "demo-api-key".
  test('api_key "demo-api-key\\u0000" is api_key_mismatch', async () => {
    const t = await term('json');
    for (const key of [`${DEMO_API_KEY}\u0000`, `${DEMO_API_KEY}\u0000\u0000`]) {
      expectError(await t.request('version', { api_key: key }), 'api_key_mismatch', 4006);
    }
    expectEvent(await t.request('version', { api_key: DEMO_API_KEY }), 'version');
  });

  test('posPassword and verifyauth password "1234\\u0000" do not open Backstage', async () => {
    const t = await term('json');
    expectError(await t.request('listproducts', { api_key: DEMO_API_KEY, POSID: 3, posPassword: `${DEMO_BAR_PASSWORD}\u0000` }), 'invalid_password', 4011);
    const p = expectEvent(await t.request('verifyauth', { api_key: DEMO_API_KEY, workplace: 3, password: `${DEMO_BAR_PASSWORD}\u0000` }), 'verifyauth');
    assert.equal(p.success, false);
    assert.equal(p.password, null);
    expectEvent(await t.request('listproducts', { api_key: DEMO_API_KEY, POSID: 3, posPassword: DEMO_BAR_PASSWORD }), 'listproducts');
  });
});

describe('strings echoed from a request arrive unchanged on a json5 connection (§1, §2 nonce)', () => {
  // JSON5.stringify wrote a lone surrogate raw; UTF-8 has no form for it, so
  // the terminal got U+FFFD instead of its nonce.
  for (const contentType of ['json', 'json5'] as const) {
    test(`a nonce with a lone surrogate comes back as sent (${contentType})`, async () => {
      const t = await term(contentType);
      for (const nonce of ['\ud800', 'a\udfffb', '\ud83d\ude00\ud83d']) {
        t.sendRaw(JSON.stringify({ command: 'version', parameters: { api_key: DEMO_API_KEY }, nonce }));
        const answer = await t.nextAnswer();
        expectEvent(answer, 'version');
        assert.equal(answer.nonce, nonce);
        const raw = t.raw.at(-1) as string;
        assert.ok(!raw.includes('\ufffd'), raw);
        assert.deepEqual(contentType === 'json' ? JSON.parse(raw) : JSON5.parse(raw), answer);
      }
    });
  }

  test('an unknown command with a lone surrogate is echoed in result.command (json5)', async () => {
    const t = await term('json5');
    t.sendRaw(JSON.stringify({ command: 'get\ud800config', parameters: { api_key: DEMO_API_KEY } }));
    const r = expectError(await t.nextAnswer(), 'unknown_command', 4007);
    assert.equal(r.command, 'get\ud800config');
  });
});

describe('a JSON5 frame cannot make the gateway write to its output (§1)', () => {
  // json5 prints a console warning for each raw U+2028 or U+2029 in a string;
  // a client could make the gateway write a non-JSON line per frame.
  test('raw U+2028 and U+2029 in JSON5 strings are read silently', async () => {
    const t = await term('json');
    for (let i = 0; i < 3; i++) {
      // The comment and trailing comma make it JSON5 that only the json5 package reads.
      t.sendRaw(`{command:'version',/* c */parameters:{api_key:'${DEMO_API_KEY}',note:'a\u2028b\u2029c',},nonce:'ls-${i}'}`);
      expectEvent(await t.nextAnswer(), 'version');
    }
    await new Promise((r) => setTimeout(r, 300));
    assert.doesNotMatch(server.output(), /JSON5:/);
  });
});

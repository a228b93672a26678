import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { KEYS, expectError, expectEvent } from '../helpers/protocol-fixtures.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { Terminal, upgradeStatus } from '../helpers/terminal.js';

// PROTOCOL.md §1 (paths, instance, frames) and §9 (close codes), against the
// built-in demo instance with default limits.

let server: RunningServer;
const open: Terminal[] = [];
async function term(query = '/?instance=demo&Content-Type=json'): Promise<Terminal> {
  const t = await Terminal.connect(server.url, query);
  open.push(t);
  return t;
}

before(async () => {
  server = await startServer();
});
after(async () => {
  for (const t of open) t.close();
  await server.stop();
});

/** The HTTP status of a refused upgrade, or 101 when the upgrade succeeded. */
const statusOf = (path: string): Promise<number> => upgradeStatus(`${server.url}${path}`);

describe('paths and instances (§1)', () => {
  for (const path of ['/?instance=demo', '/exon/?instance=demo', '/exon?instance=demo', '/cyton/?instance=demo', '/zeus?instance=demo']) {
    test(`${path} is accepted`, async () => {
      assert.equal(await statusOf(path), 101);
      const t = await term(path);
      expectEvent(await t.request('getstatus', { api_key: KEYS.demo }), 'getstatus');
    });
  }

  for (const path of ['/nope/?instance=demo', '/exon/extra/?instance=demo', '/exonx/?instance=demo', '/EXON/?instance=demo', '/api/?instance=demo']) {
    test(`wrong path ${path} → HTTP 404 on the upgrade`, async () => {
      assert.equal(await statusOf(path), 404);
    });
  }

  for (const query of ['/?instance=nosuchfest&Content-Type=json', '/?Content-Type=json', '/?instance=', '/exon/?instance=DEMO', '/?instance=nosuchfest&Content-Type=json5']) {
    test(`${query}: the error invalid_instance, then close 4004`, async () => {
      const t = await term(query);
      const frame = await t.nextAnswer();
      expectError(frame, 'invalid_instance', 4004);
      assert.equal(await t.closed(), 4004);
      assert.equal(t.frames.length, 1, 'nothing else is sent');
    });
  }
});

describe('malformed upgrade paths (own server: a crash must not take the other tests down)', () => {
  test('an upgrade to "//?instance=demo" is refused with 404 and the gateway keeps serving', async () => {
    const own = await startServer();
    try {
      const status = await new Promise<number | string>((resolve) => {
        const ws = new WebSocket(`${own.url}//?instance=demo`);
        ws.once('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.once('open', () => {
          resolve(101);
          ws.close();
        });
        ws.once('error', (e) => resolve(e.message));
      });
      assert.equal(status, 404);
      const t = await Terminal.connect(own.url, '/?instance=demo&Content-Type=json');
      expectEvent(await t.request('getstatus', { api_key: KEYS.demo }), 'getstatus');
      t.close();
    } finally {
      assert.equal(own.process.exitCode, null, `the gateway process died:\n${own.output().slice(-600)}`);
      await own.stop();
    }
  });

  test('an upgrade to "//evil.example/?instance=demo" is a wrong path: 404', async () => {
    assert.equal(await statusOf('//evil.example/?instance=demo'), 404);
  });
});

describe('frames (§1)', () => {
  test('a binary frame answers invalid_request and the connection stays usable', async () => {
    const t = await term();
    t.sendRaw(Buffer.from(JSON.stringify({ command: 'getstatus', parameters: { api_key: KEYS.demo } })), true);
    expectError(await t.nextAnswer(), 'invalid_request', 4002);
    expectEvent(await t.request('getstatus', { api_key: KEYS.demo }), 'getstatus');
  });

  test('a frame of exactly 65,536 bytes is accepted', async () => {
    const t = await term();
    const base = JSON.stringify({ command: 'getdeposit', parameters: { api_key: KEYS.demo, pad: '' } });
    const text = base.replace('"pad":""', `"pad":"${'p'.repeat(65_536 - base.length)}"`);
    assert.equal(Buffer.byteLength(text), 65_536);
    t.sendRaw(text);
    expectEvent(await t.nextAnswer(), 'getdeposit');
  });

  test('a frame over 64 KiB closes that connection with 1009; other connections are unaffected', async () => {
    const other = await term();
    const t = await term();
    const base = JSON.stringify({ command: 'getdeposit', parameters: { api_key: KEYS.demo, pad: '' } });
    const text = base.replace('"pad":""', `"pad":"${'p'.repeat(65_537 - base.length)}"`);
    assert.equal(Buffer.byteLength(text), 65_537);
    t.sendRaw(text);
    assert.equal(await t.closed(), 1009);
    expectEvent(await other.request('getdeposit', { api_key: KEYS.demo }), 'getdeposit');
    const fresh = await term();
    expectEvent(await fresh.request('getdeposit', { api_key: KEYS.demo }), 'getdeposit');
  });

  test('a binary frame over 64 KiB also closes with 1009', async () => {
    const t = await term();
    t.sendRaw(Buffer.alloc(70_000, 0x20), true);
    assert.equal(await t.closed(), 1009);
  });

  test('invalid UTF-8 in a text frame closes with 1007; other connections are unaffected', async () => {
    const other = await term();
    const t = await term();
    const bytes = Buffer.concat([Buffer.from('{"command":"getstatus","parameters":{"api_key":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}}')]);
    t.sendRaw(bytes, false);
    assert.equal(await t.closed(), 1007);
    expectEvent(await other.request('getstatus', { api_key: KEYS.demo }), 'getstatus');
  });

  test('multi-byte UTF-8 (umlauts, emoji) in a request is fine', async () => {
    const t = await term();
    const p = expectEvent(await t.request('getdeposit', { api_key: KEYS.demo, note: 'Bier für 🎸 Bühne' }), 'getdeposit');
    assert.equal(p.Deposit.ID, 99);
  });

  test('a request with deeply nested JSON answers an error and the gateway keeps serving', async () => {
    const t = await term();
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    t.sendRaw(`{"command":"getstatus","parameters":{"api_key":"${KEYS.demo}","x":${deep}}}`);
    const a = await t.nextAnswer();
    assert.ok(a.type === 'event' || a.type === 'error', JSON.stringify(a).slice(0, 200));
    expectEvent(await t.request('getstatus', { api_key: KEYS.demo }), 'getstatus');
  });
});

describe('HTTP on the gateway port (§9)', () => {
  test('GET /healthz answers 200 {"status":"ok"}', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });
});

describe('heartbeat (§1)', () => {
  test('a connection that does not answer pings is terminated; one that does stays open', async () => {
    const own = await startServer(['--ping-interval-ms', '100']);
    try {
      const mute = new WebSocket(`${own.url}/?instance=demo&Content-Type=json`, { autoPong: false });
      let pings = 0;
      mute.on('ping', () => (pings += 1));
      await new Promise<void>((resolve, reject) => {
        mute.once('open', () => resolve());
        mute.once('error', reject);
      });
      const alive = await Terminal.connect(own.url, '/?instance=demo&Content-Type=json');
      const code = await new Promise<number>((resolve) => mute.once('close', (c) => resolve(c)));
      assert.ok(pings >= 2, `two pings were missed before the end (${pings})`);
      assert.notEqual(code, 1000);
      expectEvent(await alive.request('getstatus', { api_key: KEYS.demo }), 'getstatus');
      assert.equal(alive.closeCode, undefined);
      alive.close();
    } finally {
      await own.stop();
    }
  });
  test('with an interval of several slices, connections in every slice are pinged and a mute one in any of them is terminated', async () => {
    // 300 ms: three slices of 100 ms, and three mute connections dealt one into each.
    const own = await startServer(['--ping-interval-ms', '300']);
    try {
      const mutes = await Promise.all(
        [0, 1, 2].map(async () => {
          const mute = new WebSocket(`${own.url}/?instance=demo&Content-Type=json`, { autoPong: false });
          const state = { pings: 0, closed: new Promise<number>((resolve) => mute.once('close', (c) => resolve(c))) };
          mute.on('ping', () => (state.pings += 1));
          await new Promise<void>((resolve, reject) => {
            mute.once('open', () => resolve());
            mute.once('error', reject);
          });
          return state;
        }),
      );
      const alive = await Terminal.connect(own.url, '/?instance=demo&Content-Type=json');
      for (const mute of mutes) {
        assert.notEqual(await mute.closed, 1000);
        assert.ok(mute.pings >= 2, `two pings were missed before the end (${mute.pings})`);
      }
      expectEvent(await alive.request('getstatus', { api_key: KEYS.demo }), 'getstatus');
      assert.equal(alive.closeCode, undefined);
      alive.close();
    } finally {
      await own.stop();
    }
  });
});

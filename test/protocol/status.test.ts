import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { KEYS, connect, expectEvent, sleep, startFixtureServer, type FixtureServer } from '../helpers/protocol-fixtures.js';

// getstatus with --status-url: the gateway fetches a status API, caches its
// answer and reports `warning` while it cannot be reached (issue 2, item 2).

/** A status API on loopback whose answer each test sets; it counts its requests. */
class StatusApi {
  readonly server: Server;
  requests = 0;
  delayMs = 0;
  status = 200;
  body: unknown = { status: 'success', message: 'All systems are operational' };

  constructor() {
    this.server = createServer((_req, res) => {
      this.requests += 1;
      setTimeout(() => {
        res.writeHead(this.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(this.body));
      }, this.delayMs);
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v1/status`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const CACHE_MS = 400;
const TIMEOUT_MS = 300;

describe('getstatus with a status URL', () => {
  const api = new StatusApi();
  let fx: FixtureServer;

  before(async () => {
    const url = await api.listen();
    fx = await startFixtureServer(['--no-rate-limit', '--status-url', url, '--status-timeout-ms', String(TIMEOUT_MS), '--status-cache-ms', String(CACHE_MS)]);
  });
  after(async () => {
    await fx.stop();
    await api.close();
  });

  /** Waits out the cache so the next getstatus fetches again. */
  const expireCache = (): Promise<void> => sleep(CACHE_MS + 100);

  test("reports the status API's answer, also one nested under data", async () => {
    const t = await connect(fx.server, 'alpha');
    api.body = { status: 'danger', message: 'Card payments are down' };
    assert.deepEqual(expectEvent(await t.request('getstatus', { api_key: KEYS.alpha }), 'getstatus'), { status: 'danger', message: 'Card payments are down' });
    await expireCache();
    api.body = { data: { status: 'warning', message: 'Slow card terminals' } };
    assert.deepEqual(expectEvent(await t.request('getstatus', { api_key: KEYS.alpha }), 'getstatus'), { status: 'warning', message: 'Slow card terminals' });
    t.close();
  });

  test('caches the answer: requests within the cache time fetch once', async () => {
    await expireCache();
    api.body = { status: 'success', message: 'All systems are operational' };
    const t = await connect(fx.server, 'alpha');
    const before = api.requests;
    for (let i = 0; i < 5; i++) expectEvent(await t.request('getstatus', { api_key: KEYS.alpha }), 'getstatus');
    assert.equal(api.requests - before, 1, 'one fetch for five getstatus within the cache time');
    t.close();
  });

  test('a status API slower than the timeout, or answering an HTTP error, is a warning', async () => {
    const t = await connect(fx.server, 'alpha');
    await expireCache();
    api.delayMs = TIMEOUT_MS * 5;
    const slow = expectEvent(await t.request('getstatus', { api_key: KEYS.alpha }), 'getstatus');
    assert.equal(slow.status, 'warning');
    api.delayMs = 0;
    await expireCache();
    api.status = 503;
    const failing = expectEvent(await t.request('getstatus', { api_key: KEYS.alpha }), 'getstatus');
    assert.equal(failing.status, 'warning');
    api.status = 200;
    await expireCache();
    api.body = { status: 'success', message: 'Back again' };
    assert.deepEqual(expectEvent(await t.request('getstatus', { api_key: KEYS.alpha }), 'getstatus'), { status: 'success', message: 'Back again' });
    t.close();
  });
});

test('an unreachable status URL answers warning, and the gateway keeps selling', async () => {
  const api = new StatusApi();
  const url = await api.listen();
  await api.close(); // nothing listens there any more
  const fx = await startFixtureServer(['--status-url', url, '--status-timeout-ms', String(TIMEOUT_MS)]);
  try {
    const t = await connect(fx.server, 'alpha');
    const status = expectEvent(await t.request('getstatus', { api_key: KEYS.alpha }), 'getstatus');
    assert.equal(status.status, 'warning');
    assert.equal(typeof status.message, 'string');
    expectEvent(await t.request('payitems', { api_key: KEYS.alpha, POSID: 1, PaymentMethod: 1, Products: [{ ID: 1, Amount: 1 }] }), 'payitem');
    t.close();
  } finally {
    await fx.stop();
  }
});

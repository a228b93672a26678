import assert from 'node:assert/strict';
import { connect as netConnect } from 'node:net';
import { after, before, test } from 'node:test';
import { KEYS, expectError, expectEvent } from '../helpers/protocol-fixtures.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { Terminal, upgradeStatus } from '../helpers/terminal.js';

// PROTOCOL.md §5: per client address at most N open connections (here
// --connections-per-address 2); past that the upgrade is refused with HTTP 429.
// Connections that end, however they end, must give their place back.

let server: RunningServer;
before(async () => {
  server = await startServer(['--connections-per-address', '2']);
});
after(async () => {
  await server.stop();
});

const statusOf = (path = '/?instance=demo'): Promise<number> => upgradeStatus(`${server.url}${path}`);

/** Sends a raw upgrade request with a bad Sec-WebSocket-Version and resolves with the status line. */
function badHandshake(): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(server.port, '127.0.0.1', () => {
      socket.write(
        'GET /?instance=demo HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 99\r\n\r\n',
      );
    });
    let data = '';
    socket.on('data', (d) => (data += d.toString()));
    socket.on('close', () => resolve(data.split('\r\n')[0] ?? ''));
    socket.on('error', reject);
  });
}

async function waitClosed(t: Terminal): Promise<void> {
  t.close();
  await t.closed();
  await new Promise((r) => setTimeout(r, 100)); // let the server see the close
}

test('the third open connection from one address is refused with 429; closing one frees a place', async () => {
  const a = await Terminal.connect(server.url, '/?instance=demo');
  const b = await Terminal.connect(server.url, '/?instance=demo');
  assert.equal(await statusOf(), 429);
  await waitClosed(a);
  const c = await Terminal.connect(server.url, '/?instance=demo');
  expectEvent(await c.request('getstatus', { api_key: KEYS.demo }), 'getstatus');
  await waitClosed(b);
  await waitClosed(c);
});

test('invalid_instance connections give their place back after close 4004', async () => {
  for (let i = 0; i < 3; i++) {
    const t = await Terminal.connect(server.url, '/?instance=nope');
    expectError(await t.nextAnswer(), 'invalid_instance', 4004);
    assert.equal(await t.closed(), 4004);
  }
  await new Promise((r) => setTimeout(r, 100));
  const a = await Terminal.connect(server.url, '/?instance=demo');
  const b = await Terminal.connect(server.url, '/?instance=demo');
  expectEvent(await b.request('getstatus', { api_key: KEYS.demo }), 'getstatus');
  await waitClosed(a);
  await waitClosed(b);
});

test('failed WebSocket handshakes do not use up places', async () => {
  for (let i = 0; i < 3; i++) assert.match(await badHandshake(), /^HTTP\/1\.1 4\d\d/);
  await new Promise((r) => setTimeout(r, 100));
  const a = await Terminal.connect(server.url, '/?instance=demo');
  const b = await Terminal.connect(server.url, '/?instance=demo');
  expectEvent(await b.request('getstatus', { api_key: KEYS.demo }), 'getstatus');
  await waitClosed(a);
  await waitClosed(b);
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { ADMIN_KEYS, adminClient, expectOk, http, startAdminServer, type AdminServer } from '../helpers/admin.js';
import { sleep } from '../helpers/protocol-fixtures.js';

// PROTOCOL.md §5: a connection whose unsent output passes --send-buffer-limit
// (a client that stopped reading) is dropped, so broadcasts piling up for it
// cannot grow the server's memory; clients that read get every broadcast.

const LIMIT = 256 * 1024;
const SLOW = 10;
const BLOB = 'x'.repeat(200_000); // one broadcast frame is ~200 kB
// Phase 1 (30 broadcasts) fills the slow readers' buffers until they are
// dropped; phase 2 (150 more) must not grow the server's memory: without the
// bound it would hold SLOW × 150 × 200 kB = 300 MB more of unsent frames.
const PHASE_1 = 30;
const PHASE_2 = 150;
const RSS_GROWTH_BOUND = 100 * 1024 * 1024;

let gw: AdminServer;
before(async () => {
  gw = await startAdminServer(['--send-buffer-limit', String(LIMIT)]);
});
after(async () => {
  await gw.stop();
});

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1]) * 1024;
}

async function openSocket(): Promise<WebSocket> {
  const ws = new WebSocket(`${gw.server.url}/?instance=alpha&Content-Type=json`);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

async function connectionsGauge(): Promise<number> {
  const text = (await http(gw.server.url, 'GET', '/metrics')).text;
  const m = /^concertpos_connections\{[^}]*instance="alpha"[^}]*\} (\d+)/m.exec(text);
  return Number(m?.[1] ?? 0);
}

test(`clients that stop reading are dropped past --send-buffer-limit ${LIMIT}; readers get every broadcast; RSS stays bounded`, async (t) => {
  const pid = gw.server.process.pid!;
  const reader = await openSocket();
  let received = 0;
  reader.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as { type: string; result: { message: string } };
    if (frame.type === 'broadcast' && frame.result.message === 'big') received += 1;
  });
  const slow: { ws: WebSocket; closeCode: number | undefined }[] = [];
  for (let i = 0; i < SLOW; i++) {
    const ws = await openSocket();
    ws.pause(); // stops reading from the socket: the kernel buffers fill, then the server's
    const entry = { ws, closeCode: undefined as number | undefined };
    ws.on('close', (code) => (entry.closeCode = code));
    ws.on('error', () => undefined);
    slow.push(entry);
  }
  assert.equal(await connectionsGauge(), SLOW + 1);
  const admin = adminClient(gw.server.url, 'alpha', ADMIN_KEYS.alpha);
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 50);
  const broadcast = async (from: number, to: number): Promise<void> => {
    for (let i = from; i < to; i++) expectOk(await admin('POST', '/broadcast', { message: 'big', parameters: { i, blob: BLOB } }));
    const deadline = Date.now() + 30_000;
    while (received < to || (await connectionsGauge()) > 1) {
      assert.ok(Date.now() < deadline, `reader got ${received}/${to}, open connections ${await connectionsGauge()}`);
      await sleep(100);
    }
  };
  let afterPhase1 = 0;
  try {
    await broadcast(0, PHASE_1);
    assert.equal(await connectionsGauge(), 1, 'every slow reader was dropped');
    await sleep(300);
    afterPhase1 = peak;
    await broadcast(PHASE_1, PHASE_1 + PHASE_2);
  } finally {
    clearInterval(sampler);
  }
  assert.equal(received, PHASE_1 + PHASE_2, 'the reading client got every broadcast');
  assert.equal(reader.readyState, WebSocket.OPEN, 'the reading client stays connected');
  const growth = peak - afterPhase1;
  t.diagnostic(`server RSS peak: ${(afterPhase1 / 1e6).toFixed(1)} MB after phase 1, ${(peak / 1e6).toFixed(1)} MB after phase 2`);
  assert.ok(growth < RSS_GROWTH_BOUND, `server RSS grew by ${(growth / 1e6).toFixed(1)} MB in phase 2 (bound ${RSS_GROWTH_BOUND / 1e6} MB)`);
  // A slow reader that reads again finds its connection closed: 1008 when the
  // close frame got through, 1006 when the socket had to be cut.
  for (const s of slow) s.ws.resume();
  for (const s of slow) {
    const deadline = Date.now() + 10_000;
    while (s.closeCode === undefined) {
      assert.ok(Date.now() < deadline, 'a slow reader sees its connection closed');
      await sleep(50);
    }
    assert.ok([1008, 1006].includes(s.closeCode), `close code ${s.closeCode}`);
  }
  // The gateway still serves new connections.
  const again = await openSocket();
  const answer = new Promise<string>((resolve) => again.once('message', (d) => resolve(d.toString())));
  again.send(JSON.stringify({ command: 'getdeposit', parameters: { api_key: 'alpha-terminal-key-7f3a' } }));
  assert.equal(JSON.parse(await answer).result.event, 'getdeposit');
  again.close();
  reader.close();
});

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { KEYS, sleep, startFixtureServer, type FixtureServer } from '../helpers/protocol-fixtures.js';
import { Terminal } from '../helpers/terminal.js';

// A wrong API key costs a scrypt hash. An attacker who paces wrong keys just
// under the flood guard (here 8 per second per connection, below 100 per
// 10 s) on 100 connections is never disconnected; if every guess were hashed,
// the hashing would fill the thread pool, and the disk syncs of sales
// (synchronous FULL) would queue behind it: honest sales took seconds (p99
// 7 s on two cores). Once the instance's key has been verified, the gateway
// refuses other keys without hashing, so honest terminals stay fast.

const ATTACKERS = 100;
const ATTACK_MS = 6000;
const P99_BOUND_MS = 2000;
const QUERY = '/?instance=alpha&Content-Type=json';

let fx: FixtureServer;
before(async () => {
  fx = await startFixtureServer();
});
after(async () => {
  await fx.stop();
});

test(`wrong API keys paced under the flood guard on ${ATTACKERS} connections do not slow honest sales (p99 < ${P99_BOUND_MS} ms)`, { timeout: 90_000 }, async (t) => {
  const honest = await Promise.all(Array.from({ length: 4 }, () => Terminal.connect(fx.server.url, QUERY)));
  for (const h of honest) assert.equal((await h.request('getdeposit', { api_key: KEYS.alpha })).type, 'event');
  const attackers: WebSocket[] = [];
  let refusals = 0;
  for (let i = 0; i < ATTACKERS; i++) {
    const ws = new WebSocket(`${fx.server.url}${QUERY}`);
    ws.on('error', () => undefined);
    ws.on('message', (d) => {
      if (JSON.parse(d.toString()).result?.error === 'api_key_mismatch') refusals += 1;
    });
    attackers.push(ws);
    await sleep(15); // under 100 new connections per second
  }
  await sleep(200);
  const until = Date.now() + ATTACK_MS;
  const timers = attackers.map((ws) =>
    setInterval(() => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ command: 'listpos', parameters: { api_key: `guess-${Math.random()}` } }));
    }, 125),
  );
  const latencies: number[] = [];
  const failures: string[] = [];
  try {
    await Promise.all(
      honest.map(async (h, k) => {
        for (let i = 0; Date.now() < until; i++) {
          const started = performance.now();
          const answer = await h.request('payitems', { api_key: KEYS.alpha, POSID: 1, PaymentMethod: 1, Products: [{ ID: 1, Amount: 1 }], RequestID: `wk-${k}-${i}` });
          latencies.push(performance.now() - started);
          if (answer.type !== 'event') failures.push(JSON.stringify(answer.result));
          await sleep(100);
        }
      }),
    );
  } finally {
    timers.forEach(clearInterval);
  }
  const open = attackers.filter((ws) => ws.readyState === WebSocket.OPEN).length;
  for (const ws of attackers) ws.terminate();
  for (const h of honest) h.close();
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)] ?? 0;
  t.diagnostic(`honest: ${latencies.length} sales, p50 ${latencies[latencies.length >> 1]?.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms; attackers: ${refusals} refusals, ${open} of ${ATTACKERS} still open`);
  assert.deepEqual(failures, []);
  assert.ok(p99 < P99_BOUND_MS, `honest sale p99 ${p99.toFixed(0)} ms < ${P99_BOUND_MS} ms`);
  assert.ok(open > ATTACKERS / 2, 'the paced attack stayed under the flood guard (the point of this test)');
  assert.ok(refusals > ATTACKERS * 10, `the guesses were answered api_key_mismatch (${refusals})`);
});

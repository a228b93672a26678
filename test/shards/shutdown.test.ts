import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli, startServer } from '../helpers/server.js';
import { startShards } from '../helpers/shards.js';
import { Terminal } from '../helpers/terminal.js';

// Issue 3, item 1: SIGTERM to the supervisor stops every shard cleanly: sales
// in flight are finished and answered, connections close with 1001, and no
// sale is booked that its terminal was not told about.

const SHARDS = ['exon', 'cyton', 'zeus'];
const QUERY = '/?instance=demo&Content-Type=json';
const SALE = { api_key: 'demo-api-key', POSID: 1, PaymentMethod: 1, Products: [{ ID: 1, Amount: 1 }] };
const PER_TERMINAL = 60;

test('SIGTERM to the supervisor: sales in flight are booked and answered, every connection closes with 1001', async () => {
  const cluster = await startShards(SHARDS, ['--no-rate-limit']);
  const terminals = await Promise.all(SHARDS.map((name) => Terminal.connect(cluster.shards().get(name)!.url, `/${name}${QUERY}`)));
  // Each terminal pipelines its sales without waiting; the signal comes once
  // every shard has answered one, so the others are still in flight.
  terminals.forEach((t, s) => {
    for (let i = 0; i < PER_TERMINAL; i++) t.sendRaw(JSON.stringify({ command: 'payitems', parameters: { ...SALE, RequestID: `shutdown-${s}-${i}` } }));
  });
  await Promise.all(terminals.map((t) => t.next((f) => f.type !== 'broadcast')));
  assert.equal(await cluster.stop(), 0, 'the supervisor exits 0');

  const acknowledged = new Set<number>();
  for (const t of terminals) {
    assert.equal(await t.closed(), 1001, 'closed with 1001 (going away)');
    for (const frame of t.frames) {
      assert.equal(frame.type, 'event', `an answer during shutdown was ${JSON.stringify(frame.result)}`);
      assert.equal(frame.result.event, 'payitem');
      acknowledged.add(frame.result.parameters?.TicketID as number);
    }
  }
  assert.ok(acknowledged.size >= SHARDS.length);

  // The store holds exactly the acknowledged sales, each whole (beer + deposit).
  const gateway = await startServer(cluster.storeArgs);
  try {
    const t = await Terminal.connect(gateway.url, QUERY);
    const list = await t.request('listtransactions', { api_key: 'demo-api-key', POSID: 1 });
    const rows = list.result.parameters?.Transactions as { TicketID: number; Product_ID: number }[];
    const tickets = new Map<number, number[]>();
    for (const row of rows) tickets.set(row.TicketID, [...(tickets.get(row.TicketID) ?? []), row.Product_ID]);
    assert.deepEqual([...tickets.keys()].sort((a, b) => a - b), [...acknowledged].sort((a, b) => a - b), 'booked tickets = acknowledged tickets');
    for (const [ticket, products] of tickets) assert.deepEqual(products.sort((a, b) => a - b), [1, 99], `ticket ${ticket} is whole`);
    t.close();
  } finally {
    await gateway.stop();
  }
  const verify = await runCli(['verify', ...cluster.storeArgs]);
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);
});

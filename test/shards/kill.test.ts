import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/server.js';
import { sell } from '../helpers/selling.js';
import { startShards } from '../helpers/shards.js';
import { Terminal } from '../helpers/terminal.js';

const QUERY = '/?instance=demo&Content-Type=json';
const SALE = { api_key: 'demo-api-key', POSID: 1, PaymentMethod: 1, Products: [{ ID: 1, Amount: 1 }] };

test('a shard killed during a sales load loses no acknowledged sale and comes back', async () => {
  const cluster = await startShards(['exon', 'cyton', 'zeus'], ['--no-rate-limit']);
  try {
    const shards = cluster.shards();
    const urls = ['exon', 'cyton', 'zeus'].map((n) => shards.get(n)!.url);
    const victim = shards.get('zeus')!;
    const perSeller = 40;
    // Two sellers per shard; the zeus sellers fail over to exon and cyton when zeus dies.
    // zeus is killed from inside the first zeus seller's acknowledgement of its
    // 10th sale, so both zeus sellers still have sales to make: the cut is
    // certain however fast or slow the machine is.
    let killed = false;
    const killZeus = (acknowledged: number): void => {
      if (killed || acknowledged < 10) return;
      killed = true;
      process.kill(victim.pid, 'SIGKILL');
    };
    const sellers = [0, 1, 2].flatMap((s) =>
      [0, 1].map((k) => sell([urls[s]!, ...urls.filter((_, i) => i !== s)], QUERY, `s${s}k${k}`, perSeller, SALE, 60_000, s === 2 ? killZeus : undefined)),
    );
    const reports = await Promise.all(sellers);
    const back = await cluster.restarted('zeus', victim.pid);
    assert.notEqual(back.pid, victim.pid, 'the supervisor started a new zeus');

    for (const [i, r] of reports.entries()) {
      assert.deepEqual(r.errors, [], `seller ${i} got no error answers`);
      assert.equal(r.acknowledged.size, perSeller, `seller ${i} had every sale acknowledged`);
      if (i < 4) assert.equal(r.reconnects, 0, `seller ${i} on a surviving shard was never cut off`);
    }
    assert.ok(reports[4]!.reconnects + reports[5]!.reconnects > 0, 'the kill cut the zeus sellers off mid-load');
    const acked = new Map<number, string>();
    for (const r of reports) for (const [requestId, ticket] of r.acknowledged) {
      assert.equal(acked.has(ticket), false, `ticket ${ticket} acknowledged for two sales`);
      acked.set(ticket, requestId);
    }
    // The restarted shard serves again, and the ledger holds every acknowledged sale exactly once.
    const fresh = await Terminal.connect(back.url, QUERY);
    const all = await fresh.request('listtransactions', { api_key: 'demo-api-key', POSID: 1 });
    const rows = all.result.parameters?.Transactions as { ID: number; TicketID: number; Product_ID: number }[];
    const tickets = new Map<number, number[]>();
    for (const row of rows) tickets.set(row.TicketID, [...(tickets.get(row.TicketID) ?? []), row.Product_ID]);
    assert.equal(tickets.size, reports.length * perSeller, 'one ticket per sale, none doubled');
    for (const [ticket, products] of tickets) {
      assert.ok(acked.has(ticket), `ticket ${ticket} was acknowledged`);
      assert.deepEqual(products.sort((a, b) => a - b), [1, 99], `ticket ${ticket} is whole (beer + deposit)`);
    }
    assert.deepEqual(rows.map((r) => r.ID).sort((a, b) => a - b), Array.from({ length: rows.length }, (_, i) => i + 1), 'IDs are gapless');
    fresh.close();
    const verify = await runCli(['verify', ...cluster.storeArgs]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  } finally {
    assert.equal(await cluster.stop(), 0);
  }
});

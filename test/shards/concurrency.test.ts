import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startPostgres } from '../helpers/postgres.js';
import { runCli } from '../helpers/server.js';
import { sell } from '../helpers/selling.js';
import { startShards } from '../helpers/shards.js';
import { Terminal } from '../helpers/terminal.js';

const QUERY = '/?instance=demo&Content-Type=json';

test('PostgreSQL: hundreds of tickets from three shards into one instance stay gapless and chained', async () => {
  const pg = await startPostgres();
  const cluster = await startShards(['exon', 'cyton', 'zeus'], ['--no-rate-limit', '--database', pg.url]);
  try {
    const urls = [...cluster.shards().values()].map((s) => s.url);
    const sale = { api_key: 'demo-api-key', POSID: 1, PaymentMethod: 1, Products: [{ ID: 1, Amount: 2 }, { ID: 4, Amount: 1 }] };
    const reports = await Promise.all(urls.flatMap((url, s) => [0, 1, 2].map((k) => sell([url], QUERY, `s${s}k${k}`, 40, sale))));
    const tickets = reports.flatMap((r) => [...r.acknowledged.values()]).sort((a, b) => a - b);
    assert.deepEqual(tickets, Array.from({ length: 360 }, (_, i) => i + 1), 'TicketIDs 1..360, each once');
    const t = await Terminal.connect(urls[0]!, QUERY);
    const rows = (await t.request('listtransactions', { api_key: 'demo-api-key', POSID: 1 })).result.parameters?.Transactions as { ID: number }[];
    assert.deepEqual(rows.map((r) => r.ID), Array.from({ length: 360 * 3 }, (_, i) => 360 * 3 - i), 'row IDs gapless, newest first');
    t.close();
    const verify = await runCli(['verify', '--database', pg.url]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  } finally {
    await cluster.stop();
    pg.stop();
  }
});

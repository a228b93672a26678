import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startServer, tempDir } from '../helpers/server.js';
import { chainText, cli, connect, instanceSpec, ledgerOf, sell, sha512sum, writeInstanceFile, type Json } from '../helpers/cli-fixtures.js';

const data = tempDir('concertpos-persist-');
after(() => data.remove());

test('sales survive a SIGTERM restart; IDs, TicketIDs and the chain continue gaplessly', async () => {
  const file = writeInstanceFile(data.path, 'instances.json', [instanceSpec('rockfest'), instanceSpec('jazzfest')]);
  let server = await startServer(['--data', data.path, '--import', file]);
  let rows: Json[];
  try {
    const t = await connect(server.url, 'rockfest');
    const a = await sell(t, 'rockfest-key', [{ ID: 1, Amount: 1 }]);
    const b = await sell(t, 'rockfest-key', [{ ID: 2, Amount: 2 }, { ID: 15, Amount: 1 }]);
    assert.deepEqual([a.TicketID, b.TicketID], [1, 2]);
    rows = await ledgerOf(t, 'rockfest-key');
    assert.deepEqual(rows.map((r) => r.ID), [1, 2, 3, 4]);
    // another instance's sales do not consume rockfest's IDs
    const j = await connect(server.url, 'jazzfest');
    const js = await sell(j, 'jazzfest-key', [{ ID: 2, Amount: 1 }]);
    assert.equal(js.TicketID, 1);
    assert.equal(js.Transactions[0].ID, 1);
    t.close();
    j.close();
  } finally {
    assert.equal(await server.stop(), 0, 'SIGTERM: exit code 0');
  }
  assert.match(server.output(), /listening on/);

  // same --data, no --import: everything comes from the file
  server = await startServer(['--data', data.path]);
  try {
    const t = await connect(server.url, 'rockfest');
    assert.deepEqual(await ledgerOf(t, 'rockfest-key'), rows, 'the rows are unchanged after the restart');
    const c = await sell(t, 'rockfest-key', [{ ID: 1, Amount: 3 }]);
    assert.equal(c.TicketID, 3, 'TicketID continues');
    assert.deepEqual(c.Transactions.map((r: Json) => r.ID), [5, 6], 'ID continues');
    assert.equal(c.Total, 19.5);
    // the first row after the restart chains onto the last row before it
    const last = rows[rows.length - 1]!;
    assert.equal(c.Transactions[0].hash, await sha512sum(chainText(last.hash, 'rockfest', c.Transactions[0])));
    assert.equal(c.Transactions[1].hash, await sha512sum(chainText(c.Transactions[0].hash, 'rockfest', c.Transactions[1])));
    const j = await connect(server.url, 'jazzfest');
    const js = await sell(j, 'jazzfest-key', [{ ID: 2, Amount: 1 }]);
    assert.equal(js.TicketID, 2);
    assert.equal(js.Transactions[0].ID, 2);
    t.close();
    j.close();
  } finally {
    assert.equal(await server.stop(), 0);
  }
  const v = await cli(['verify', '--data', data.path]);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  assert.match(v.stdout, /rockfest: ok, 6 rows/);
  assert.match(v.stdout, /jazzfest: ok, 2 rows/);
});

test('SIGTERM with open connections closes them with 1001 and exits 0', async () => {
  const server = await startServer(['--data', data.path]);
  const t = await connect(server.url, 'rockfest');
  assert.equal((await t.request('getdeposit', { api_key: 'rockfest-key' })).type, 'event');
  const code = await server.stop();
  assert.equal(await t.closed(), 1001);
  assert.equal(code, 0);
});

test('SIGINT then SIGTERM (Ctrl-C, then a supervisor) still shuts down cleanly with 1001 and exit 0', async () => {
  const server = await startServer(['--data', data.path]);
  const t = await connect(server.url, 'rockfest');
  assert.equal((await t.request('getdeposit', { api_key: 'rockfest-key' })).type, 'event');
  server.process.kill('SIGINT');
  server.process.kill('SIGTERM');
  assert.equal(await t.closed(), 1001);
  assert.equal(await server.stop(), 0, 'the second signal did not kill the process');
});

test('SIGTERM right after the banner exits 0', async () => {
  // startServer resolves on the banner line; no grace time before the signal.
  for (let i = 0; i < 3; i++) {
    const server = await startServer(['--data', data.path]);
    assert.equal(await server.stop(), 0);
  }
});

test('a restart does not replay old broadcasts', async () => {
  const b = await cli(['broadcast', '--all', 'old-news', '--data', data.path]);
  assert.equal(b.code, 0);
  const server = await startServer(['--data', data.path]);
  try {
    const t = await connect(server.url, 'rockfest');
    const fresh = await cli(['broadcast', '--all', 'fresh-news', '--data', data.path]);
    assert.equal(fresh.code, 0);
    const first = await t.next((f) => f.type === 'broadcast');
    assert.equal(first.result.message, 'fresh-news');
    t.close();
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

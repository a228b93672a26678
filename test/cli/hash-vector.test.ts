import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { GENESIS_HASH, rowHash } from '../../src/domain/ledger.js';
import { startServer, tempDir, type RunningServer } from '../helpers/server.js';
import { chainText, connect, instanceSpec, ledgerOf, sell, sha512sum, writeInstanceFile, type Json } from '../helpers/cli-fixtures.js';

const data = tempDir('concertpos-hash-');
let server: RunningServer;
before(async () => {
  const rock = instanceSpec('rockfest');
  rock.products.push({ ID: 5, ProductName: 'Wein', Price: 19.99, Deposit: false, CrewBlocked: false });
  rock.pos[0].products.push(5);
  const file = writeInstanceFile(data.path, 'instances.json', [rock, instanceSpec('jazzfest')]);
  server = await startServer(['--data', data.path, '--import', file]);
});
after(async () => {
  await server.stop();
  data.remove();
});

const ISO_MS_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

test('the first row of a fresh instance: sha512sum of the §4 text = the hash the sale returns = rowHash', async () => {
  const t = await connect(server.url, 'rockfest');
  const sale = await sell(t, 'rockfest-key', [{ ID: 1, Amount: 2 }]);
  const [row, deposit] = sale.Transactions as Json[];
  assert.ok(row && deposit);
  assert.equal(row.ID, 1);
  assert.match(row.timestamp, ISO_MS_UTC);
  // the text, written out field by field from the answer
  const text = `${'0'.repeat(128)}|1|rockfest|1|1|1|2|900|${row.timestamp}|1|`;
  assert.equal(chainText(GENESIS_HASH, 'rockfest', row), text);
  const expected = await sha512sum(text);
  assert.equal(row.hash, expected, 'hash of the payitem answer');
  assert.equal(
    rowHash(GENESIS_HASH, 'rockfest', { ID: 1, TicketID: 1, PointOfSaleID: 1, Payment_ID: 1, Product_ID: 1, AmountProduct: 2, cents: 900, timestamp: row.timestamp, Note: null }),
    expected,
    'rowHash',
  );
  // the deposit row chains onto it
  assert.deepEqual([deposit.ID, deposit.Product_ID, deposit.AmountProduct, deposit.AmountMoney], [2, 99, 2, 4]);
  assert.equal(deposit.hash, await sha512sum(`${expected}|2|rockfest|1|1|99|2|400|${deposit.timestamp}|1|`));
  t.close();
});

test('the whole chain of several sales, recomputed with sha512sum from listtransactions', async () => {
  const t = await connect(server.url, 'rockfest');
  await sell(t, 'rockfest-key', [{ ID: 15, Amount: 3 }]); // negative money: -6 → -600 cents
  await sell(t, 'rockfest-key', [{ ID: 5, Amount: 3 }, { ID: 2, Amount: 1 }], 1, 3); // 19.99 × 3, crew payment
  await sell(t, 'rockfest-key', [{ ID: 2, Amount: '2' } as never, { ID: 1, Amount: 1 }]);
  const rows = await ledgerOf(t, 'rockfest-key');
  assert.deepEqual(rows.map((r) => r.ID), [1, 2, 3, 4, 5, 6, 7, 8], 'IDs gapless from 1');
  assert.deepEqual(rows.map((r) => r.TicketID), [1, 1, 2, 3, 3, 4, 4, 4], 'TicketIDs gapless from 1');
  assert.deepEqual(rows.map((r) => r.AmountMoney), [9, 4, -6, 59.97, 3.2, 6.4, 4.5, 2]);
  let prev = '0'.repeat(128);
  for (const row of rows) {
    assert.match(row.hash, /^[0-9a-f]{128}$/);
    assert.match(row.timestamp, ISO_MS_UTC);
    assert.equal(row.Note, null);
    assert.equal(row.hash, await sha512sum(chainText(prev, 'rockfest', row)), `row ${row.ID}`);
    prev = row.hash;
  }
  t.close();
});

test('another instance starts its own chain at ID 1 with prev = 128 zeros and its own slug', async () => {
  const t = await connect(server.url, 'jazzfest');
  const sale = await sell(t, 'jazzfest-key', [{ ID: 2, Amount: 1 }]);
  const row = sale.Transactions[0] as Json;
  assert.equal(row.ID, 1);
  assert.equal(sale.TicketID, 1);
  assert.equal(row.hash, await sha512sum(`${'0'.repeat(128)}|1|jazzfest|1|1|2|1|320|${row.timestamp}|1|`));
  t.close();
});

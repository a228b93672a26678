import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startServer, tempDir } from '../helpers/server.js';
import { cli, connect, instanceSpec, openDataFile, sell, writeInstanceFile } from '../helpers/cli-fixtures.js';

const base = tempDir('concertpos-verify-');
const copies: { remove: () => void }[] = [];
after(() => {
  base.remove();
  for (const c of copies) c.remove();
});

/** rockfest: 3 tickets, 5 rows; jazzfest: 1 ticket, 2 rows. */
const ROCK_ROWS = 5;

before(async () => {
  const file = writeInstanceFile(base.path, 'instances.json', [instanceSpec('rockfest'), instanceSpec('jazzfest')]);
  const server = await startServer(['--data', base.path, '--import', file]);
  try {
    const rock = await connect(server.url, 'rockfest');
    await sell(rock, 'rockfest-key', [{ ID: 1, Amount: 2 }]); // rows 1-2
    await sell(rock, 'rockfest-key', [{ ID: 2, Amount: 1 }]); // row 3
    await sell(rock, 'rockfest-key', [{ ID: 15, Amount: 1 }, { ID: 2, Amount: 3 }]); // rows 4-5
    rock.close();
    const jazz = await connect(server.url, 'jazzfest');
    await sell(jazz, 'jazzfest-key', [{ ID: 1, Amount: 1 }]);
    jazz.close();
  } finally {
    assert.equal(await server.stop(), 0, 'SIGTERM stops the gateway with exit code 0');
  }
});

/** A copy of the stopped gateway's data folder, to tamper with. */
function copy(): string {
  const dir = tempDir('concertpos-tamper-');
  copies.push(dir);
  cpSync(base.path, dir.path, { recursive: true });
  return dir.path;
}

function rockId(db: ReturnType<typeof openDataFile>): number {
  return (db.prepare("SELECT id FROM instances WHERE slug = 'rockfest'").get() as { id: number }).id;
}

describe('concertpos verify', () => {
  test('exits 0 on intact ledgers after sales', async () => {
    const r = await cli(['verify', '--data', base.path]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /rockfest: ok, 5 rows/);
    assert.match(r.stdout, /jazzfest: ok, 2 rows/);
  });

  test('--instance checks one instance; an unknown one exits 1', async () => {
    const ok = await cli(['verify', '--instance', 'jazzfest', '--data', base.path]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.doesNotMatch(ok.stdout, /rockfest/);
    const unknown = await cli(['verify', '--instance', 'nosuchfest', '--data', base.path]);
    assert.equal(unknown.code, 1);
  });

  test('runs while a gateway serves the same store', async () => {
    const data = copy();
    const server = await startServer(['--data', data]);
    try {
      const rock = await connect(server.url, 'rockfest');
      await sell(rock, 'rockfest-key', [{ ID: 2, Amount: 1 }]);
      const r = await cli(['verify', '--data', data]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /rockfest: ok, 6 rows/);
      rock.close();
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  test('a changed AmountMoney (trigger dropped, cents updated) exits 1 naming the row', async () => {
    const data = copy();
    const db = openDataFile(data);
    db.exec('DROP TRIGGER transactions_no_update');
    const changed = db.prepare('UPDATE transactions SET cents = cents - 100 WHERE instance_id = ? AND id = 3').run(rockId(db));
    assert.equal(changed.changes, 1);
    db.close();
    const r = await cli(['verify', '--data', data]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /rockfest\b.*\brow 3\b/);
    assert.doesNotMatch(r.stdout + r.stderr, /\brow [1245]\b/, 'names the first bad row, not another');
    assert.match(r.stdout, /jazzfest: ok/, 'the other instance still verifies');
  });

  test('a changed row whose own hash was recomputed breaks at the next row', async () => {
    const data = copy();
    const db = openDataFile(data);
    db.exec('DROP TRIGGER transactions_no_update');
    const id = rockId(db);
    const prev = (db.prepare('SELECT hash FROM transactions WHERE instance_id = ? AND id = 1').get(id) as { hash: string }).hash;
    const row = db.prepare('SELECT * FROM transactions WHERE instance_id = ? AND id = 2').get(id) as Record<string, unknown>;
    const { rowHash } = await import('../../src/domain/ledger.js');
    const forged = rowHash(prev, 'rockfest', {
      ID: 2, TicketID: Number(row.ticket_id), PointOfSaleID: Number(row.pos_id), Payment_ID: Number(row.payment_id),
      Product_ID: Number(row.product_id), AmountProduct: Number(row.amount), cents: 0, timestamp: String(row.timestamp), Note: null,
    });
    db.prepare('UPDATE transactions SET cents = 0, hash = ? WHERE instance_id = ? AND id = 2').run(forged, id);
    db.close();
    const r = await cli(['verify', '--instance', 'rockfest', '--data', data]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /\brow 3\b/);
  });

  test('a deleted LAST row exits 1 naming it', async () => {
    const data = copy();
    const db = openDataFile(data);
    db.exec('DROP TRIGGER transactions_no_delete');
    const deleted = db.prepare('DELETE FROM transactions WHERE instance_id = ? AND id = ?').run(rockId(db), ROCK_ROWS);
    assert.equal(deleted.changes, 1);
    db.close();
    const r = await cli(['verify', '--data', data]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, new RegExp(`rockfest\\b.*\\brow ${ROCK_ROWS}\\b`));
  });

  test('a deleted whole last ticket exits 1', async () => {
    const data = copy();
    const db = openDataFile(data);
    db.exec('DROP TRIGGER transactions_no_delete');
    assert.equal(db.prepare('DELETE FROM transactions WHERE instance_id = ? AND ticket_id = 3').run(rockId(db)).changes, 2);
    db.close();
    const r = await cli(['verify', '--data', data]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /rockfest\b.*\brow 4\b/);
  });

  test('a deleted middle row exits 1 naming it', async () => {
    const data = copy();
    const db = openDataFile(data);
    db.exec('DROP TRIGGER transactions_no_delete');
    db.prepare('DELETE FROM transactions WHERE instance_id = ? AND id = 2').run(rockId(db));
    db.close();
    const r = await cli(['verify', '--data', data]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /rockfest\b.*\brow (2|3)\b/);
  });

  test('a row appended behind the recorded head exits 1', async () => {
    const data = copy();
    const db = openDataFile(data);
    const id = rockId(db);
    const last = db.prepare('SELECT * FROM transactions WHERE instance_id = ? AND id = ?').get(id, ROCK_ROWS) as Record<string, unknown>;
    const { rowHash } = await import('../../src/domain/ledger.js');
    const fields = { ID: ROCK_ROWS + 1, TicketID: 4, PointOfSaleID: 1, Payment_ID: 1, Product_ID: 2, AmountProduct: 1, cents: 320, timestamp: String(last.timestamp), Note: null };
    db.prepare('INSERT INTO transactions (instance_id, id, ticket_id, pos_id, payment_id, product_id, amount, cents, timestamp, hash, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      id, fields.ID, fields.TicketID, 1, 1, 2, 1, 320, fields.timestamp, rowHash(String(last.hash), 'rockfest', fields), null,
    );
    db.close();
    const r = await cli(['verify', '--data', data]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, new RegExp(`rockfest\\b.*\\brow ${ROCK_ROWS + 1}\\b`));
  });
});

describe('the ledger is append-only in the file', () => {
  test('a plain UPDATE or DELETE on transactions fails and changes nothing', async () => {
    const data = copy();
    const db = openDataFile(data);
    const id = rockId(db);
    assert.throws(() => db.prepare('UPDATE transactions SET cents = 1 WHERE instance_id = ? AND id = 1').run(id), /append-only/);
    assert.throws(() => db.prepare('UPDATE transactions SET note = ? WHERE instance_id = ?').run('x', id), /append-only/);
    assert.throws(() => db.prepare('DELETE FROM transactions WHERE instance_id = ? AND id = ?').run(id, ROCK_ROWS), /append-only/);
    assert.throws(() => db.prepare('DELETE FROM transactions').run(), /append-only/);
    const count = (db.prepare('SELECT COUNT(*) AS n FROM transactions').get() as { n: number }).n;
    assert.equal(count, ROCK_ROWS + 2);
    db.close();
    const r = await cli(['verify', '--data', data]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
});

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { verifyChain } from '../../src/audit/verify-chain.js';
import { parseInstances } from '../../src/instances/instance-file.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Instance, TicketDraft } from '../../src/store/types.js';
import { tempDir } from '../helpers/server.js';

// Group commit writes concurrent sales in one transaction, a savepoint each.
// Some SQLite errors (I/O, disk full, out of memory) roll back the whole
// transaction instead of the savepoint; RAISE(ROLLBACK) in a trigger does the
// same, so it stands in for them here. Then no sale of the batch may be
// booked: before the fix the later sales committed alone on a head that no
// longer existed, leaving a gap in the IDs and a broken chain.

const FILE = {
  instances: [
    {
      slug: 'alpha',
      api_key: 'alpha-key',
      products: [{ ID: 1, ProductName: 'Bier', Price: 4.5 }],
      payment_methods: [{ ID: 1, Payment: 'Bar' }],
      pos: [{ ID: 1, PointOfSale: 'Nord', products: [1], payment_methods: [1] }],
    },
  ],
};

function draft(requestId: string): TicketDraft {
  return { posId: 1, paymentId: 1, lines: [{ productId: 1, amount: 1, cents: 450 }], note: null, items: 1, requestId, fingerprint: '1|1|1x1', ticketLimit: 0, catalogueVersion: null };
}

/** A store on a fresh file holding FILE, for `run`; `file` is its path, for a second connection. */
async function withStore(run: (store: SqliteStore, alpha: Instance, file: string) => Promise<void>): Promise<void> {
  const dir = tempDir('concertpos-batch-');
  const file = join(dir.path, 'concertpos.db');
  const store = new SqliteStore({ file });
  try {
    await store.migrate();
    await store.importInstances(await parseInstances(FILE, 'batch'));
    await run(store, (await store.instanceBySlug('alpha')) as Instance, file);
  } finally {
    await store.close();
    dir.remove();
  }
}

test('a batch whose whole transaction is rolled back books none of its sales; the ledger stays gapless and chained', () =>
  withStore(async (store, alpha, file) => {
    const now = '2026-06-01T12:00:00.000Z';

    const other = new Database(file);
    other.exec("CREATE TRIGGER fail_second BEFORE INSERT ON tickets WHEN NEW.id = 2 BEGIN SELECT RAISE(ROLLBACK, 'simulated I/O error'); END");
    // Submitted in one turn: one batch.
    const results = await Promise.allSettled(['a', 'b', 'c', 'd'].map((id) => store.appendTicket(alpha.id, 'alpha', draft(id), now)));
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected', 'rejected', 'rejected'], 'every sale of the undone batch fails');
    assert.deepEqual(await store.transactions(alpha.id, {}), [], 'nothing was booked');
    assert.deepEqual(await store.ledgerHead(alpha.id), { lastId: 0, lastHash: '0'.repeat(128) }, 'the head did not move');

    other.exec('DROP TRIGGER fail_second');
    other.close();
    const again = await Promise.all(['a', 'b'].map((id) => store.appendTicket(alpha.id, 'alpha', draft(id), now)));
    assert.deepEqual(
      again.map((r) => (r.outcome === 'booked' ? r.ticket.ticketId : r.outcome)),
      [1, 2],
      'the retried sales are booked from ticket 1 on',
    );
    const rows = await store.transactions(alpha.id, {});
    assert.deepEqual(rows.map((r) => r.ID).sort(), [1, 2]);
    assert.deepEqual(await verifyChain(store, alpha), { ok: true, rows: 2 });
  }));

test('a sale that fails alone fails only itself: the others of its batch are booked, gapless and chained', () =>
  withStore(async (store, alpha, file) => {
    const other = new Database(file);
    // ABORT undoes only the failing statement: the batch must roll that sale back alone.
    other.exec("CREATE TRIGGER refuse_b BEFORE INSERT ON tickets WHEN NEW.request_id = 'b' BEGIN SELECT RAISE(ABORT, 'refused'); END");
    other.close();
    const results = await Promise.allSettled(['a', 'b', 'c', 'd'].map((id) => store.appendTicket(alpha.id, 'alpha', draft(id), '2026-06-01T12:00:00.000Z')));
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' && r.value.outcome === 'booked' ? r.value.ticket.ticketId : r.status)),
      [1, 'rejected', 2, 3],
    );
    assert.deepEqual((await store.transactions(alpha.id, {})).map((r) => r.ID).sort(), [1, 2, 3]);
    assert.deepEqual(await verifyChain(store, alpha), { ok: true, rows: 3 });
  }));

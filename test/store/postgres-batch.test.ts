import assert from 'node:assert/strict';
import { test } from 'node:test';
import pgClient from 'pg';
import { verifyChain } from '../../src/audit/verify-chain.js';
import { DEMO_FILE } from '../../src/instances/demo.js';
import { parseInstances } from '../../src/instances/instance-file.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { Instance, TicketDraft } from '../../src/store/types.js';
import { startPostgres } from '../helpers/postgres.js';

const NOW = '2026-06-01T12:00:00.000Z';

function draft(requestId: string | null = null): TicketDraft {
  return { posId: 1, paymentId: 1, lines: [{ productId: 4, amount: 1, cents: 320 }], note: null, items: 1, requestId, fingerprint: '1|1|4x1', ticketLimit: 0, catalogueVersion: null };
}

// A batch whose connection is lost while its statement runs may have
// committed or not: writing it again could book its sales twice, so its
// sales fail (the terminals' RequestID retry finds out) and nothing is rewritten.
test('postgres: a batch whose connection dies mid-statement fails and is not written again', async () => {
  const cluster = await startPostgres();
  const url = cluster.createDatabase('batch_lost');
  const store = new PostgresStore({ url });
  const admin = new pgClient.Client({ connectionString: url });
  try {
    await store.migrate();
    await store.importInstances(await parseInstances(DEMO_FILE, 'demo'));
    const demo = (await store.instanceBySlug('demo')) as Instance;
    assert.equal((await store.appendTicket(demo.id, 'demo', draft(), NOW)).outcome, 'booked', 'the writer now knows the head: the next batch is one statement');

    await admin.connect();
    // The next ticket insert sleeps while table `slow` has a row: long enough to cut its connection.
    await admin.query(`
      CREATE TABLE slow (flag INTEGER);
      INSERT INTO slow VALUES (1);
      CREATE FUNCTION slow_insert() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF EXISTS (SELECT FROM slow) THEN PERFORM pg_sleep(30); END IF; RETURN NEW; END $$;
      CREATE TRIGGER slow_tickets BEFORE INSERT ON tickets FOR EACH ROW EXECUTE FUNCTION slow_insert();`);
    const lost = store.appendTicket(demo.id, 'demo', draft(), NOW);
    const outcome = lost.then(
      (r) => r.outcome,
      () => 'failed',
    );
    let pid: number | undefined;
    const deadline = Date.now() + 15_000;
    while (pid === undefined) {
      assert.ok(Date.now() < deadline, 'the batch statement never started');
      const r = await admin.query("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'PgSleep'");
      pid = (r.rows[0] as { pid: number } | undefined)?.pid;
      if (pid === undefined) await new Promise((res) => setTimeout(res, 20));
    }
    // From now on the insert would go through: a second attempt would book the sale.
    await admin.query('DELETE FROM slow');
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);

    assert.equal(await outcome, 'failed', 'the sale is failed, not written again');
    const head = await store.ledgerHead(demo.id);
    assert.equal(head.lastId, 1, 'only the first sale is in the ledger');
    // The store goes on: the next sale is booked right after it, gapless and chained.
    const next = await store.appendTicket(demo.id, 'demo', draft(), NOW);
    assert.equal(next.outcome === 'booked' && next.ticket.ticketId, 2);
    assert.deepEqual(await verifyChain(store, demo), { ok: true, rows: 2 });
  } finally {
    await admin.end().catch(() => undefined);
    await store.close();
    cluster.stop();
  }
});

test('postgres: a sale the server refuses fails only itself; the others of its batch are booked, gapless and chained', async () => {
  const cluster = await startPostgres();
  const url = cluster.createDatabase('batch_refused');
  const store = new PostgresStore({ url });
  const admin = new pgClient.Client({ connectionString: url });
  try {
    await store.migrate();
    await store.importInstances(await parseInstances(DEMO_FILE, 'demo'));
    const demo = (await store.instanceBySlug('demo')) as Instance;
    await admin.connect();
    await admin.query(`
      CREATE FUNCTION refuse_b() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.request_id = 'b' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER refuse_b BEFORE INSERT ON tickets FOR EACH ROW EXECUTE FUNCTION refuse_b();`);
    // Submitted in one turn: one batch, refused whole, then written sale by sale.
    const results = await Promise.allSettled(['a', 'b', 'c', 'd'].map((id) => store.appendTicket(demo.id, 'demo', draft(id), NOW)));
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' && r.value.outcome === 'booked' ? r.value.ticket.ticketId : r.status)),
      [1, 'rejected', 2, 3],
    );
    assert.deepEqual(await verifyChain(store, demo), { ok: true, rows: 3 });
  } finally {
    await admin.end().catch(() => undefined);
    await store.close();
    cluster.stop();
  }
});

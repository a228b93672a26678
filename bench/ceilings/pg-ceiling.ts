import pg from 'pg';
import { DEMO_FILE } from '../../src/instances/demo.js';
import { parseInstances } from '../../src/instances/instance-file.js';
import { GUARDED_APPEND, guardedAppendValues, type Head } from '../../src/store/postgres/batch-append.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { chainSales, SALE, SALE_FINGERPRINT, type Ceiling, type CeilingRun } from './ledger-batch.js';

/**
 * The PostgreSQL storage ceiling: the benchmark sale's rows with the same hash
 * chain, into the gateway's schema, `batch` sales per statement. Each batch is
 * the statement the gateway's group commit sends (GUARDED_APPEND: one round
 * trip, rows as arrays through unnest, checked against the head under the
 * instance row lock), with the head carried in memory: PostgreSQL's best
 * batched insert, without a gateway around it.
 */
export async function openPgCeiling(url: string): Promise<Ceiling> {
  const store = new PostgresStore({ url, max: 2 });
  await store.migrate();
  await store.importInstances(await parseInstances(DEMO_FILE, 'demo'));
  await store.close();

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let head: Head;
  let instanceId: number;
  try {
    const h = (await client.query("SELECT id, last_tx_id, last_ticket_id, last_hash, catalogue_version FROM instances WHERE slug = 'demo'")).rows[0] as Record<string, unknown>;
    instanceId = Number(h.id);
    head = { lastId: Number(h.last_tx_id), lastTicketId: Number(h.last_ticket_id), lastHash: String(h.last_hash), catalogueVersion: Number(h.catalogue_version) };
  } catch (e) {
    await client.end();
    throw e;
  }
  return {
    async measure(batch: number, ms: number): Promise<CeilingRun> {
      const started = performance.now();
      let sales = 0;
      while (performance.now() - started < ms) {
        await writeBatch(client, instanceId, head, batch);
        sales += batch;
      }
      return { batch, salesPerSecond: sales / ((performance.now() - started) / 1000) };
    },
    close: () => client.end(),
  };
}

async function writeBatch(client: pg.Client, instanceId: number, head: Head, count: number): Promise<void> {
  const from = { ...head };
  const sales = chainSales('demo', head, count);
  const tickets = sales.map((s) => ({ ticket: { ticketId: s.ticketId, posId: SALE.posId, paymentId: SALE.paymentId, items: SALE.items }, requestId: null, fingerprint: SALE_FINGERPRINT, now: s.at }));
  const values = guardedAppendValues(instanceId, { from, to: head, rows: sales.flatMap((s) => s.rows), tickets });
  const written = await client.query({ name: 'ceiling-append', text: GUARDED_APPEND, values });
  if (written.rowCount !== 1) throw new Error('pg ceiling: the head moved under the benchmark');
}

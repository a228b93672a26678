import pg from 'pg';
import { DEMO_FILE } from '../../src/instances/demo.js';
import { parseInstances } from '../../src/instances/instance-file.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { best, chainSales, SALE, SALE_FINGERPRINT, type CeilingRun } from './ledger-batch.js';

export interface PgCeilingOptions {
  url: string;
  msPerBatchSize: number;
  batchSizes: readonly number[];
}

/**
 * The PostgreSQL storage ceiling: the benchmark sale's rows with the same hash
 * chain, into the gateway's schema, one transaction per `batch` sales holding
 * the instance row lock (as the gateway must), rows sent as arrays (one
 * INSERT … SELECT FROM unnest per table): PostgreSQL's best batched insert.
 */
export async function pgCeiling(options: PgCeilingOptions): Promise<{ best: CeilingRun; runs: CeilingRun[] }> {
  const store = new PostgresStore({ url: options.url, max: 2 });
  await store.migrate();
  await store.importInstances(await parseInstances(DEMO_FILE, 'demo'));
  await store.close();

  const client = new pg.Client({ connectionString: options.url });
  await client.connect();
  try {
    const runs: CeilingRun[] = [];
    for (const batch of options.batchSizes) {
      const started = performance.now();
      let sales = 0;
      while (performance.now() - started < options.msPerBatchSize) {
        await writeBatch(client, batch);
        sales += batch;
      }
      runs.push({ batch, salesPerSecond: sales / ((performance.now() - started) / 1000) });
    }
    return { best: best(runs), runs };
  } finally {
    await client.end();
  }
}

async function writeBatch(client: pg.Client, count: number): Promise<void> {
  await client.query('BEGIN');
  const h = (await client.query("SELECT id, last_tx_id, last_ticket_id, last_hash FROM instances WHERE slug = 'demo' FOR UPDATE")).rows[0] as Record<string, unknown>;
  const instanceId = Number(h.id);
  const head = { lastId: Number(h.last_tx_id), lastTicketId: Number(h.last_ticket_id), lastHash: String(h.last_hash) };
  const sales = chainSales('demo', head, count);
  const rows = sales.flatMap((s) => s.rows);
  const col = <T>(f: (r: (typeof rows)[number]) => T): T[] => rows.map(f);
  await client.query(
    `INSERT INTO transactions (instance_id, id, ticket_id, pos_id, payment_id, product_id, amount, cents, timestamp, hash, note)
     SELECT $1, * FROM unnest($2::int[], $3::int[], $4::int[], $5::int[], $6::int[], $7::int[], $8::bigint[], $9::text[], $10::text[], $11::text[])`,
    [instanceId, col((r) => r.ID), col((r) => r.TicketID), col((r) => r.PointOfSaleID), col((r) => r.Payment_ID), col((r) => r.Product_ID), col((r) => r.AmountProduct), col((r) => r.cents), col((r) => r.timestamp), col((r) => r.hash), col((r) => r.Note)],
  );
  await client.query(
    `INSERT INTO tickets (instance_id, id, pos_id, payment_id, items, request_id, fingerprint, created_at)
     SELECT $1, id, $2, $3, $4, NULL, $5, at FROM unnest($6::int[], $7::text[]) AS t(id, at)`,
    [instanceId, SALE.posId, SALE.paymentId, SALE.items, SALE_FINGERPRINT, sales.map((s) => s.ticketId), sales.map((s) => s.at)],
  );
  await client.query('UPDATE instances SET last_tx_id = $1, last_ticket_id = $2, last_hash = $3 WHERE id = $4', [head.lastId, head.lastTicketId, head.lastHash, instanceId]);
  await client.query('COMMIT');
}

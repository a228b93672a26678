import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DEMO_FILE } from '../../src/instances/demo.js';
import { parseInstances } from '../../src/instances/instance-file.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { chainSales, SALE, SALE_FINGERPRINT, type Ceiling, type CeilingRun } from './ledger-batch.js';

export interface SqliteCeilingOptions {
  dir: string;
  synchronous: 'FULL' | 'NORMAL';
}

/**
 * The SQLite storage ceiling: raw better-sqlite3 writes of the benchmark sale's
 * rows, with the same hash chain, into the gateway's own schema (same indexes
 * and append-only triggers), WAL and the same `synchronous`, one transaction
 * per `batch` sales. Nothing else: no parsing, no reads, no network.
 */
export async function openSqliteCeiling(options: SqliteCeilingOptions): Promise<Ceiling> {
  const file = join(options.dir, 'ceiling.db');
  const store = new SqliteStore({ file, synchronous: options.synchronous });
  await store.migrate();
  await store.importInstances(await parseInstances(DEMO_FILE, 'demo'));
  await store.close();

  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous}`);
  const headRow = db.prepare("SELECT id, slug, last_tx_id, last_ticket_id, last_hash FROM instances WHERE slug = 'demo'").get() as Record<string, unknown>;
  const instanceId = Number(headRow.id);
  const head = { lastId: Number(headRow.last_tx_id), lastTicketId: Number(headRow.last_ticket_id), lastHash: String(headRow.last_hash) };
  const insertRow = db.prepare(
    'INSERT INTO transactions (instance_id, id, ticket_id, pos_id, payment_id, product_id, amount, cents, timestamp, hash, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertTicket = db.prepare(
    'INSERT INTO tickets (instance_id, id, pos_id, payment_id, items, request_id, fingerprint, created_at, voids) VALUES (?, ?, ?, ?, ?, NULL, ?, ?, NULL)',
  );
  const updateHead = db.prepare('UPDATE instances SET last_tx_id = ?, last_ticket_id = ?, last_hash = ? WHERE id = ?');
  const writeBatch = db.transaction((count: number) => {
    for (const sale of chainSales('demo', head, count)) {
      for (const r of sale.rows) insertRow.run(instanceId, r.ID, r.TicketID, r.PointOfSaleID, r.Payment_ID, r.Product_ID, r.AmountProduct, r.cents, r.timestamp, r.hash, r.Note);
      insertTicket.run(instanceId, sale.ticketId, SALE.posId, SALE.paymentId, SALE.items, SALE_FINGERPRINT, sale.at);
    }
    updateHead.run(head.lastId, head.lastTicketId, head.lastHash, instanceId);
  });

  return {
    async measure(batch: number, ms: number): Promise<CeilingRun> {
      const started = performance.now();
      let sales = 0;
      while (performance.now() - started < ms) {
        writeBatch.immediate(batch);
        sales += batch;
      }
      return { batch, salesPerSecond: sales / ((performance.now() - started) / 1000) };
    },
    async close() {
      db.close();
    },
  };
}

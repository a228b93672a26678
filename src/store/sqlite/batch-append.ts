import type Database from 'better-sqlite3';
import { chainTicket } from '../../domain/ledger.js';
import type { PendingAppend, Settled } from '../group-commit.js';
import type { AppendResult, IdempotencyLookup, LedgerRow } from '../types.js';

/** What the batch writer needs of the store: its connection, statement cache and RequestID lookup. */
export interface BatchContext {
  db: Database.Database;
  prepare: (sql: string) => Database.Statement;
  lookup: (instanceId: number, requestId: string, fingerprint: string) => IdempotencyLookup;
}

interface Head {
  lastId: number;
  lastTicketId: number;
  lastHash: string;
  catalogueVersion: number;
}

const ROW_COLUMNS = '(instance_id, id, ticket_id, pos_id, payment_id, product_id, amount, cents, timestamp, hash, note)';

const ROWS_INSERTS: string[] = [];

/**
 * One INSERT for all rows of a ticket (its statement cached per row count by
 * the store). The text is kept too: building it and hashing a new string
 * for the statement cache cost 2 % of a sale.
 */
function rowsInsert(count: number): string {
  return (ROWS_INSERTS[count] ??= `INSERT INTO transactions ${ROW_COLUMNS} VALUES ${Array.from({ length: count }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`);
}

/**
 * Writes the sales that arrived together in one write transaction (one fsync
 * with synchronous=FULL); none is answered before the COMMIT (the caller
 * resolves only after this returns). Each instance's head (last row ID,
 * ticket ID, hash, catalogue version) is read once under the write lock,
 * carried from sale to sale in memory, and written back once at the end of
 * the batch, inside the same transaction.
 *
 * A sale fails only itself: the batch is first written without savepoints
 * (they cost as much as the inserts), and if any sale throws, that whole
 * transaction is rolled back and the batch written again with a savepoint
 * per sale, so the failing sale is rolled back alone.
 */
export function appendBatch(ctx: BatchContext, pending: readonly PendingAppend[]): Settled<AppendResult>[] {
  try {
    return writeBatch(ctx, pending, false);
  } catch (error) {
    // Rolled back whole (SQLite is local: a failed COMMIT has not committed).
    // Only a sale's own failure is worth a second pass; a busy lock or a
    // failed COMMIT would only fail again, after another busy_timeout.
    if (!(error instanceof SaleFailed)) throw error;
    return writeBatch(ctx, pending, true);
  }
}

/** A sale of a batch written without savepoints threw: the batch is written again with them. */
class SaleFailed extends Error {}

function writeBatch(ctx: BatchContext, pending: readonly PendingAppend[], savepoints: boolean): Settled<AppendResult>[] {
  const heads = new Map<number, Head>();
  const headOf = (instanceId: number): Head => {
    let head = heads.get(instanceId);
    if (!head) {
      const r = ctx.prepare('SELECT last_tx_id, last_ticket_id, last_hash, catalogue_version FROM instances WHERE id = ?').get(instanceId) as Record<string, unknown> | undefined;
      if (!r) throw new Error(`instance ${instanceId} vanished`);
      head = { lastId: Number(r.last_tx_id), lastTicketId: Number(r.last_ticket_id), lastHash: String(r.last_hash), catalogueVersion: Number(r.catalogue_version) };
      heads.set(instanceId, head);
    }
    return head;
  };
  // The head only moves on once the sale's rows are in.
  const writeSale = (a: PendingAppend): { result: AppendResult; head?: Head } => {
    const { instanceId, slug, draft, now } = a;
    if (draft.requestId !== null) {
      const seen = ctx.lookup(instanceId, draft.requestId, draft.fingerprint);
      if (seen.outcome !== 'none') return { result: seen };
    }
    const head = headOf(instanceId);
    if (draft.catalogueVersion !== null && draft.catalogueVersion !== head.catalogueVersion) return { result: { outcome: 'catalogue_changed', version: head.catalogueVersion } };
    const ticketId = head.lastTicketId + 1;
    if (draft.ticketLimit > 0 && ticketId > draft.ticketLimit) return { result: { outcome: 'limit_reached' } };
    const rows: LedgerRow[] = chainTicket(slug, head, { ticketId, posId: draft.posId, paymentId: draft.paymentId, lines: draft.lines, note: draft.note }, now);
    if (rows.length > 0) {
      const values: unknown[] = [];
      for (const r of rows) values.push(instanceId, r.ID, r.TicketID, r.PointOfSaleID, r.Payment_ID, r.Product_ID, r.AmountProduct, r.cents, r.timestamp, r.hash, r.Note);
      ctx.prepare(rowsInsert(rows.length)).run(...values);
    }
    ctx.prepare('INSERT INTO tickets (instance_id, id, pos_id, payment_id, items, request_id, fingerprint, created_at, voids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)').run(
      instanceId,
      ticketId,
      draft.posId,
      draft.paymentId,
      draft.items,
      draft.requestId,
      draft.fingerprint,
      now,
    );
    const last = rows[rows.length - 1];
    return {
      result: { outcome: 'booked', ticket: { ticketId, posId: draft.posId, paymentId: draft.paymentId, items: draft.items, rows } },
      head: { lastId: last?.ID ?? head.lastId, lastTicketId: ticketId, lastHash: last?.hash ?? head.lastHash, catalogueVersion: head.catalogueVersion },
    };
  };
  const one = savepoints ? ctx.db.transaction(writeSale) : writeSale;
  const outcomes: Settled<AppendResult>[] = [];
  ctx.db
    .transaction(() => {
      for (const a of pending) {
        try {
          const { result, head } = one(a);
          if (head) heads.set(a.instanceId, head);
          outcomes.push({ ok: true, value: result });
        } catch (error) {
          if (!savepoints) throw new SaleFailed('a sale of the batch failed', { cause: error });
          // Some errors (I/O, disk full, out of memory) roll back the whole
          // transaction, not just this sale's savepoint: then every sale of
          // the batch is undone and must fail, or later ones would commit
          // alone on heads that no longer exist.
          if (!ctx.db.inTransaction) throw error;
          outcomes.push({ ok: false, error });
        }
      }
      const update = ctx.prepare('UPDATE instances SET last_tx_id = ?, last_ticket_id = ?, last_hash = ? WHERE id = ?');
      for (const [instanceId, head] of heads) update.run(head.lastId, head.lastTicketId, head.lastHash, instanceId);
    })
    .immediate();
  return outcomes;
}

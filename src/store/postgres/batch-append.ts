import type pg from 'pg';
import { chainTicket } from '../../domain/ledger.js';
import type { PendingAppend, Settled } from '../group-commit.js';
import type { AppendResult, BookedTicket, IdempotencyLookup, LedgerRow } from '../types.js';

/** What the batch writer needs of the store. */
export interface PgBatchContext {
  /** Runs `fn` in one transaction on one pooled client. */
  tx<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  lookup(client: pg.PoolClient, instanceId: number, requestId: string, fingerprint: string): Promise<IdempotencyLookup>;
  /** The one-sale path (its own transaction), used when a batch fails as a whole. */
  appendOne(pending: PendingAppend): Promise<AppendResult>;
}

interface Head {
  lastId: number;
  lastTicketId: number;
  lastHash: string;
  catalogueVersion: number;
}

/**
 * Writes the sales that arrived together in one transaction: each instance's
 * row is locked once (in ID order, so two gateways cannot deadlock), the
 * chain is carried from sale to sale in memory, and all rows and tickets go in
 * with one INSERT each. A batch that fails before its COMMIT is rolled back
 * whole and each of its sales is then written alone, so one bad sale fails
 * only itself; a failed COMMIT fails the whole batch. No sale is answered
 * before its COMMIT.
 */
export async function appendBatch(ctx: PgBatchContext, pending: readonly PendingAppend[]): Promise<Settled<AppendResult>[]> {
  if (pending.length > 1) {
    let written = false;
    try {
      return await ctx.tx(async (client) => {
        const outcomes = await writeBatch(ctx, client, pending);
        written = true;
        return outcomes;
      });
    } catch (error) {
      // A failed COMMIT may still have committed (the connection dropped
      // before its answer): writing the sales again could book them twice.
      if (written) throw error;
      // Failed before COMMIT, so rolled back: one by one, each with its own outcome.
    }
  }
  const outcomes: Settled<AppendResult>[] = [];
  for (const p of pending) {
    try {
      outcomes.push({ ok: true, value: await ctx.appendOne(p) });
    } catch (error) {
      outcomes.push({ ok: false, error });
    }
  }
  return outcomes;
}

async function writeBatch(ctx: PgBatchContext, client: pg.PoolClient, pending: readonly PendingAppend[]): Promise<Settled<AppendResult>[]> {
  const heads = new Map<number, Head>();
  for (const id of [...new Set(pending.map((p) => p.instanceId))].sort((a, b) => a - b)) {
    const r = (await client.query('SELECT last_tx_id, last_ticket_id, last_hash, catalogue_version FROM instances WHERE id = $1 FOR UPDATE', [id])).rows[0] as Record<string, unknown> | undefined;
    if (!r) throw new Error(`instance ${id} vanished`);
    heads.set(id, { lastId: Number(r.last_tx_id), lastTicketId: Number(r.last_ticket_id), lastHash: String(r.last_hash), catalogueVersion: Number(r.catalogue_version) });
  }
  // RequestIDs booked earlier in this same batch are not in the table yet.
  const bookedHere = new Map<string, { fingerprint: string; ticket: BookedTicket }>();
  const rows: (LedgerRow & { instanceId: number })[] = [];
  const tickets: { instanceId: number; ticket: BookedTicket; requestId: string | null; fingerprint: string; now: string }[] = [];
  const outcomes: Settled<AppendResult>[] = [];
  for (const { instanceId, slug, draft, now } of pending) {
    if (draft.requestId !== null) {
      const earlier = bookedHere.get(`${instanceId}:${draft.requestId}`);
      if (earlier) {
        outcomes.push({ ok: true, value: earlier.fingerprint === draft.fingerprint ? { outcome: 'duplicate', ticket: earlier.ticket } : { outcome: 'conflict' } });
        continue;
      }
      const seen = await ctx.lookup(client, instanceId, draft.requestId, draft.fingerprint);
      if (seen.outcome !== 'none') {
        outcomes.push({ ok: true, value: seen });
        continue;
      }
    }
    const head = heads.get(instanceId) as Head;
    if (draft.catalogueVersion !== null && draft.catalogueVersion !== head.catalogueVersion) {
      outcomes.push({ ok: true, value: { outcome: 'catalogue_changed', version: head.catalogueVersion } });
      continue;
    }
    const ticketId = head.lastTicketId + 1;
    if (draft.ticketLimit > 0 && ticketId > draft.ticketLimit) {
      outcomes.push({ ok: true, value: { outcome: 'limit_reached' } });
      continue;
    }
    const chained: LedgerRow[] = chainTicket(slug, head, { ...draft, ticketId }, now);
    const last = chained[chained.length - 1];
    heads.set(instanceId, { ...head, lastId: last?.ID ?? head.lastId, lastTicketId: ticketId, lastHash: last?.hash ?? head.lastHash });
    const ticket: BookedTicket = { ticketId, posId: draft.posId, paymentId: draft.paymentId, items: draft.items, rows: chained };
    for (const r of chained) rows.push({ ...r, instanceId });
    tickets.push({ instanceId, ticket, requestId: draft.requestId, fingerprint: draft.fingerprint, now });
    if (draft.requestId !== null) bookedHere.set(`${instanceId}:${draft.requestId}`, { fingerprint: draft.fingerprint, ticket });
    outcomes.push({ ok: true, value: { outcome: 'booked', ticket } });
  }
  const col = <R, T>(list: readonly R[], f: (r: R) => T): T[] => list.map(f);
  if (rows.length > 0) {
    await client.query(
      `INSERT INTO transactions (instance_id, id, ticket_id, pos_id, payment_id, product_id, amount, cents, timestamp, hash, note)
       SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::int[], $5::int[], $6::int[], $7::int[], $8::bigint[], $9::text[], $10::text[], $11::text[])`,
      [
        col(rows, (r) => r.instanceId),
        col(rows, (r) => r.ID),
        col(rows, (r) => r.TicketID),
        col(rows, (r) => r.PointOfSaleID),
        col(rows, (r) => r.Payment_ID),
        col(rows, (r) => r.Product_ID),
        col(rows, (r) => r.AmountProduct),
        col(rows, (r) => r.cents),
        col(rows, (r) => r.timestamp),
        col(rows, (r) => r.hash),
        col(rows, (r) => r.Note),
      ],
    );
  }
  if (tickets.length > 0) {
    await client.query(
      `INSERT INTO tickets (instance_id, id, pos_id, payment_id, items, request_id, fingerprint, created_at)
       SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::int[], $5::int[], $6::text[], $7::text[], $8::text[])`,
      [
        col(tickets, (t) => t.instanceId),
        col(tickets, (t) => t.ticket.ticketId),
        col(tickets, (t) => t.ticket.posId),
        col(tickets, (t) => t.ticket.paymentId),
        col(tickets, (t) => t.ticket.items),
        col(tickets, (t) => t.requestId),
        col(tickets, (t) => t.fingerprint),
        col(tickets, (t) => t.now),
      ],
    );
  }
  for (const [id, head] of heads) {
    await client.query('UPDATE instances SET last_tx_id = $1, last_ticket_id = $2, last_hash = $3 WHERE id = $4', [head.lastId, head.lastTicketId, head.lastHash, id]);
  }
  return outcomes;
}

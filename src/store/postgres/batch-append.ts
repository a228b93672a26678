import pg from 'pg';
import { chainTicket } from '../../domain/ledger.js';
import type { PendingAppend, Settled } from '../group-commit.js';
import type { AppendResult, BookedTicket, IdempotencyLookup, LedgerRow } from '../types.js';

/** What the batch writer needs of the store. */
export interface PgBatchContext {
  /** Runs one statement on any pooled client, outside a transaction (it is its own). */
  query(config: pg.QueryConfig): Promise<pg.QueryResult>;
  /** Runs `fn` in one transaction on one pooled client. */
  tx<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  lookup(client: pg.PoolClient, instanceId: number, requestId: string, fingerprint: string): Promise<IdempotencyLookup>;
}

/** An instance's row as far as appending cares: where the ledger ends, and the catalogue version. */
export interface Head {
  lastId: number;
  lastTicketId: number;
  lastHash: string;
  catalogueVersion: number;
}

/** A ticket row to write. */
export interface TicketToWrite {
  ticket: Pick<BookedTicket, 'ticketId' | 'posId' | 'paymentId' | 'items'>;
  requestId: string | null;
  fingerprint: string;
  now: string;
}

/** What a batch of one instance will write, and what it answers, if its head is `from`. */
interface Plan {
  from: Head;
  to: Head;
  outcomes: AppendResult[];
  rows: LedgerRow[];
  tickets: TicketToWrite[];
}

/**
 * Writes a whole batch of one instance in one statement, on the condition
 * that the instance's row is still `from` (otherwise it writes nothing and
 * updates no row). Being one statement it is one transaction, and the
 * condition is checked on the row locked FOR UPDATE. Exported for the
 * benchmark's storage ceiling, which must write the same way.
 */
export const GUARDED_APPEND = `
  WITH head AS MATERIALIZED (
    SELECT id FROM instances
    WHERE id = $1 AND last_tx_id = $2 AND last_ticket_id = $3 AND last_hash = $4 AND catalogue_version = $5
    FOR UPDATE
  ), booked_rows AS (
    INSERT INTO transactions (instance_id, id, ticket_id, pos_id, payment_id, product_id, amount, cents, timestamp, hash, note)
    SELECT $1, * FROM unnest($9::int[], $10::int[], $11::int[], $12::int[], $13::int[], $14::int[], $15::bigint[], $16::text[], $17::text[], $18::text[])
    WHERE EXISTS (SELECT FROM head)
  ), booked_tickets AS (
    INSERT INTO tickets (instance_id, id, pos_id, payment_id, items, request_id, fingerprint, created_at)
    SELECT $1, * FROM unnest($19::int[], $20::int[], $21::int[], $22::int[], $23::text[], $24::text[], $25::text[])
    WHERE EXISTS (SELECT FROM head)
  )
  UPDATE instances SET last_tx_id = $6, last_ticket_id = $7, last_hash = $8 WHERE id = (SELECT id FROM head)`;

/** Prepared once per connection: the statement is parsed and planned once, not per batch. */
const GUARDED_APPEND_NAME = 'concertpos-guarded-append';

/** The parameters of GUARDED_APPEND. */
export function guardedAppendValues(instanceId: number, plan: Pick<Plan, 'from' | 'to' | 'rows' | 'tickets'>): unknown[] {
  const { from, to, rows, tickets } = plan;
  const col = <R, T>(list: readonly R[], f: (r: R) => T): T[] => list.map(f);
  return [
    instanceId,
    from.lastId,
    from.lastTicketId,
    from.lastHash,
    from.catalogueVersion,
    to.lastId,
    to.lastTicketId,
    to.lastHash,
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
    col(tickets, (t) => t.ticket.ticketId),
    col(tickets, (t) => t.ticket.posId),
    col(tickets, (t) => t.ticket.paymentId),
    col(tickets, (t) => t.ticket.items),
    col(tickets, (t) => t.requestId),
    col(tickets, (t) => t.fingerprint),
    col(tickets, (t) => t.now),
  ];
}

/**
 * Group commit for PostgreSQL. A batch is split by instance; each instance's
 * sales are chained in memory and written with one statement.
 *
 * This process remembers the head it last wrote for each instance. While no
 * other writer has moved it, the batch is written on that guess with one
 * round trip (GUARDED_APPEND checks the guess under the row lock). When the
 * guess is wrong or unknown, the batch runs in a transaction that locks the
 * row and reads the head first, and looks up RequestIDs. If that fails
 * before its COMMIT, each sale is written alone so one bad sale fails only
 * itself; a failure whose outcome is unknown (the connection dropped during
 * the statement or the COMMIT) fails the instance's sales without a retry,
 * which could book them twice. No sale is answered before its commit.
 */
export class PgBatchWriter {
  readonly #ctx: PgBatchContext;
  readonly #heads = new Map<number, Head>();

  constructor(ctx: PgBatchContext) {
    this.#ctx = ctx;
  }

  async write(pending: readonly PendingAppend[]): Promise<Settled<AppendResult>[]> {
    const outcomes: Settled<AppendResult>[] = new Array(pending.length);
    const byInstance = new Map<number, number[]>();
    pending.forEach((p, i) => byInstance.set(p.instanceId, [...(byInstance.get(p.instanceId) ?? []), i]));
    for (const [instanceId, indexes] of byInstance) {
      const group = indexes.map((i) => pending[i] as PendingAppend);
      let settled: Settled<AppendResult>[];
      try {
        settled = await this.#writeInstance(instanceId, group);
      } catch (error) {
        settled = group.map(() => ({ ok: false, error }));
      }
      indexes.forEach((i, k) => (outcomes[i] = settled[k] as Settled<AppendResult>));
    }
    return outcomes;
  }

  async #writeInstance(instanceId: number, group: PendingAppend[]): Promise<Settled<AppendResult>[]> {
    const guess = this.#heads.get(instanceId);
    this.#heads.delete(instanceId);
    // RequestIDs are not looked up on this path. One booked before makes the
    // unique index refuse the statement; but a sale refused without a row
    // would not meet the index, and its RequestID may stand for a booked sale.
    const plan = guess && planBatch(guess, group, new Map());
    if (plan && plan.outcomes.every((o, i) => o.outcome === 'booked' || group[i]?.draft.requestId === null)) {
      let result: pg.QueryResult | undefined;
      try {
        result = await this.#ctx.query({ name: GUARDED_APPEND_NAME, text: GUARDED_APPEND, values: guardedAppendValues(instanceId, plan) });
      } catch (error) {
        if (!refusedByServer(error)) throw error;
        result = undefined;
      }
      if (result?.rowCount === 1) {
        this.#heads.set(instanceId, plan.to);
        return plan.outcomes.map(booked);
      }
    }
    try {
      return (await this.#writeLocked(instanceId, group)).map(booked);
    } catch (error) {
      if (error instanceof OutcomeUnknown || group.length === 1) throw error;
    }
    // Rolled back before its commit: sale by sale, each with its own outcome.
    const settled: Settled<AppendResult>[] = [];
    for (const sale of group) {
      try {
        settled.push(...(await this.#writeLocked(instanceId, [sale])).map(booked));
      } catch (error) {
        settled.push({ ok: false, error });
      }
    }
    return settled;
  }

  async #writeLocked(instanceId: number, group: PendingAppend[]): Promise<AppendResult[]> {
    let committing = false;
    try {
      const plan = await this.#ctx.tx(async (client) => {
        const from = await lockHead(client, instanceId);
        const seen = new Map<string, IdempotencyLookup>();
        for (const { draft } of group) {
          if (draft.requestId !== null && !seen.has(draft.requestId)) seen.set(draft.requestId, await this.#ctx.lookup(client, instanceId, draft.requestId, draft.fingerprint));
        }
        const planned = planBatch(from, group, seen);
        const written = await client.query({ name: GUARDED_APPEND_NAME, text: GUARDED_APPEND, values: guardedAppendValues(instanceId, planned) });
        if (written.rowCount !== 1) throw new Error(`instance ${instanceId}: the locked head moved`);
        committing = true;
        return planned;
      });
      this.#heads.set(instanceId, plan.to);
      return plan.outcomes;
    } catch (error) {
      // A failed COMMIT may still have committed: writing the sales again could book them twice.
      throw committing ? new OutcomeUnknown(error) : error;
    }
  }
}

/** A batch whose COMMIT failed: it may have committed, so it must not be written again. */
class OutcomeUnknown extends Error {
  constructor(cause: unknown) {
    super('the batch COMMIT failed; whether it committed is unknown', { cause });
  }
}

const booked = (value: AppendResult): Settled<AppendResult> => ({ ok: true, value });

async function lockHead(client: pg.PoolClient, instanceId: number): Promise<Head> {
  const r = (await client.query('SELECT last_tx_id, last_ticket_id, last_hash, catalogue_version FROM instances WHERE id = $1 FOR UPDATE', [instanceId])).rows[0] as
    | Record<string, unknown>
    | undefined;
  if (!r) throw new Error(`instance ${instanceId} vanished`);
  return { lastId: Number(r.last_tx_id), lastTicketId: Number(r.last_ticket_id), lastHash: String(r.last_hash), catalogueVersion: Number(r.catalogue_version) };
}

/**
 * The outcome of each sale of one instance, if its head is `from` and the
 * RequestIDs booked before are `seen`: chained in order, a RequestID booked
 * earlier in the same batch replayed, a stale catalogue version or a reached
 * ticket limit refused without a row.
 */
function planBatch(from: Head, group: readonly PendingAppend[], seen: ReadonlyMap<string, IdempotencyLookup>): Plan {
  let head = from;
  const plan: Plan = { from, to: from, outcomes: [], rows: [], tickets: [] };
  const bookedHere = new Map<string, { fingerprint: string; ticket: BookedTicket }>();
  for (const { slug, draft, now } of group) {
    const outcome = ((): AppendResult => {
      if (draft.requestId !== null) {
        const earlier = bookedHere.get(draft.requestId);
        if (earlier) return earlier.fingerprint === draft.fingerprint ? { outcome: 'duplicate', ticket: earlier.ticket } : { outcome: 'conflict' };
        const before = seen.get(draft.requestId);
        if (before && before.outcome !== 'none') return before;
      }
      if (draft.catalogueVersion !== null && draft.catalogueVersion !== head.catalogueVersion) return { outcome: 'catalogue_changed', version: head.catalogueVersion };
      const ticketId = head.lastTicketId + 1;
      if (draft.ticketLimit > 0 && ticketId > draft.ticketLimit) return { outcome: 'limit_reached' };
      const rows = chainTicket(slug, head, { ticketId, posId: draft.posId, paymentId: draft.paymentId, lines: draft.lines, note: draft.note }, now);
      const last = rows[rows.length - 1];
      head = { lastId: last?.ID ?? head.lastId, lastTicketId: ticketId, lastHash: last?.hash ?? head.lastHash, catalogueVersion: head.catalogueVersion };
      const ticket: BookedTicket = { ticketId, posId: draft.posId, paymentId: draft.paymentId, items: draft.items, rows };
      plan.rows.push(...rows);
      plan.tickets.push({ ticket, requestId: draft.requestId, fingerprint: draft.fingerprint, now });
      if (draft.requestId !== null) bookedHere.set(draft.requestId, { fingerprint: draft.fingerprint, ticket });
      return { outcome: 'booked', ticket };
    })();
    plan.outcomes.push(outcome);
  }
  plan.to = head;
  return plan;
}

/**
 * True when the server refused the statement with an ERROR: that statement
 * (its own transaction) was rolled back and the session goes on. Anything
 * else (a dropped connection, FATAL or PANIC) leaves the outcome unknown.
 */
function refusedByServer(error: unknown): boolean {
  return error instanceof pg.DatabaseError && error.severity === 'ERROR';
}

import { hexDigest } from './digest.js';

/** The `prev` of an instance's first row: 128 zeros. */
export const GENESIS_HASH = '0'.repeat(128);


/** The fields of a ledger row that its hash covers. */
export interface ChainedFields {
  ID: number;
  TicketID: number;
  PointOfSaleID: number;
  Payment_ID: number;
  Product_ID: number;
  AmountProduct: number;
  cents: number;
  timestamp: string;
  Note: string | null;
}

/**
 * SHA-512 (lowercase hex) over
 * `prev|ID|slug|PointOfSaleID|Payment_ID|Product_ID|AmountProduct|cents|timestamp|TicketID|Note`
 * as PROTOCOL.md §4 defines it, so anyone holding an export can recompute it.
 */
export function rowHash(prev: string, slug: string, row: ChainedFields): string {
  const text = [
    prev,
    row.ID,
    slug,
    row.PointOfSaleID,
    row.Payment_ID,
    row.Product_ID,
    row.AmountProduct,
    row.cents,
    row.timestamp,
    row.TicketID,
    row.Note ?? '',
  ].join('|');
  return hexDigest('sha512', text);
}

/** Where a chain breaks: the first row whose ID, order or hash is wrong. */
export interface ChainBreak {
  ID: number;
  reason: string;
}

/**
 * Checks rows of one instance in ID order, continuing from `prev` and
 * `expectedId`. Returns the first break, or the state to continue from.
 */
export function checkChain(
  slug: string,
  rows: Iterable<ChainedFields & { hash: string }>,
  start: { prev: string; nextId: number },
): { ok: true; prev: string; nextId: number } | { ok: false; break: ChainBreak } {
  let { prev, nextId } = start;
  for (const row of rows) {
    if (row.ID !== nextId) return { ok: false, break: { ID: row.ID, reason: `expected row ${nextId}, found ${row.ID}` } };
    const hash = rowHash(prev, slug, row);
    if (hash !== row.hash) return { ok: false, break: { ID: row.ID, reason: 'hash does not match the row' } };
    prev = hash;
    nextId += 1;
  }
  return { ok: true, prev, nextId };
}

/** A ticket about to be chained onto an instance's ledger. */
export interface TicketToChain {
  ticketId: number;
  posId: number;
  paymentId: number;
  lines: readonly { productId: number; amount: number; cents: number }[];
  note: string | null;
}

/**
 * The rows of a ticket with their IDs and hashes, continuing the chain from
 * the instance's head (its last row ID and hash). Every backend appends
 * exactly these rows, so the chain does not depend on the database.
 */
export function chainTicket(slug: string, head: { lastId: number; lastHash: string }, ticket: TicketToChain, timestamp: string): (ChainedFields & { hash: string })[] {
  let prev = head.lastHash;
  return ticket.lines.map((line, i) => {
    // One literal with every field, in the order the stores read rows back
    // (rows.ts toLedgerRow): all ledger rows then share one hidden class.
    // A spread such as `{ ...fields, hash }` gets a new class per object in
    // this V8, which turns every later read of a row into a slow lookup.
    const row = {
      ID: head.lastId + i + 1,
      TicketID: ticket.ticketId,
      Payment_ID: ticket.paymentId,
      PointOfSaleID: ticket.posId,
      Product_ID: line.productId,
      AmountProduct: line.amount,
      cents: line.cents,
      timestamp,
      hash: '',
      Note: ticket.note,
    };
    row.hash = prev = rowHash(prev, slug, row);
    return row;
  });
}

/**
 * The reversal of a booked ticket: one row per original row with the same
 * product, POS and payment method, amounts and money negated, and a Note
 * that names the original. It is appended like any sale; nothing is changed.
 */
export function reverseTicket(
  original: { ticketId: number; posId: number; paymentId: number; items: number; rows: readonly { Product_ID: number; AmountProduct: number; cents: number }[] },
  ticketId: number,
): TicketToChain & { items: number; requestId: null; fingerprint: string; voids: number } {
  return {
    ticketId,
    posId: original.posId,
    paymentId: original.paymentId,
    lines: original.rows.map((r) => ({ productId: r.Product_ID, amount: -r.AmountProduct, cents: -r.cents })),
    note: `void of ticket ${original.ticketId}`,
    items: -original.items,
    requestId: null,
    fingerprint: `void|${original.ticketId}`,
    voids: original.ticketId,
  };
}

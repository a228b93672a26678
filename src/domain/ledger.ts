import { createHash } from 'node:crypto';

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
  return createHash('sha512').update(text, 'utf8').digest('hex');
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

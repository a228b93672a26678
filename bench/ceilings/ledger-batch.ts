import { chainTicket, type ChainedFields } from '../../src/domain/ledger.js';
import { saleFingerprint } from '../../src/domain/sale.js';

/**
 * The sale every sales scenario books, as the store writes it: at Bar Nord
 * (POS 1) paid cash, a beer (deposit product: adds a Pfand row), a pretzel
 * and a deposit return. Four ledger rows and one ticket row per sale.
 */
export const SALE = Object.freeze({
  posId: 1,
  paymentId: 1,
  products: [
    { ID: 1, Amount: 1 },
    { ID: 4, Amount: 1 },
    { ID: 15, Amount: 1 },
  ],
  lines: [
    { productId: 1, amount: 1, cents: 450 },
    { productId: 99, amount: 1, cents: 200 },
    { productId: 4, amount: 1, cents: 320 },
    { productId: 15, amount: 1, cents: -200 },
  ],
  items: 3,
});

export const SALE_FINGERPRINT = saleFingerprint(SALE.posId, SALE.paymentId, SALE.products);

export interface ChainHead {
  lastId: number;
  lastTicketId: number;
  lastHash: string;
}

export type ChainedRow = ChainedFields & { hash: string };

/**
 * The next `count` tickets of the benchmark sale with their rows chained
 * (SHA-512, src/domain/ledger.ts), advancing `head`: exactly the hashing work
 * the gateway does per sale.
 */
export function chainSales(slug: string, head: ChainHead, count: number): { ticketId: number; rows: ChainedRow[]; at: string }[] {
  const out: { ticketId: number; rows: ChainedRow[]; at: string }[] = [];
  for (let i = 0; i < count; i++) {
    const at = new Date().toISOString();
    const ticketId = head.lastTicketId + 1;
    const rows = chainTicket(slug, { lastId: head.lastId, lastHash: head.lastHash }, { ticketId, posId: SALE.posId, paymentId: SALE.paymentId, lines: SALE.lines, note: null }, at);
    const last = rows[rows.length - 1] as ChainedRow;
    head.lastId = last.ID;
    head.lastTicketId = ticketId;
    head.lastHash = last.hash;
    out.push({ ticketId, rows, at });
  }
  return out;
}

export interface CeilingRun {
  batch: number;
  salesPerSecond: number;
}

/** A storage ceiling, set up once and measured in rounds between the gateway's. */
export interface Ceiling {
  /** Sales per second, writing `batch` sales per transaction for about `ms`. */
  measure(batch: number, ms: number): Promise<CeilingRun>;
  close(): Promise<void>;
}

/** The ceiling at its best: each batch size for `ms`, the fastest counts. */
export async function bestOf(ceiling: Ceiling, batchSizes: readonly number[], ms: number): Promise<{ best: CeilingRun; runs: CeilingRun[] }> {
  const runs: CeilingRun[] = [];
  for (const batch of batchSizes) runs.push(await ceiling.measure(batch, ms));
  return { best: runs.reduce((a, b) => (b.salesPerSecond > a.salesPerSecond ? b : a)), runs };
}

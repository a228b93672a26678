import { ProtocolError } from '../protocol/errors.js';
import type { PaymentMethod, Product, TicketLine } from '../store/types.js';

/** One requested product of a sale, already coerced to integers. */
export interface RequestedLine {
  ID: number;
  Amount: number;
}

export interface SaleRules {
  /** Products assigned to the POS, by ID. */
  assigned: ReadonlyMap<number, Product>;
  method: PaymentMethod;
  /** The instance's deposit product, if it has one. */
  deposit: Product | null;
  /** config ticket_limit: most units in one sale; 0 = no limit. */
  unitLimit: number;
}

export interface PricedSale {
  lines: TicketLine[];
  /** Units of the sold products, deposit rows not counted. */
  items: number;
  totalCents: number;
}

/**
 * Books the products with Amount > 0 (in request order, the same ID merged)
 * and applies the rules of PROTOCOL.md §4 "payitems". Pure: prices come from
 * the catalogue passed in, never from the request.
 */
export function priceSale(requested: readonly RequestedLine[], rules: SaleRules): PricedSale {
  const amounts = bookedAmounts(requested);
  if (amounts.size === 0) throw new ProtocolError('no_items', 'No product has an Amount above 0');
  const lines: TicketLine[] = [];
  let items = 0;
  for (const [id, amount] of amounts) {
    const product = rules.assigned.get(id);
    if (!product) throw new ProtocolError('not_found', `Product ${id} is not sold at this point of sale`, 'Products');
    if (product.CrewBlocked && rules.method.crew) {
      throw new ProtocolError('crew_blocked', `Product ${id} cannot be paid with payment method ${rules.method.ID}`, 'Products');
    }
    items += amount;
    lines.push({ productId: id, amount, cents: product.priceCents * amount });
    if (product.Deposit) {
      if (!rules.deposit) throw new ProtocolError('not_found', `Product ${id} takes a deposit, but this instance has no deposit product`, 'Products');
      lines.push({ productId: rules.deposit.ID, amount, cents: rules.deposit.priceCents * amount });
    }
  }
  if (rules.unitLimit > 0 && items > rules.unitLimit) {
    throw new ProtocolError('ticket_limit', `A sale may hold at most ${rules.unitLimit} units; this one holds ${items}`, 'Products');
  }
  return { lines, items, totalCents: lines.reduce((sum, l) => sum + l.cents, 0) };
}

/** Amount per product ID for the products with Amount > 0, in first-seen order. */
export function bookedAmounts(requested: readonly RequestedLine[]): Map<number, number> {
  const amounts = new Map<number, number>();
  for (const { ID, Amount } of requested) {
    if (Amount > 0) amounts.set(ID, (amounts.get(ID) ?? 0) + Amount);
  }
  return amounts;
}

/**
 * The canonical text of a sale request, stored with its RequestID: a retry
 * must describe the same sale (POS, payment method, products and amounts).
 */
export function saleFingerprint(posId: number, paymentId: number, requested: readonly RequestedLine[]): string {
  const lines = [...bookedAmounts(requested)].sort((a, b) => a[0] - b[0]).map(([id, amount]) => `${id}x${amount}`);
  return `${posId}|${paymentId}|${lines.join(',')}`;
}

import type { LedgerRow, License, PaymentMethod, PointOfSale, Product } from './types.js';

/**
 * Maps the column names both backends share onto the records the store
 * hands out. Booleans arrive as 0/1 from SQLite and true/false from
 * PostgreSQL; integers as numbers or (bigint columns) strings.
 */
type Row = Record<string, unknown>;

const int = (v: unknown): number => Number(v);
const bool = (v: unknown): boolean => v === true || v === 1 || v === '1';
const text = (v: unknown): string => String(v);
const textOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function toProduct(r: Row): Product {
  return { ID: int(r.id), ProductName: text(r.name), priceCents: int(r.price_cents), Deposit: bool(r.deposit), CrewBlocked: bool(r.crew_blocked) };
}

export function toPaymentMethod(r: Row): PaymentMethod {
  return { ID: int(r.id), Payment: text(r.name), color: text(r.color), crew: bool(r.crew) };
}

export function toPos(r: Row): PointOfSale {
  return {
    ID: int(r.id),
    PointOfSale: text(r.name),
    enabled: bool(r.enabled),
    special: bool(r.special),
    admin: bool(r.admin),
    passwordHash: textOrNull(r.password_hash),
  };
}

export function toLicense(r: Row): License {
  return {
    LicenseKey: text(r.license_key),
    Name: text(r.name),
    Type: text(r.type),
    enabled: bool(r.enabled),
    DeviceLimit: int(r.device_limit),
    TicketLimit: int(r.ticket_limit),
    ProductLimit: int(r.product_limit),
    PaymentLimit: int(r.payment_limit),
    POSLimit: int(r.pos_limit),
    Created: text(r.created),
    Expires: textOrNull(r.expires),
  };
}

export function toLedgerRow(r: Row): LedgerRow {
  return {
    ID: int(r.id),
    TicketID: int(r.ticket_id),
    Payment_ID: int(r.payment_id),
    PointOfSaleID: int(r.pos_id),
    Product_ID: int(r.product_id),
    AmountProduct: int(r.amount),
    cents: int(r.cents),
    timestamp: text(r.timestamp),
    hash: text(r.hash),
    Note: textOrNull(r.note),
  };
}

/** The parts of an instance a terminal shows; when its digest changes, terminals get updatepos. */
export interface TerminalView {
  config: Row[];
  products: Row[];
  paymentMethods: Row[];
  pos: Row[];
  posProducts: Row[];
  posPaymentMethods: Row[];
}

/** A canonical text of a terminal view (rows already sorted by the query). */
export function viewDigest(view: TerminalView): string {
  const pos = view.pos.map((r) => ({ ...toPos(r), passwordHash: r.password_hash !== null && r.password_hash !== undefined }));
  return JSON.stringify([
    view.config.map((r) => [text(r.key), text(r.value)]),
    view.products.map(toProduct),
    view.paymentMethods.map(toPaymentMethod),
    pos,
    view.posProducts.map((r) => [int(r.pos_id), int(r.product_id)]),
    view.posPaymentMethods.map((r) => [int(r.pos_id), int(r.payment_id)]),
  ]);
}

import type { Catalogue } from '../instances/instance-spec.js';
import type { AuditEntry, Device, Instance, LedgerRow, License, PaymentMethod, PointOfSale, Product, RevenuePoint, TotalsRow } from './types.js';

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

export function toInstance(r: Row): Instance {
  return { id: int(r.id), slug: text(r.slug), name: text(r.name), apiKeyHash: textOrNull(r.api_key_hash), adminKeyHash: textOrNull(r.admin_key_hash), catalogueVersion: int(r.catalogue_version) };
}

export function toDevice(r: Row): Device {
  return {
    uuid: text(r.uuid),
    posId: r.pos_id === null ? null : int(r.pos_id),
    shard: text(r.shard),
    firstSeen: text(r.first_seen),
    lastPing: text(r.last_ping),
    lastSeen: text(r.last_seen ?? r.last_ping),
  };
}

/** Assembles a catalogue from its tables' rows (each sorted by ID). */
export function toCatalogue(rows: {
  config: Row[];
  licenses: Row[];
  products: Row[];
  paymentMethods: Row[];
  pos: Row[];
  posProducts: Row[];
  posPaymentMethods: Row[];
}): Catalogue {
  const config = Object.fromEntries(rows.config.map((r) => [text(r.key), text(r.value)]));
  const licenses = rows.licenses.map(toLicense);
  return {
    config,
    license: licenses.find((l) => l.LicenseKey === config.license_key) ?? licenses[0],
    products: rows.products.map(toProduct),
    paymentMethods: rows.paymentMethods.map(toPaymentMethod),
    pos: rows.pos.map((r) => {
      const p = toPos(r);
      return {
        ...p,
        products: rows.posProducts.filter((a) => int(a.pos_id) === p.ID).map((a) => int(a.product_id)),
        paymentMethods: rows.posPaymentMethods.filter((a) => int(a.pos_id) === p.ID).map((a) => int(a.payment_id)),
      };
    }),
  };
}

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

export function toTotalsRow(r: Row): TotalsRow {
  return { posId: int(r.pos_id), productId: int(r.product_id), paymentId: int(r.payment_id), units: int(r.units), cents: int(r.cents), rows: int(r.n) };
}

export function toRevenuePoint(r: Row): RevenuePoint {
  return { minute: text(r.minute), cents: int(r.cents) };
}

export function toAuditEntry(r: Row): AuditEntry {
  const parse = (v: unknown): unknown => (v === null || v === undefined ? null : JSON.parse(text(v)));
  return { at: text(r.at), key: text(r.key_fingerprint), action: text(r.action), before: parse(r.before), after: parse(r.after) };
}

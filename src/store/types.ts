/** Rows and records as the store hands them out. Money is always integer cents. */

export interface Instance {
  id: number;
  slug: string;
  name: string;
  /** scrypt hash of the terminal API key; null when the instance has none. */
  apiKeyHash: string | null;
  /** scrypt hash of the administration key; null when none was set. */
  adminKeyHash: string | null;
  /** Raised by every change of the catalogue (products, methods, POS, assignments, config, license). */
  catalogueVersion: number;
}

export interface Product {
  ID: number;
  ProductName: string;
  priceCents: number;
  Deposit: boolean;
  CrewBlocked: boolean;
}

export interface PaymentMethod {
  ID: number;
  Payment: string;
  color: string;
  crew: boolean;
}

export interface PointOfSale {
  ID: number;
  PointOfSale: string;
  enabled: boolean;
  special: boolean;
  admin: boolean;
  /** scrypt hash of the POS password; null when the POS is open. */
  passwordHash: string | null;
}

export interface License {
  LicenseKey: string;
  Name: string;
  Type: string;
  enabled: boolean;
  DeviceLimit: number;
  TicketLimit: number;
  ProductLimit: number;
  PaymentLimit: number;
  POSLimit: number;
  Created: string;
  Expires: string | null;
}

/** One ledger row, as stored (money in cents). */
export interface LedgerRow {
  ID: number;
  TicketID: number;
  Payment_ID: number;
  PointOfSaleID: number;
  Product_ID: number;
  AmountProduct: number;
  cents: number;
  timestamp: string;
  hash: string;
  Note: string | null;
}

/** A priced line of a ticket, before it gets its ID and hash. */
export interface TicketLine {
  productId: number;
  amount: number;
  cents: number;
}

/** What payitems asks the store to append as one ticket. */
export interface TicketDraft {
  posId: number;
  paymentId: number;
  lines: TicketLine[];
  note: string | null;
  /** Units of the sold products (not deposit rows), kept for idempotent replies. */
  items: number;
  /** Idempotency key and the canonical description of the sale it stands for. */
  requestId: string | null;
  fingerprint: string;
  /** License TicketLimit: tickets the instance may ever book; 0 = unlimited. */
  ticketLimit: number;
  /**
   * The catalogue version the sale was priced and authorised at: if the
   * catalogue has changed since, nothing is written and the append answers
   * `catalogue_changed`. null: no check (a sale that depends on no catalogue).
   */
  catalogueVersion: number | null;
}

/** A booked ticket, as answered to payitems. */
export interface BookedTicket {
  ticketId: number;
  posId: number;
  paymentId: number;
  items: number;
  rows: LedgerRow[];
}

export type AppendResult =
  | { outcome: 'booked'; ticket: BookedTicket }
  | { outcome: 'duplicate'; ticket: BookedTicket }
  | { outcome: 'conflict' }
  | { outcome: 'limit_reached' }
  | { outcome: 'catalogue_changed'; version: number };

export type IdempotencyLookup =
  | { outcome: 'none' }
  | { outcome: 'duplicate'; ticket: BookedTicket }
  | { outcome: 'conflict' };

export interface DeviceRegistration {
  uuid: string;
  /** The POS the device works at; undefined keeps the one recorded before. */
  posId: number | undefined;
  shard: string;
  now: string;
  /** License DeviceLimit: devices the instance may register; 0 = unlimited. */
  deviceLimit: number;
}

export type DeviceResult =
  | { outcome: 'registered'; uuid: string; posId: number | null; isNew: boolean; lastPing: string }
  | { outcome: 'limit_reached' };

export interface TransactionQuery {
  posId?: number | undefined;
  paymentId?: number | undefined;
  /** ISO-8601 UTC: rows at or after `from`, before `to`. */
  from?: string | undefined;
  to?: string | undefined;
  limit?: number | undefined;
  /** Only rows with an ID below this one (paging backwards). */
  before?: number | undefined;
}

/** An event every gateway sharing the store delivers to its connections. */
export interface GatewayEvent {
  /** null: every instance. */
  instanceId: number | null;
  kind: 'updatepos' | 'broadcast';
  message: string;
  parameters: Record<string, unknown>;
}

export interface StoredEvent extends GatewayEvent {
  id: number;
}

/** One group of the totals: what was booked at a POS, of a product, with a payment method. */
export interface TotalsRow {
  posId: number;
  productId: number;
  paymentId: number;
  units: number;
  cents: number;
  rows: number;
}

/** Revenue per minute (`YYYY-MM-DDTHH:MM`), for the dashboard chart. */
export interface RevenuePoint {
  minute: string;
  cents: number;
}

export interface Device {
  uuid: string;
  posId: number | null;
  shard: string;
  firstSeen: string;
  lastPing: string;
  lastSeen: string;
}

export interface AuditEntry {
  at: string;
  /** Fingerprint of the admin key that made the change, never the key. */
  key: string;
  action: string;
  before: unknown;
  after: unknown;
}

export type VoidResult =
  | { outcome: 'voided'; ticket: BookedTicket }
  | { outcome: 'not_found' }
  | { outcome: 'already_voided' }
  | { outcome: 'is_reversal' };

import type {
  AppendResult,
  AuditEntry,
  BookedTicket,
  Device,
  RevenuePoint,
  TotalsRow,
  VoidResult,
  DeviceRegistration,
  DeviceResult,
  GatewayEvent,
  IdempotencyLookup,
  Instance,
  LedgerRow,
  StoredEvent,
  TicketDraft,
  TransactionQuery,
} from './types.js';
import type { Catalogue, CatalogueChange, InstanceImport } from '../instances/instance-spec.js';
import type { CatalogueSnapshot } from './catalogue-snapshot.js';

export type * from './types.js';

/**
 * Everything the gateway keeps. Commands and the gateway see only this
 * interface; each backend (sqlite/, postgres/) implements it and must pass
 * the shared conformance suite in test/store.
 */
export interface Store {
  /** Brings the schema to the newest version (safe to run from several processes). */
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** Resolves when the store answers a trivial query. */
  ping(): Promise<void>;
  /**
   * Capability of stores that cache reads: the gateway calls it as each
   * request frame arrives, and no read after it may be served from a check
   * for changes made before it (so a request sees every commit made before it
   * came in). Stores without a cache leave it out.
   */
  requestArrived?(): void;

  instanceBySlug(slug: string): Promise<Instance | null>;
  listInstances(): Promise<Instance[]>;
  /**
   * The catalogue as terminals use it, at catalogue version `version` or
   * newer. A request passes its instance row's `catalogueVersion`, read after
   * it arrived, so it sees every catalogue change committed before that.
   */
  catalogueSnapshot(instanceId: number, version: number): Promise<CatalogueSnapshot>;

  /**
   * Appends one ticket atomically: all rows with gapless per-instance IDs and
   * the hash chain, or nothing. Replays an already booked RequestID; refuses
   * (`catalogue_changed`) a draft priced at an older catalogue version.
   */
  appendTicket(instanceId: number, slug: string, draft: TicketDraft, now: string): Promise<AppendResult>;
  /** What a RequestID already stands for, checked before a sale is priced. */
  findRequest(instanceId: number, requestId: string, fingerprint: string): Promise<IdempotencyLookup>;
  /** Ledger rows, newest first. */
  transactions(instanceId: number, query: TransactionQuery): Promise<LedgerRow[]>;
  /** The newest row's ID and hash as recorded with the instance (0 and 128 zeros when empty). */
  ledgerHead(instanceId: number): Promise<{ lastId: number; lastHash: string }>;
  /** Ledger rows with ID > afterId in ID order, at most `limit` (for chain verification). */
  ledgerAfter(instanceId: number, afterId: number, limit: number): Promise<LedgerRow[]>;

  registerDevice(instanceId: number, device: DeviceRegistration): Promise<DeviceResult>;

  recordPasswordFailure(instanceId: number, posId: number, at: string): Promise<void>;
  passwordFailuresSince(instanceId: number, posId: number, since: string): Promise<number>;

  /** Creates or updates instances in one transaction; returns the IDs whose terminal view changed. */
  importInstances(instances: InstanceImport[]): Promise<{ created: string[]; updated: string[]; changed: number[] }>;

  /** Queues an event for every gateway sharing this store. */
  publish(event: GatewayEvent): Promise<void>;
  /** Events after `afterId`, oldest first; `latestEventId` is where a new gateway starts. */
  eventsAfter(afterId: number): Promise<StoredEvent[]>;
  latestEventId(): Promise<number>;
  /**
   * Calls `onPublished` soon after an event is published, where the backend
   * can tell: PostgreSQL for any process (LISTEN/NOTIFY, `here` false), SQLite
   * for publishes through this store object (`here` true, so the gateway can
   * pass the news to its sibling shards). Readers poll as well.
   */
  watchEvents(onPublished: (here: boolean) => void): Promise<void>;

  /** The instance's catalogue as a whole (products, methods, POS with assignments, config, license). */
  catalogue(instanceId: number): Promise<Catalogue>;
  /**
   * Reads the catalogue, lets `change` (synchronous, pure) produce the new one,
   * and writes it with its audit record in one transaction; publishes
   * updatepos when what terminals show changed. A refusal writes nothing.
   */
  updateCatalogue(instanceId: number, keyFingerprint: string, change: (current: Catalogue) => CatalogueChange): Promise<Catalogue>;
  setAdminKey(instanceId: number, adminKeyHash: string): Promise<void>;
  ticket(instanceId: number, ticketId: number): Promise<BookedTicket | null>;
  /** Appends the reversal of a ticket (negated rows, Note `void of ticket N`) as a new ticket. */
  voidTicket(instanceId: number, slug: string, ticketId: number, now: string, keyFingerprint: string): Promise<VoidResult>;
  /** Units and money per POS, product and payment method in [from, to). */
  totals(instanceId: number, from: string | undefined, to: string | undefined): Promise<TotalsRow[]>;
  revenueByMinute(instanceId: number, from: string | undefined, to: string | undefined): Promise<RevenuePoint[]>;
  devices(instanceId: number): Promise<Device[]>;
  /** Marks devices as seen now by a gateway that holds their connections. */
  touchDevices(instanceId: number, uuids: string[], shard: string, now: string): Promise<void>;
  audit(instanceId: number, limit: number): Promise<AuditEntry[]>;

  /** A random key created with the schema, shared by every gateway (POS tokens are signed with it). */
  signingKey(): Promise<Buffer>;
}

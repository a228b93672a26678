import { randomBytes } from 'node:crypto';
import { mkdirSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { chainTicket, GENESIS_HASH, reverseTicket, type TicketToChain } from '../../domain/ledger.js';
import type { Catalogue, CatalogueChange, InstanceImport } from '../../instances/instance-spec.js';
import { toAuditEntry, toCatalogue, toDevice, toInstance, toLedgerRow, toRevenuePoint, toTotalsRow, viewDigest } from '../rows.js';
import type { Store } from '../store.js';
import type {
  AppendResult,
  AuditEntry,
  Device,
  RevenuePoint,
  TotalsRow,
  VoidResult,
  BookedTicket,
  DeviceRegistration,
  DeviceResult,
  GatewayEvent,
  IdempotencyLookup,
  Instance,
  LedgerRow,
  StoredEvent,
  TicketDraft,
  TransactionQuery,
} from '../types.js';
import { GroupCommit, type PendingAppend } from '../group-commit.js';
import { CatalogueSnapshot, SnapshotCache } from '../catalogue-snapshot.js';
import { appendBatch } from './batch-append.js';
import { ReadCache } from './read-cache.js';
import { WalSync } from './wal-sync.js';
import { BACKSTOP_PAGES, Checkpointer } from './checkpointer.js';
import { MIGRATIONS } from './migrations.js';
import { CATALOGUE_TABLES, rangeQuery, REVENUE_GROUP, REVENUE_SELECT, TOTALS_GROUP, TOTALS_SELECT, transactionsQuery } from '../sql.js';

/** What replacing a catalogue writes (an import or an admin change). */
type CatalogueWrite = Pick<InstanceImport, 'config' | 'license' | 'products' | 'paymentMethods' | 'pos'>;

type Row = Record<string, unknown>;
type Db = Database.Database;

export interface SqliteOptions {
  /** Path of the database file, or ':memory:'. */
  file: string;
  /** PRAGMA synchronous: FULL survives power loss, NORMAL only process crashes. */
  synchronous?: 'FULL' | 'NORMAL';
}

/**
 * The embedded store: one SQLite file in WAL mode. Several gateway processes
 * may share the file; writers take SQLite's write lock (BEGIN IMMEDIATE), so
 * appends are serialised and IDs stay gapless.
 */
export class SqliteStore implements Store {
  readonly #db: Db;
  readonly #statements = new Map<string, Database.Statement>();
  readonly #cache: ReadCache;
  readonly #snapshots = new SnapshotCache(async (instanceId) => this.#loadSnapshot(instanceId));
  readonly #wal: WalSync | undefined;
  readonly #checkpointer: Checkpointer | undefined;
  readonly #watchers: ((here: boolean) => void)[] = [];
  readonly #appends = new GroupCommit<PendingAppend, AppendResult>(
    async (pending) => {
      // After a failed fsync no sale is booked: it could not be called durable, yet would stay in the ledger.
      this.#wal?.check();
      return appendBatch({ db: this.#db, prepare: (sql) => this.#prepare(sql), lookup: (i, r, f) => this.#lookup(i, r, f) }, pending);
    },
    () => this.#durable(),
  );

  constructor(options: SqliteOptions) {
    if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
    this.#db = new Database(options.file);
    this.#db.pragma('journal_mode = WAL');
    // FULL is kept by syncing the WAL before answering (WalSync), not inside COMMIT on the only thread.
    // SQLite keeps the WAL beside the real file when the database path is a symlink.
    const full = (options.synchronous ?? 'FULL') === 'FULL';
    this.#wal = full && options.file !== ':memory:' ? new WalSync(`${realpathSync(options.file)}-wal`) : undefined;
    this.#db.pragma(`synchronous = ${this.#wal ? 'NORMAL' : (options.synchronous ?? 'FULL')}`);
    if (options.file !== ':memory:') {
      this.#db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
      this.#checkpointer = new Checkpointer(options.file, options.synchronous ?? 'FULL');
    }
    this.#db.pragma('busy_timeout = 10000');
    this.#db.pragma('foreign_keys = ON');
    this.#cache = new ReadCache(this.#db);
  }

  /** The raw connection, for tests that tamper with the file on purpose. */
  get database(): Db {
    return this.#db;
  }

  async migrate(): Promise<void> {
    this.#cache.clear();
    const db = this.#db;
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    db.transaction(() => {
      const done = new Set(db.prepare('SELECT version FROM schema_migrations').all().map((r) => (r as Row).version as number));
      for (const m of MIGRATIONS) {
        if (done.has(m.version)) continue;
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
      }
      db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('signing_key', randomBytes(32).toString('base64'));
    }).immediate();
    await this.#durable();
  }

  async close(): Promise<void> {
    await this.#checkpointer?.close();
    await this.#wal?.close();
    if (this.#db.open) this.#db.close();
  }

  /** Resolves once this connection's commits are on disk (with FULL; at once with NORMAL). */
  async #durable(): Promise<void> {
    await this.#wal?.durable();
  }

  /** Resolves once the commits this store made so far are on disk (a ledger read returns only then). */
  async #flushed(): Promise<void> {
    await this.#wal?.flushed();
  }

  /** Runs a catalogue write; cached reads are dropped even when it fails, and the answer waits for the disk. */
  async #writeCatalogue<R>(run: { immediate: () => R }): Promise<R> {
    let result: R;
    try {
      result = run.immediate();
    } finally {
      this.#cache.clear();
    }
    await this.#durable();
    return result;
  }

  requestArrived(): void {
    this.#cache.requestArrived();
  }

  async ping(): Promise<void> {
    this.#wal?.check(); // after a failed fsync the store is not fit to book sales: /readyz says so
    this.#prepare('SELECT 1').get();
  }

  /** Prepared statements are cached: preparing costs more than running. */
  #prepare(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #get(sql: string, ...args: unknown[]): Row | undefined {
    return this.#prepare(sql).get(...args) as Row | undefined;
  }

  #all(sql: string, ...args: unknown[]): Row[] {
    return this.#prepare(sql).all(...args) as Row[];
  }

  async instanceBySlug(slug: string): Promise<Instance | null> {
    return this.#cache.get(`instance:${slug}`, () => {
      const r = this.#get('SELECT id, slug, name, api_key_hash, admin_key_hash, catalogue_version FROM instances WHERE slug = ?', slug);
      return r ? toInstance(r) : null;
    });
  }

  async listInstances(): Promise<Instance[]> {
    return this.#all('SELECT id, slug, name, api_key_hash, admin_key_hash, catalogue_version FROM instances ORDER BY id').map(toInstance);
  }

  async catalogueSnapshot(instanceId: number, version: number): Promise<CatalogueSnapshot> {
    return this.#snapshots.get(instanceId, version);
  }

  /** The catalogue and its version, read in one transaction. */
  #loadSnapshot(instanceId: number): CatalogueSnapshot {
    return this.#db.transaction(() => {
      const r = this.#get('SELECT catalogue_version FROM instances WHERE id = ?', instanceId);
      if (!r) throw new Error(`instance ${instanceId} does not exist`);
      return new CatalogueSnapshot(Number(r.catalogue_version), this.#catalogueRows(instanceId));
    })();
  }

  #ticket(instanceId: number, ticketRow: Row): BookedTicket {
    const rows = this.#all('SELECT * FROM transactions WHERE instance_id = ? AND ticket_id = ? ORDER BY id', instanceId, ticketRow.id).map(toLedgerRow);
    return { ticketId: Number(ticketRow.id), posId: Number(ticketRow.pos_id), paymentId: Number(ticketRow.payment_id), items: Number(ticketRow.items), rows };
  }

  #lookup(instanceId: number, requestId: string, fingerprint: string): IdempotencyLookup {
    const t = this.#get('SELECT * FROM tickets WHERE instance_id = ? AND request_id = ?', instanceId, requestId);
    if (!t) return { outcome: 'none' };
    if (t.fingerprint !== fingerprint) return { outcome: 'conflict' };
    return { outcome: 'duplicate', ticket: this.#ticket(instanceId, t) };
  }

  async findRequest(instanceId: number, requestId: string, fingerprint: string): Promise<IdempotencyLookup> {
    const seen = this.#lookup(instanceId, requestId, fingerprint);
    // A Duplicate answer acknowledges the sale: the ticket may be committed
    // but not yet synced (WalSync), so it waits for the disk like the first answer.
    if (seen.outcome !== 'none') await this.#durable();
    return seen;
  }

  /** Chains and writes a ticket's rows; runs inside a write transaction. */
  #writeTicket(instanceId: number, slug: string, ticket: TicketToChain & { items: number; requestId: string | null; fingerprint: string; voids: number | null }, now: string): BookedTicket {
    const head = this.#get('SELECT last_tx_id, last_hash FROM instances WHERE id = ?', instanceId);
    if (!head) throw new Error(`instance ${instanceId} vanished`);
    const rows = chainTicket(slug, { lastId: Number(head.last_tx_id), lastHash: String(head.last_hash) }, ticket, now);
    const insert = this.#prepare(
      `INSERT INTO transactions (instance_id, id, ticket_id, pos_id, payment_id, product_id, amount, cents, timestamp, hash, note)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const r of rows) insert.run(instanceId, r.ID, r.TicketID, r.PointOfSaleID, r.Payment_ID, r.Product_ID, r.AmountProduct, r.cents, r.timestamp, r.hash, r.Note);
    this.#prepare(
      'INSERT INTO tickets (instance_id, id, pos_id, payment_id, items, request_id, fingerprint, created_at, voids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(instanceId, ticket.ticketId, ticket.posId, ticket.paymentId, ticket.items, ticket.requestId, ticket.fingerprint, now, ticket.voids);
    const last = rows[rows.length - 1];
    this.#prepare('UPDATE instances SET last_tx_id = ?, last_ticket_id = ?, last_hash = ? WHERE id = ?').run(last?.ID ?? head.last_tx_id, ticket.ticketId, last?.hash ?? head.last_hash, instanceId);
    return { ticketId: ticket.ticketId, posId: ticket.posId, paymentId: ticket.paymentId, items: ticket.items, rows };
  }

  #nextTicketId(instanceId: number): number {
    return Number(this.#get('SELECT last_ticket_id FROM instances WHERE id = ?', instanceId)?.last_ticket_id ?? 0) + 1;
  }

  async appendTicket(instanceId: number, slug: string, draft: TicketDraft, now: string): Promise<AppendResult> {
    return this.#appends.submit({ instanceId, slug, draft, now });
  }

  async ticket(instanceId: number, ticketId: number): Promise<BookedTicket | null> {
    const t = this.#get('SELECT * FROM tickets WHERE instance_id = ? AND id = ?', instanceId, ticketId);
    const ticket = t ? this.#ticket(instanceId, t) : null;
    await this.#flushed();
    return ticket;
  }

  async voidTicket(instanceId: number, slug: string, ticketId: number, now: string, keyFingerprint: string): Promise<VoidResult> {
    const run = this.#db.transaction((): VoidResult => {
      const original = this.#get('SELECT * FROM tickets WHERE instance_id = ? AND id = ?', instanceId, ticketId);
      if (!original) return { outcome: 'not_found' };
      if (original.voids !== null) return { outcome: 'is_reversal' };
      if (this.#get('SELECT id FROM tickets WHERE instance_id = ? AND voids = ?', instanceId, ticketId)) return { outcome: 'already_voided' };
      const reversal = reverseTicket(this.#ticket(instanceId, original), this.#nextTicketId(instanceId));
      const ticket = this.#writeTicket(instanceId, slug, reversal, now);
      this.#audit(instanceId, keyFingerprint, now, 'void ticket', { TicketID: ticketId }, { TicketID: ticket.ticketId });
      return { outcome: 'voided', ticket };
    });
    const result = run.immediate();
    await this.#durable();
    return result;
  }

  async transactions(instanceId: number, query: TransactionQuery): Promise<LedgerRow[]> {
    const { sql, params } = transactionsQuery(instanceId, query, () => '?');
    const rows = this.#all(sql, ...params).map(toLedgerRow);
    await this.#flushed();
    return rows;
  }

  async totals(instanceId: number, from: string | undefined, to: string | undefined): Promise<TotalsRow[]> {
    const { where, params } = rangeQuery(instanceId, from, to, () => '?');
    return this.#all(`${TOTALS_SELECT} WHERE ${where} ${TOTALS_GROUP}`, ...params).map(toTotalsRow);
  }

  async revenueByMinute(instanceId: number, from: string | undefined, to: string | undefined): Promise<RevenuePoint[]> {
    const { where, params } = rangeQuery(instanceId, from, to, () => '?');
    return this.#all(`${REVENUE_SELECT} WHERE ${where} ${REVENUE_GROUP}`, ...params).map(toRevenuePoint);
  }

  async ledgerHead(instanceId: number): Promise<{ lastId: number; lastHash: string }> {
    const r = this.#get('SELECT last_tx_id, last_hash FROM instances WHERE id = ?', instanceId);
    await this.#flushed();
    return { lastId: Number(r?.last_tx_id ?? 0), lastHash: String(r?.last_hash ?? GENESIS_HASH) };
  }

  async ledgerAfter(instanceId: number, afterId: number, limit: number): Promise<LedgerRow[]> {
    const rows = this.#all('SELECT * FROM transactions WHERE instance_id = ? AND id > ? ORDER BY id LIMIT ?', instanceId, afterId, limit).map(toLedgerRow);
    await this.#flushed();
    return rows;
  }

  async registerDevice(instanceId: number, device: DeviceRegistration): Promise<DeviceResult> {
    const db = this.#db;
    const register = db.transaction((): DeviceResult => {
      const known = this.#get('SELECT pos_id FROM devices WHERE instance_id = ? AND uuid = ?', instanceId, device.uuid);
      if (!known) {
        const count = Number(this.#get('SELECT COUNT(*) AS n FROM devices WHERE instance_id = ?', instanceId)?.n ?? 0);
        if (device.deviceLimit > 0 && count >= device.deviceLimit) return { outcome: 'limit_reached' };
        this.#prepare('INSERT INTO devices (instance_id, uuid, pos_id, shard, first_seen, last_ping, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
          instanceId,
          device.uuid,
          device.posId ?? null,
          device.shard,
          device.now,
          device.now,
          device.now,
        );
        return { outcome: 'registered', uuid: device.uuid, posId: device.posId ?? null, isNew: true, lastPing: device.now };
      }
      const posId = device.posId ?? (known.pos_id === null ? null : Number(known.pos_id));
      this.#prepare('UPDATE devices SET pos_id = ?, shard = ?, last_ping = ?, last_seen = ? WHERE instance_id = ? AND uuid = ?').run(posId, device.shard, device.now, device.now, instanceId, device.uuid);
      return { outcome: 'registered', uuid: device.uuid, posId, isNew: false, lastPing: device.now };
    });
    const result = register.immediate();
    await this.#durable();
    return result;
  }

  async recordPasswordFailure(instanceId: number, posId: number, at: string): Promise<void> {
    this.#prepare('INSERT INTO password_failures (instance_id, pos_id, at) VALUES (?, ?, ?)').run(instanceId, posId, at);
    await this.#durable();
  }

  async passwordFailuresSince(instanceId: number, posId: number, since: string): Promise<number> {
    const r = this.#get('SELECT COUNT(*) AS n FROM password_failures WHERE instance_id = ? AND pos_id = ? AND at > ?', instanceId, posId, since);
    return Number(r?.n ?? 0);
  }

  #view(instanceId: number): string {
    return viewDigest({
      config: this.#all('SELECT key, value FROM config WHERE instance_id = ? ORDER BY key', instanceId),
      products: this.#all('SELECT * FROM products WHERE instance_id = ? ORDER BY id', instanceId),
      paymentMethods: this.#all('SELECT * FROM payment_methods WHERE instance_id = ? ORDER BY id', instanceId),
      pos: this.#all('SELECT * FROM pos WHERE instance_id = ? ORDER BY id', instanceId),
      posProducts: this.#all('SELECT pos_id, product_id FROM pos_products WHERE instance_id = ? ORDER BY pos_id, product_id', instanceId),
      posPaymentMethods: this.#all('SELECT pos_id, payment_id FROM pos_payment_methods WHERE instance_id = ? ORDER BY pos_id, payment_id', instanceId),
    });
  }

  async importInstances(instances: InstanceImport[]): Promise<{ created: string[]; updated: string[]; changed: number[] }> {
    this.#cache.clear();
    const db = this.#db;
    const run = db.transaction(() => {
      const report = { created: [] as string[], updated: [] as string[], changed: [] as number[] };
      for (const spec of instances) {
        const existing = this.#get('SELECT id, api_key_hash, admin_key_hash FROM instances WHERE slug = ?', spec.slug);
        let id: number;
        let before = '';
        if (existing) {
          id = Number(existing.id);
          before = this.#view(id);
          this.#prepare('UPDATE instances SET name = ?, api_key_hash = ?, admin_key_hash = ? WHERE id = ?').run(
            spec.name,
            spec.apiKeyHash === undefined ? existing.api_key_hash : spec.apiKeyHash,
            spec.adminKeyHash === undefined ? existing.admin_key_hash : spec.adminKeyHash,
            id,
          );
          report.updated.push(spec.slug);
        } else {
          const r = db
            .prepare('INSERT INTO instances (slug, name, api_key_hash, admin_key_hash, last_hash) VALUES (?, ?, ?, ?, ?)')
            .run(spec.slug, spec.name, spec.apiKeyHash ?? null, spec.adminKeyHash ?? null, GENESIS_HASH);
          id = Number(r.lastInsertRowid);
          report.created.push(spec.slug);
        }
        this.#replaceCatalogue(id, spec);
        if (!existing || this.#view(id) !== before) report.changed.push(id);
      }
      for (const id of report.changed) {
        this.#insertEvent({ instanceId: id, kind: 'updatepos', message: 'updatepos', parameters: {} });
      }
      return report;
    });
    return this.#writeCatalogue(run);
  }

  #replaceCatalogue(id: number, spec: CatalogueWrite): void {
    const db = this.#db;
    const oldPasswords = new Map(this.#all('SELECT id, password_hash FROM pos WHERE instance_id = ?', id).map((r) => [Number(r.id), r.password_hash]));
    for (const table of CATALOGUE_TABLES) {
      this.#prepare(`DELETE FROM ${table} WHERE instance_id = ?`).run(id);
    }
    const config = this.#prepare('INSERT INTO config (instance_id, key, value) VALUES (?, ?, ?)');
    for (const [key, value] of Object.entries(spec.config)) config.run(id, key, value);
    if (spec.license) {
      const l = spec.license;
      this.#prepare(
        `INSERT INTO licenses (instance_id, license_key, name, type, enabled, device_limit, ticket_limit, product_limit, payment_limit, pos_limit, created, expires)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(id, l.LicenseKey, l.Name, l.Type, l.enabled ? 1 : 0, l.DeviceLimit, l.TicketLimit, l.ProductLimit, l.PaymentLimit, l.POSLimit, l.Created, l.Expires);
    }
    const product = this.#prepare('INSERT INTO products (instance_id, id, name, price_cents, deposit, crew_blocked) VALUES (?, ?, ?, ?, ?, ?)');
    for (const p of spec.products) product.run(id, p.ID, p.ProductName, p.priceCents, p.Deposit ? 1 : 0, p.CrewBlocked ? 1 : 0);
    const method = this.#prepare('INSERT INTO payment_methods (instance_id, id, name, color, crew) VALUES (?, ?, ?, ?, ?)');
    for (const m of spec.paymentMethods) method.run(id, m.ID, m.Payment, m.color, m.crew ? 1 : 0);
    const pos = this.#prepare('INSERT INTO pos (instance_id, id, name, enabled, special, admin, password_hash) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const posProduct = this.#prepare('INSERT INTO pos_products (instance_id, pos_id, product_id) VALUES (?, ?, ?)');
    const posMethod = this.#prepare('INSERT INTO pos_payment_methods (instance_id, pos_id, payment_id) VALUES (?, ?, ?)');
    for (const p of spec.pos) {
      const hash = p.passwordHash === undefined ? (oldPasswords.get(p.ID) ?? null) : p.passwordHash;
      pos.run(id, p.ID, p.PointOfSale, p.enabled ? 1 : 0, p.special ? 1 : 0, p.admin ? 1 : 0, hash);
      for (const productId of p.products) posProduct.run(id, p.ID, productId);
      for (const paymentId of p.paymentMethods) posMethod.run(id, p.ID, paymentId);
    }
  }

  #insertEvent(event: GatewayEvent): void {
    // Runs inside the write transaction: the watchers hear of it once that has committed.
    if (this.#watchers.length > 0) setImmediate(() => this.#watchers.forEach((w) => w(true)));
    this.#prepare('INSERT INTO events (instance_id, kind, message, parameters, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(event.instanceId, event.kind, event.message, JSON.stringify(event.parameters), new Date().toISOString());
  }

  async publish(event: GatewayEvent): Promise<void> {
    this.#insertEvent(event);
    await this.#durable();
  }

  async eventsAfter(afterId: number): Promise<StoredEvent[]> {
    return this.#all('SELECT * FROM events WHERE id > ? ORDER BY id LIMIT 1000', afterId).map((r) => ({
      id: Number(r.id),
      instanceId: r.instance_id === null ? null : Number(r.instance_id),
      kind: r.kind === 'broadcast' ? 'broadcast' : 'updatepos',
      message: String(r.message),
      parameters: JSON.parse(String(r.parameters)) as Record<string, unknown>,
    }));
  }

  async latestEventId(): Promise<number> {
    return Number(this.#get('SELECT COALESCE(MAX(id), 0) AS id FROM events')?.id ?? 0);
  }

  async watchEvents(onPublished: (here: boolean) => void): Promise<void> {
    // SQLite cannot notify other processes (they poll, or hear from their supervisor); this one hears at once.
    this.#watchers.push(onPublished);
  }

  #catalogueRows(instanceId: number): Catalogue {
    const q = (sql: string): Row[] => this.#all(sql, instanceId);
    return toCatalogue({
      config: q('SELECT key, value FROM config WHERE instance_id = ? ORDER BY key'),
      licenses: q('SELECT * FROM licenses WHERE instance_id = ? ORDER BY license_key'),
      products: q('SELECT * FROM products WHERE instance_id = ? ORDER BY id'),
      paymentMethods: q('SELECT * FROM payment_methods WHERE instance_id = ? ORDER BY id'),
      pos: q('SELECT * FROM pos WHERE instance_id = ? ORDER BY id'),
      posProducts: q('SELECT pos_id, product_id FROM pos_products WHERE instance_id = ? ORDER BY pos_id, product_id'),
      posPaymentMethods: q('SELECT pos_id, payment_id FROM pos_payment_methods WHERE instance_id = ? ORDER BY pos_id, payment_id'),
    });
  }

  async catalogue(instanceId: number): Promise<Catalogue> {
    return this.#catalogueRows(instanceId);
  }

  async updateCatalogue(instanceId: number, keyFingerprint: string, change: (current: Catalogue) => CatalogueChange): Promise<Catalogue> {
    const run = this.#db.transaction((): Catalogue => {
      const result = change(this.#catalogueRows(instanceId));
      if ('refused' in result) throw result.refused;
      const before = this.#view(instanceId);
      this.#replaceCatalogue(instanceId, result.catalogue);
      const now = new Date().toISOString();
      this.#audit(instanceId, keyFingerprint, now, result.audit.action, result.audit.before, result.audit.after);
      if (this.#view(instanceId) !== before) this.#insertEvent({ instanceId, kind: 'updatepos', message: 'updatepos', parameters: {} });
      return this.#catalogueRows(instanceId);
    });
    return this.#writeCatalogue(run);
  }

  #audit(instanceId: number, key: string, at: string, action: string, before: unknown, after: unknown): void {
    this.#prepare('INSERT INTO audit_log (instance_id, at, key_fingerprint, action, before, after) VALUES (?, ?, ?, ?, ?, ?)').run(
      instanceId,
      at,
      key,
      action,
      JSON.stringify(before ?? null),
      JSON.stringify(after ?? null),
    );
  }

  async audit(instanceId: number, limit: number): Promise<AuditEntry[]> {
    return this.#all('SELECT * FROM audit_log WHERE instance_id = ? ORDER BY id DESC LIMIT ?', instanceId, limit).map(toAuditEntry);
  }

  async setAdminKey(instanceId: number, adminKeyHash: string): Promise<void> {
    this.#cache.clear();
    this.#prepare('UPDATE instances SET admin_key_hash = ? WHERE id = ?').run(adminKeyHash, instanceId);
    await this.#durable();
  }

  async devices(instanceId: number): Promise<Device[]> {
    return this.#all('SELECT * FROM devices WHERE instance_id = ? ORDER BY uuid', instanceId).map(toDevice);
  }

  async touchDevices(instanceId: number, uuids: string[], shard: string, now: string): Promise<void> {
    const touch = this.#prepare('UPDATE devices SET last_seen = ?, shard = ? WHERE instance_id = ? AND uuid = ?');
    this.#db.transaction(() => {
      for (const uuid of uuids) touch.run(now, shard, instanceId, uuid);
    })();
    await this.#durable();
  }

  async signingKey(): Promise<Buffer> {
    return Buffer.from(String(this.#get("SELECT value FROM meta WHERE key = 'signing_key'")?.value), 'base64');
  }
}


import { randomBytes } from 'node:crypto';
import pg from 'pg';
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
import { PgBatchWriter } from './batch-append.js';
import { InstanceCache } from './instance-cache.js';
import { Listener } from './listener.js';
import { MIGRATIONS } from './migrations.js';
import { CATALOGUE_TABLES, rangeQuery, REVENUE_GROUP, REVENUE_SELECT, TOTALS_GROUP, TOTALS_SELECT, transactionsQuery } from '../sql.js';

/** What replacing a catalogue writes (an import or an admin change). */
type CatalogueWrite = Pick<InstanceImport, 'config' | 'license' | 'products' | 'paymentMethods' | 'pos'>;

type Row = Record<string, unknown>;
type Client = pg.PoolClient | pg.Pool;

// Advisory lock keys: one for migrations, one that orders event IDs by commit.
const MIGRATION_LOCK = 7_310_001;
const EVENT_LOCK = 7_310_002;
const DEVICE_LOCK_SPACE = 7_310_003;
const CATALOGUE_LOCK_SPACE = 7_310_004;
const CHANNEL = 'concertpos_events';
/** Sent by a trigger on every change of an instance row's identity, keys or catalogue version (migration 4). */
const INSTANCE_CHANNEL = 'concertpos_instances';

export interface PostgresOptions {
  url: string;
  /** Pool size per process. */
  max?: number;
}

/**
 * The shared store for several machines. Writers to one instance are
 * serialised by locking that instance's row (FOR UPDATE), so IDs stay gapless
 * and the chain valid while other instances write in parallel. Events are
 * rows in `events` plus a NOTIFY, so gateways on other machines hear at once.
 */
export class PostgresStore implements Store {
  readonly #pool: pg.Pool;
  readonly #url: string;
  #listener: Listener | undefined;
  readonly #eventWatchers: ((here: boolean) => void)[] = [];
  readonly #instances = new InstanceCache();
  readonly #snapshots = new SnapshotCache((instanceId) => this.#loadSnapshot(instanceId));
  readonly #batches = new PgBatchWriter({
    query: (config) => this.#pool.query(config),
    tx: (fn) => this.#tx(fn),
    lookup: (client, instanceId, requestId, fingerprint) => this.#lookup(client, instanceId, requestId, fingerprint),
  });
  readonly #appends = new GroupCommit<PendingAppend, AppendResult>((pending) => this.#batches.write(pending));

  constructor(options: PostgresOptions) {
    this.#url = options.url;
    this.#pool = new pg.Pool({ connectionString: options.url, max: options.max ?? 10 });
    // An idle client that loses its server must not crash the process; the next query reconnects.
    this.#pool.on('error', () => undefined);
  }

  async #all(sql: string, params: unknown[] = [], client: Client = this.#pool): Promise<Row[]> {
    return (await client.query(sql, params)).rows as Row[];
  }

  async #get(sql: string, params: unknown[] = [], client: Client = this.#pool): Promise<Row | undefined> {
    return (await client.query(sql, params)).rows[0] as Row | undefined;
  }

  /** Runs `fn` in a transaction on one pooled client (`begin` may name an isolation level). */
  async #tx<T>(fn: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query(begin);
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  async migrate(): Promise<void> {
    const client = await this.#pool.connect();
    try {
      // Several shards may start at once: one migrates, the others wait and then find nothing to do.
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
      const done = new Set((await this.#all('SELECT version FROM schema_migrations', [], client)).map((r) => Number(r.version)));
      for (const m of MIGRATIONS) {
        if (done.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
          await client.query('COMMIT');
        } catch (e) {
          await client.query('ROLLBACK');
          throw e;
        }
      }
      await client.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', ['signing_key', randomBytes(32).toString('base64')]);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      client.release();
    }
  }

  async close(): Promise<void> {
    const listener = this.#listener;
    this.#listener = undefined;
    this.#instances.setLive(false);
    await listener?.close();
    await this.#pool.end();
  }

  async ping(): Promise<void> {
    await this.#pool.query('SELECT 1');
  }

  async instanceBySlug(slug: string): Promise<Instance | null> {
    const known = this.#instances.get(slug);
    if (known) return known;
    const generation = this.#instances.generation;
    // Prepared once per connection: parsed and planned once, not for every request.
    const text = 'SELECT id, slug, name, api_key_hash, admin_key_hash, catalogue_version FROM instances WHERE slug = $1';
    const r = (await this.#pool.query({ name: 'concertpos-instance-by-slug', text, values: [slug] })).rows[0] as Row | undefined;
    if (!r) return null;
    const instance = toInstance(r);
    this.#instances.remember(slug, instance, generation);
    return instance;
  }

  async listInstances(): Promise<Instance[]> {
    return (await this.#all('SELECT id, slug, name, api_key_hash, admin_key_hash, catalogue_version FROM instances ORDER BY id')).map(toInstance);
  }

  async catalogueSnapshot(instanceId: number, version: number): Promise<CatalogueSnapshot> {
    return this.#snapshots.get(instanceId, version);
  }

  /** The catalogue and its version, read in one snapshot of the database. */
  async #loadSnapshot(instanceId: number): Promise<CatalogueSnapshot> {
    return this.#tx(async (client) => {
      const r = await this.#get('SELECT catalogue_version FROM instances WHERE id = $1', [instanceId], client);
      if (!r) throw new Error(`instance ${instanceId} does not exist`);
      return new CatalogueSnapshot(Number(r.catalogue_version), await this.#catalogueRows(client, instanceId));
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  async #lookup(client: Client, instanceId: number, requestId: string, fingerprint: string): Promise<IdempotencyLookup> {
    const t = await this.#get('SELECT * FROM tickets WHERE instance_id = $1 AND request_id = $2', [instanceId, requestId], client);
    if (!t) return { outcome: 'none' };
    if (t.fingerprint !== fingerprint) return { outcome: 'conflict' };
    return { outcome: 'duplicate', ticket: await this.#ticketOf(client, instanceId, t) };
  }

  async findRequest(instanceId: number, requestId: string, fingerprint: string): Promise<IdempotencyLookup> {
    return this.#lookup(this.#pool, instanceId, requestId, fingerprint);
  }

  /** Chains and writes a ticket's rows; runs in a transaction holding the instance row lock. */
  async #writeTicket(
    client: pg.PoolClient,
    instanceId: number,
    slug: string,
    head: Row,
    ticket: TicketToChain & { items: number; requestId: string | null; fingerprint: string; voids: number | null },
    now: string,
  ): Promise<BookedTicket> {
    const rows = chainTicket(slug, { lastId: Number(head.last_tx_id), lastHash: String(head.last_hash) }, ticket, now);
    const values: unknown[] = [];
    const tuples = rows.map((r) => {
      const base = values.length;
      values.push(instanceId, r.ID, r.TicketID, r.PointOfSaleID, r.Payment_ID, r.Product_ID, r.AmountProduct, r.cents, r.timestamp, r.hash, r.Note);
      return `(${Array.from({ length: 11 }, (_, i) => `$${base + i + 1}`).join(', ')})`;
    });
    if (tuples.length > 0) {
      await client.query(
        `INSERT INTO transactions (instance_id, id, ticket_id, pos_id, payment_id, product_id, amount, cents, timestamp, hash, note) VALUES ${tuples.join(', ')}`,
        values,
      );
    }
    await client.query(
      'INSERT INTO tickets (instance_id, id, pos_id, payment_id, items, request_id, fingerprint, created_at, voids) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [instanceId, ticket.ticketId, ticket.posId, ticket.paymentId, ticket.items, ticket.requestId, ticket.fingerprint, now, ticket.voids],
    );
    const last = rows[rows.length - 1];
    await client.query('UPDATE instances SET last_tx_id = $1, last_ticket_id = $2, last_hash = $3 WHERE id = $4', [
      last?.ID ?? head.last_tx_id,
      ticket.ticketId,
      last?.hash ?? head.last_hash,
      instanceId,
    ]);
    return { ticketId: ticket.ticketId, posId: ticket.posId, paymentId: ticket.paymentId, items: ticket.items, rows };
  }

  /** Locks the instance's row, the per-instance writer lock: other instances write in parallel. */
  async #lockHead(client: pg.PoolClient, instanceId: number): Promise<Row> {
    const head = await this.#get('SELECT last_tx_id, last_ticket_id, last_hash FROM instances WHERE id = $1 FOR UPDATE', [instanceId], client);
    if (!head) throw new Error(`instance ${instanceId} vanished`);
    return head;
  }

  async appendTicket(instanceId: number, slug: string, draft: TicketDraft, now: string): Promise<AppendResult> {
    return this.#appends.submit({ instanceId, slug, draft, now });
  }

  async #ticketOf(client: Client, instanceId: number, t: Row): Promise<BookedTicket> {
    const rows = (await this.#all('SELECT * FROM transactions WHERE instance_id = $1 AND ticket_id = $2 ORDER BY id', [instanceId, t.id], client)).map(toLedgerRow);
    return { ticketId: Number(t.id), posId: Number(t.pos_id), paymentId: Number(t.payment_id), items: Number(t.items), rows };
  }

  async ticket(instanceId: number, ticketId: number): Promise<BookedTicket | null> {
    const t = await this.#get('SELECT * FROM tickets WHERE instance_id = $1 AND id = $2', [instanceId, ticketId]);
    return t ? this.#ticketOf(this.#pool, instanceId, t) : null;
  }

  async voidTicket(instanceId: number, slug: string, ticketId: number, now: string, keyFingerprint: string): Promise<VoidResult> {
    return this.#tx(async (client): Promise<VoidResult> => {
      const head = await this.#lockHead(client, instanceId);
      const original = await this.#get('SELECT * FROM tickets WHERE instance_id = $1 AND id = $2', [instanceId, ticketId], client);
      if (!original) return { outcome: 'not_found' };
      if (original.voids !== null) return { outcome: 'is_reversal' };
      if (await this.#get('SELECT id FROM tickets WHERE instance_id = $1 AND voids = $2', [instanceId, ticketId], client)) return { outcome: 'already_voided' };
      const reversal = reverseTicket(await this.#ticketOf(client, instanceId, original), Number(head.last_ticket_id) + 1);
      const ticket = await this.#writeTicket(client, instanceId, slug, head, reversal, now);
      await this.#audit(client, instanceId, keyFingerprint, now, 'void ticket', { TicketID: ticketId }, { TicketID: ticket.ticketId });
      return { outcome: 'voided', ticket };
    });
  }

  async transactions(instanceId: number, query: TransactionQuery): Promise<LedgerRow[]> {
    const { sql, params } = transactionsQuery(instanceId, query, (n) => `$${n}`);
    return (await this.#all(sql, params)).map(toLedgerRow);
  }

  async totals(instanceId: number, from: string | undefined, to: string | undefined): Promise<TotalsRow[]> {
    const { where, params } = rangeQuery(instanceId, from, to, (n) => `$${n}`);
    return (await this.#all(`${TOTALS_SELECT} WHERE ${where} ${TOTALS_GROUP}`, params)).map(toTotalsRow);
  }

  async revenueByMinute(instanceId: number, from: string | undefined, to: string | undefined): Promise<RevenuePoint[]> {
    const { where, params } = rangeQuery(instanceId, from, to, (n) => `$${n}`);
    return (await this.#all(`${REVENUE_SELECT} WHERE ${where} ${REVENUE_GROUP}`, params)).map(toRevenuePoint);
  }

  async ledgerHead(instanceId: number): Promise<{ lastId: number; lastHash: string }> {
    const r = await this.#get('SELECT last_tx_id, last_hash FROM instances WHERE id = $1', [instanceId]);
    return { lastId: Number(r?.last_tx_id ?? 0), lastHash: String(r?.last_hash ?? GENESIS_HASH) };
  }

  async ledgerAfter(instanceId: number, afterId: number, limit: number): Promise<LedgerRow[]> {
    return (await this.#all('SELECT * FROM transactions WHERE instance_id = $1 AND id > $2 ORDER BY id LIMIT $3', [instanceId, afterId, limit])).map(toLedgerRow);
  }

  async registerDevice(instanceId: number, device: DeviceRegistration): Promise<DeviceResult> {
    return this.#tx(async (client): Promise<DeviceResult> => {
      // Serialise registrations of one instance so the device limit cannot be overrun by a race.
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', [DEVICE_LOCK_SPACE, instanceId]);
      const known = await this.#get('SELECT pos_id FROM devices WHERE instance_id = $1 AND uuid = $2', [instanceId, device.uuid], client);
      if (!known) {
        const count = Number((await this.#get('SELECT COUNT(*) AS n FROM devices WHERE instance_id = $1', [instanceId], client))?.n ?? 0);
        if (device.deviceLimit > 0 && count >= device.deviceLimit) return { outcome: 'limit_reached' };
        await client.query('INSERT INTO devices (instance_id, uuid, pos_id, shard, first_seen, last_ping, last_seen) VALUES ($1, $2, $3, $4, $5, $5, $5)', [
          instanceId,
          device.uuid,
          device.posId ?? null,
          device.shard,
          device.now,
        ]);
        return { outcome: 'registered', uuid: device.uuid, posId: device.posId ?? null, isNew: true, lastPing: device.now };
      }
      const posId = device.posId ?? (known.pos_id === null ? null : Number(known.pos_id));
      await client.query('UPDATE devices SET pos_id = $1, shard = $2, last_ping = $3, last_seen = $3 WHERE instance_id = $4 AND uuid = $5', [posId, device.shard, device.now, instanceId, device.uuid]);
      return { outcome: 'registered', uuid: device.uuid, posId, isNew: false, lastPing: device.now };
    });
  }

  async recordPasswordFailure(instanceId: number, posId: number, at: string): Promise<void> {
    await this.#pool.query('INSERT INTO password_failures (instance_id, pos_id, at) VALUES ($1, $2, $3)', [instanceId, posId, at]);
  }

  async passwordFailuresSince(instanceId: number, posId: number, since: string): Promise<number> {
    const r = await this.#get('SELECT COUNT(*) AS n FROM password_failures WHERE instance_id = $1 AND pos_id = $2 AND at > $3', [instanceId, posId, since]);
    return Number(r?.n ?? 0);
  }

  async #view(client: Client, instanceId: number): Promise<string> {
    const q = (sql: string): Promise<Row[]> => this.#all(sql, [instanceId], client);
    return viewDigest({
      config: await q('SELECT key, value FROM config WHERE instance_id = $1 ORDER BY key'),
      products: await q('SELECT * FROM products WHERE instance_id = $1 ORDER BY id'),
      paymentMethods: await q('SELECT * FROM payment_methods WHERE instance_id = $1 ORDER BY id'),
      pos: await q('SELECT * FROM pos WHERE instance_id = $1 ORDER BY id'),
      posProducts: await q('SELECT pos_id, product_id FROM pos_products WHERE instance_id = $1 ORDER BY pos_id, product_id'),
      posPaymentMethods: await q('SELECT pos_id, payment_id FROM pos_payment_methods WHERE instance_id = $1 ORDER BY pos_id, payment_id'),
    });
  }

  async importInstances(instances: InstanceImport[]): Promise<{ created: string[]; updated: string[]; changed: number[] }> {
    const imported = await this.#tx(async (client) => {
      const report = { created: [] as string[], updated: [] as string[], changed: [] as number[] };
      for (const spec of instances) {
        const existing = await this.#get('SELECT id, api_key_hash, admin_key_hash FROM instances WHERE slug = $1 FOR UPDATE', [spec.slug], client);
        let id: number;
        let before = '';
        if (existing) {
          id = Number(existing.id);
          before = await this.#view(client, id);
          await client.query('UPDATE instances SET name = $1, api_key_hash = $2, admin_key_hash = $3 WHERE id = $4', [
            spec.name,
            spec.apiKeyHash === undefined ? existing.api_key_hash : spec.apiKeyHash,
            spec.adminKeyHash === undefined ? existing.admin_key_hash : spec.adminKeyHash,
            id,
          ]);
          report.updated.push(spec.slug);
        } else {
          const r = await this.#get('INSERT INTO instances (slug, name, api_key_hash, admin_key_hash, last_hash) VALUES ($1, $2, $3, $4, $5) RETURNING id', [
            spec.slug,
            spec.name,
            spec.apiKeyHash ?? null,
            spec.adminKeyHash ?? null,
            GENESIS_HASH,
          ], client);
          id = Number(r?.id);
          report.created.push(spec.slug);
        }
        await this.#replaceCatalogue(client, id, spec);
        if (!existing || (await this.#view(client, id)) !== before) report.changed.push(id);
      }
      for (const id of report.changed) await this.#insertEvent(client, { instanceId: id, kind: 'updatepos', message: 'updatepos', parameters: {} });
      return report;
    });
    // This process sees its own change at once, not only when the notice comes back.
    this.#instances.changed();
    return imported;
  }

  async #replaceCatalogue(client: pg.PoolClient, id: number, spec: CatalogueWrite): Promise<void> {
    const oldPasswords = new Map((await this.#all('SELECT id, password_hash FROM pos WHERE instance_id = $1', [id], client)).map((r) => [Number(r.id), r.password_hash]));
    for (const table of CATALOGUE_TABLES) {
      await client.query(`DELETE FROM ${table} WHERE instance_id = $1`, [id]);
    }
    for (const [key, value] of Object.entries(spec.config)) await client.query('INSERT INTO config (instance_id, key, value) VALUES ($1, $2, $3)', [id, key, value]);
    if (spec.license) {
      const l = spec.license;
      await client.query(
        `INSERT INTO licenses (instance_id, license_key, name, type, enabled, device_limit, ticket_limit, product_limit, payment_limit, pos_limit, created, expires)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [id, l.LicenseKey, l.Name, l.Type, l.enabled, l.DeviceLimit, l.TicketLimit, l.ProductLimit, l.PaymentLimit, l.POSLimit, l.Created, l.Expires],
      );
    }
    for (const p of spec.products) {
      await client.query('INSERT INTO products (instance_id, id, name, price_cents, deposit, crew_blocked) VALUES ($1, $2, $3, $4, $5, $6)', [id, p.ID, p.ProductName, p.priceCents, p.Deposit, p.CrewBlocked]);
    }
    for (const m of spec.paymentMethods) {
      await client.query('INSERT INTO payment_methods (instance_id, id, name, color, crew) VALUES ($1, $2, $3, $4, $5)', [id, m.ID, m.Payment, m.color, m.crew]);
    }
    for (const p of spec.pos) {
      const hash = p.passwordHash === undefined ? (oldPasswords.get(p.ID) ?? null) : p.passwordHash;
      await client.query('INSERT INTO pos (instance_id, id, name, enabled, special, admin, password_hash) VALUES ($1, $2, $3, $4, $5, $6, $7)', [id, p.ID, p.PointOfSale, p.enabled, p.special, p.admin, hash]);
      for (const productId of p.products) await client.query('INSERT INTO pos_products (instance_id, pos_id, product_id) VALUES ($1, $2, $3)', [id, p.ID, productId]);
      for (const paymentId of p.paymentMethods) await client.query('INSERT INTO pos_payment_methods (instance_id, pos_id, payment_id) VALUES ($1, $2, $3)', [id, p.ID, paymentId]);
    }
  }

  /** Event IDs must become visible in ID order, or a reader could skip one: inserts are serialised until commit. */
  async #insertEvent(client: pg.PoolClient, event: GatewayEvent): Promise<void> {
    await client.query('SELECT pg_advisory_xact_lock($1)', [EVENT_LOCK]);
    await client.query('INSERT INTO events (instance_id, kind, message, parameters, created_at) VALUES ($1, $2, $3, $4, $5)', [
      event.instanceId,
      event.kind,
      event.message,
      JSON.stringify(event.parameters),
      new Date().toISOString(),
    ]);
    await client.query(`NOTIFY ${CHANNEL}`);
  }

  async publish(event: GatewayEvent): Promise<void> {
    await this.#tx((client) => this.#insertEvent(client, event));
  }

  async eventsAfter(afterId: number): Promise<StoredEvent[]> {
    const rows = await this.#all('SELECT * FROM events WHERE id > $1 ORDER BY id LIMIT 1000', [afterId]);
    // A terminal told of a change (updatepos) must see it when it asks next,
    // even if the event came by a faster path than the instance notice.
    if (rows.some((r) => r.kind === 'updatepos')) this.#instances.changed();
    return rows.map((r) => ({
      id: Number(r.id),
      instanceId: r.instance_id === null ? null : Number(r.instance_id),
      kind: r.kind === 'broadcast' ? 'broadcast' : 'updatepos',
      message: String(r.message),
      parameters: JSON.parse(String(r.parameters)) as Record<string, unknown>,
    }));
  }

  async latestEventId(): Promise<number> {
    return Number((await this.#get('SELECT COALESCE(MAX(id), 0) AS id FROM events'))?.id ?? 0);
  }

  /** Also keeps instance rows in memory while it listens (InstanceCache). */
  async watchEvents(onPublished: (here: boolean) => void): Promise<void> {
    this.#eventWatchers.push(onPublished);
    if (this.#listener) return;
    this.#listener = new Listener({
      url: this.#url,
      channels: [CHANNEL, INSTANCE_CHANNEL],
      onNotify: (channel) => (channel === INSTANCE_CHANNEL ? this.#instances.changed() : this.#eventWatchers.forEach((w) => w(false))),
      onLive: (live) => {
        this.#instances.setLive(live);
        // Back after a gap: read what was published meanwhile (polling covers the gap until then).
        if (live) this.#eventWatchers.forEach((w) => w(false));
      },
    });
    try {
      await this.#listener.start();
    } catch (e) {
      this.#listener = undefined;
      throw e;
    }
  }

  async #catalogueRows(client: Client, instanceId: number): Promise<Catalogue> {
    const q = (sql: string): Promise<Row[]> => this.#all(sql, [instanceId], client);
    return toCatalogue({
      config: await q('SELECT key, value FROM config WHERE instance_id = $1 ORDER BY key'),
      licenses: await q('SELECT * FROM licenses WHERE instance_id = $1 ORDER BY license_key'),
      products: await q('SELECT * FROM products WHERE instance_id = $1 ORDER BY id'),
      paymentMethods: await q('SELECT * FROM payment_methods WHERE instance_id = $1 ORDER BY id'),
      pos: await q('SELECT * FROM pos WHERE instance_id = $1 ORDER BY id'),
      posProducts: await q('SELECT pos_id, product_id FROM pos_products WHERE instance_id = $1 ORDER BY pos_id, product_id'),
      posPaymentMethods: await q('SELECT pos_id, payment_id FROM pos_payment_methods WHERE instance_id = $1 ORDER BY pos_id, payment_id'),
    });
  }

  async catalogue(instanceId: number): Promise<Catalogue> {
    return this.#catalogueRows(this.#pool, instanceId);
  }

  async updateCatalogue(instanceId: number, keyFingerprint: string, change: (current: Catalogue) => CatalogueChange): Promise<Catalogue> {
    const updated = await this.#tx(async (client) => {
      // Admin changes of one instance are serialised with each other (not with sales).
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', [CATALOGUE_LOCK_SPACE, instanceId]);
      const result = change(await this.#catalogueRows(client, instanceId));
      if ('refused' in result) throw result.refused;
      const before = await this.#view(client, instanceId);
      await this.#replaceCatalogue(client, instanceId, result.catalogue);
      await this.#audit(client, instanceId, keyFingerprint, new Date().toISOString(), result.audit.action, result.audit.before, result.audit.after);
      if ((await this.#view(client, instanceId)) !== before) await this.#insertEvent(client, { instanceId, kind: 'updatepos', message: 'updatepos', parameters: {} });
      return this.#catalogueRows(client, instanceId);
    });
    this.#instances.changed();
    return updated;
  }

  async #audit(client: Client, instanceId: number, key: string, at: string, action: string, before: unknown, after: unknown): Promise<void> {
    await client.query('INSERT INTO audit_log (instance_id, at, key_fingerprint, action, before, after) VALUES ($1, $2, $3, $4, $5, $6)', [
      instanceId,
      at,
      key,
      action,
      JSON.stringify(before ?? null),
      JSON.stringify(after ?? null),
    ]);
  }

  async audit(instanceId: number, limit: number): Promise<AuditEntry[]> {
    return (await this.#all('SELECT * FROM audit_log WHERE instance_id = $1 ORDER BY id DESC LIMIT $2', [instanceId, limit])).map(toAuditEntry);
  }

  async setAdminKey(instanceId: number, adminKeyHash: string): Promise<void> {
    await this.#pool.query('UPDATE instances SET admin_key_hash = $1 WHERE id = $2', [adminKeyHash, instanceId]);
    this.#instances.changed();
  }

  async devices(instanceId: number): Promise<Device[]> {
    return (await this.#all('SELECT * FROM devices WHERE instance_id = $1 ORDER BY uuid', [instanceId])).map(toDevice);
  }

  async touchDevices(instanceId: number, uuids: string[], shard: string, now: string): Promise<void> {
    if (uuids.length === 0) return;
    await this.#pool.query('UPDATE devices SET last_seen = $1, shard = $2 WHERE instance_id = $3 AND uuid = ANY($4)', [now, shard, instanceId, uuids]);
  }

  async signingKey(): Promise<Buffer> {
    return Buffer.from(String((await this.#get("SELECT value FROM meta WHERE key = 'signing_key'"))?.value), 'base64');
  }
}


/**
 * Versioned schema changes for the PostgreSQL store: the same tables as the
 * SQLite store (src/store/sqlite/migrations.ts), in PostgreSQL's types.
 * Never edit a released migration: add one.
 */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

      CREATE TABLE instances (
        id SERIAL PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        api_key_hash TEXT,
        admin_key_hash TEXT,
        last_tx_id INTEGER NOT NULL DEFAULT 0,
        last_ticket_id INTEGER NOT NULL DEFAULT 0,
        last_hash TEXT NOT NULL
      );

      CREATE TABLE config (
        instance_id INTEGER NOT NULL REFERENCES instances(id),
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (instance_id, key)
      );

      CREATE TABLE licenses (
        instance_id INTEGER NOT NULL REFERENCES instances(id),
        license_key TEXT NOT NULL,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        enabled BOOLEAN NOT NULL,
        device_limit INTEGER NOT NULL,
        ticket_limit INTEGER NOT NULL,
        product_limit INTEGER NOT NULL,
        payment_limit INTEGER NOT NULL,
        pos_limit INTEGER NOT NULL,
        created TEXT NOT NULL,
        expires TEXT,
        PRIMARY KEY (instance_id, license_key)
      );

      CREATE TABLE products (
        instance_id INTEGER NOT NULL REFERENCES instances(id),
        id INTEGER NOT NULL,
        name TEXT NOT NULL,
        price_cents BIGINT NOT NULL,
        deposit BOOLEAN NOT NULL,
        crew_blocked BOOLEAN NOT NULL,
        PRIMARY KEY (instance_id, id)
      );

      CREATE TABLE payment_methods (
        instance_id INTEGER NOT NULL REFERENCES instances(id),
        id INTEGER NOT NULL,
        name TEXT NOT NULL,
        color TEXT NOT NULL,
        crew BOOLEAN NOT NULL,
        PRIMARY KEY (instance_id, id)
      );

      CREATE TABLE pos (
        instance_id INTEGER NOT NULL REFERENCES instances(id),
        id INTEGER NOT NULL,
        name TEXT NOT NULL,
        enabled BOOLEAN NOT NULL,
        special BOOLEAN NOT NULL,
        admin BOOLEAN NOT NULL,
        password_hash TEXT,
        PRIMARY KEY (instance_id, id)
      );

      CREATE TABLE pos_products (
        instance_id INTEGER NOT NULL,
        pos_id INTEGER NOT NULL,
        product_id INTEGER NOT NULL,
        PRIMARY KEY (instance_id, pos_id, product_id)
      );

      CREATE TABLE pos_payment_methods (
        instance_id INTEGER NOT NULL,
        pos_id INTEGER NOT NULL,
        payment_id INTEGER NOT NULL,
        PRIMARY KEY (instance_id, pos_id, payment_id)
      );

      CREATE TABLE tickets (
        instance_id INTEGER NOT NULL REFERENCES instances(id),
        id INTEGER NOT NULL,
        pos_id INTEGER NOT NULL,
        payment_id INTEGER NOT NULL,
        items INTEGER NOT NULL,
        request_id TEXT,
        fingerprint TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (instance_id, id)
      );
      CREATE UNIQUE INDEX tickets_request ON tickets (instance_id, request_id) WHERE request_id IS NOT NULL;

      CREATE TABLE transactions (
        instance_id INTEGER NOT NULL REFERENCES instances(id),
        id INTEGER NOT NULL,
        ticket_id INTEGER NOT NULL,
        pos_id INTEGER NOT NULL,
        payment_id INTEGER NOT NULL,
        product_id INTEGER NOT NULL,
        amount INTEGER NOT NULL,
        cents BIGINT NOT NULL,
        timestamp TEXT NOT NULL,
        hash TEXT NOT NULL,
        note TEXT,
        PRIMARY KEY (instance_id, id)
      );
      CREATE INDEX transactions_pos ON transactions (instance_id, pos_id, id);
      CREATE INDEX transactions_ticket ON transactions (instance_id, ticket_id);

      -- The ledger is append-only, whoever holds a connection to the database.
      CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the ledger is append-only'; END $$;
      CREATE TRIGGER transactions_append_only BEFORE UPDATE OR DELETE ON transactions
        FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
      CREATE TRIGGER transactions_no_truncate BEFORE TRUNCATE ON transactions
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

      CREATE TABLE devices (
        instance_id INTEGER NOT NULL REFERENCES instances(id),
        uuid TEXT NOT NULL,
        pos_id INTEGER,
        shard TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_ping TEXT NOT NULL,
        PRIMARY KEY (instance_id, uuid)
      );

      CREATE TABLE password_failures (
        instance_id INTEGER NOT NULL,
        pos_id INTEGER NOT NULL,
        at TEXT NOT NULL
      );
      CREATE INDEX password_failures_pos ON password_failures (instance_id, pos_id, at);

      CREATE TABLE events (
        id BIGSERIAL PRIMARY KEY,
        instance_id INTEGER,
        kind TEXT NOT NULL,
        message TEXT NOT NULL,
        parameters TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'voids, audit log, device presence',
    sql: `
      ALTER TABLE tickets ADD COLUMN voids INTEGER;
      CREATE UNIQUE INDEX tickets_voids ON tickets (instance_id, voids) WHERE voids IS NOT NULL;
      CREATE TABLE audit_log (
        id BIGSERIAL PRIMARY KEY,
        instance_id INTEGER NOT NULL REFERENCES instances(id),
        at TEXT NOT NULL,
        key_fingerprint TEXT NOT NULL,
        action TEXT NOT NULL,
        before TEXT,
        after TEXT
      );
      CREATE INDEX audit_log_instance ON audit_log (instance_id, id);
      ALTER TABLE devices ADD COLUMN last_seen TEXT;
      CREATE INDEX transactions_time ON transactions (instance_id, timestamp);
    `,
  },
  {
    version: 3,
    name: 'catalogue version',
    // Raised by every catalogue write: gateways keep the catalogue in memory
    // per version, and a sale commits only at the version it was priced at.
    sql: `ALTER TABLE instances ADD COLUMN catalogue_version BIGINT NOT NULL DEFAULT 0;`,
  },
  {
    version: 4,
    name: 'notify instance changes',
    // Gateways keep instance rows in memory and forget them on this notice.
    // A trigger rather than each write path: no writer (nor psql) can forget it.
    sql: `
      CREATE FUNCTION instances_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('concertpos_instances', ''); RETURN NULL; END $$;
      CREATE TRIGGER instances_changed
        AFTER INSERT OR DELETE OR UPDATE OF slug, name, api_key_hash, admin_key_hash, catalogue_version ON instances
        FOR EACH ROW EXECUTE FUNCTION instances_notify();
    `,
  },
  {
    version: 5,
    name: 'catalogue version raised by every catalogue write',
    // Not only the gateway's own writes: an edit with psql must reach the
    // gateways' catalogue snapshots and the sales' commit check as well.
    sql: `
      CREATE FUNCTION catalogue_version_raise() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP <> 'INSERT' THEN UPDATE instances SET catalogue_version = catalogue_version + 1 WHERE id = OLD.instance_id; END IF;
          IF TG_OP <> 'DELETE' THEN UPDATE instances SET catalogue_version = catalogue_version + 1 WHERE id = NEW.instance_id; END IF;
          RETURN NULL;
        END $$;
      CREATE TRIGGER config_catalogue_version AFTER INSERT OR UPDATE OR DELETE ON config FOR EACH ROW EXECUTE FUNCTION catalogue_version_raise();
      CREATE TRIGGER licenses_catalogue_version AFTER INSERT OR UPDATE OR DELETE ON licenses FOR EACH ROW EXECUTE FUNCTION catalogue_version_raise();
      CREATE TRIGGER products_catalogue_version AFTER INSERT OR UPDATE OR DELETE ON products FOR EACH ROW EXECUTE FUNCTION catalogue_version_raise();
      CREATE TRIGGER payment_methods_catalogue_version AFTER INSERT OR UPDATE OR DELETE ON payment_methods FOR EACH ROW EXECUTE FUNCTION catalogue_version_raise();
      CREATE TRIGGER pos_catalogue_version AFTER INSERT OR UPDATE OR DELETE ON pos FOR EACH ROW EXECUTE FUNCTION catalogue_version_raise();
      CREATE TRIGGER pos_products_catalogue_version AFTER INSERT OR UPDATE OR DELETE ON pos_products FOR EACH ROW EXECUTE FUNCTION catalogue_version_raise();
      CREATE TRIGGER pos_payment_methods_catalogue_version AFTER INSERT OR UPDATE OR DELETE ON pos_payment_methods FOR EACH ROW EXECUTE FUNCTION catalogue_version_raise();
    `,
  },
];

/**
 * Versioned schema changes for the SQLite store, applied in order and
 * recorded in schema_migrations. Never edit a released migration: add one.
 */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

      CREATE TABLE instances (
        id INTEGER PRIMARY KEY,
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
        enabled INTEGER NOT NULL,
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
        price_cents INTEGER NOT NULL,
        deposit INTEGER NOT NULL,
        crew_blocked INTEGER NOT NULL,
        PRIMARY KEY (instance_id, id)
      );

      CREATE TABLE payment_methods (
        instance_id INTEGER NOT NULL REFERENCES instances(id),
        id INTEGER NOT NULL,
        name TEXT NOT NULL,
        color TEXT NOT NULL,
        crew INTEGER NOT NULL,
        PRIMARY KEY (instance_id, id)
      );

      CREATE TABLE pos (
        instance_id INTEGER NOT NULL REFERENCES instances(id),
        id INTEGER NOT NULL,
        name TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        special INTEGER NOT NULL,
        admin INTEGER NOT NULL,
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
        cents INTEGER NOT NULL,
        timestamp TEXT NOT NULL,
        hash TEXT NOT NULL,
        note TEXT,
        PRIMARY KEY (instance_id, id)
      );
      CREATE INDEX transactions_pos ON transactions (instance_id, pos_id, id);
      CREATE INDEX transactions_ticket ON transactions (instance_id, ticket_id);

      -- The ledger is append-only, whoever holds a connection to the file.
      CREATE TRIGGER transactions_no_update BEFORE UPDATE ON transactions
        BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
      CREATE TRIGGER transactions_no_delete BEFORE DELETE ON transactions
        BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;

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
        id INTEGER PRIMARY KEY AUTOINCREMENT,
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
        id INTEGER PRIMARY KEY AUTOINCREMENT,
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
    sql: `ALTER TABLE instances ADD COLUMN catalogue_version INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    version: 4,
    name: 'catalogue version raised by every catalogue write',
    // Not only the gateway's own writes: an edit with the sqlite3 shell must
    // reach the catalogue snapshots and the sales' commit check as well.
    sql: `
      CREATE TRIGGER config_catalogue_insert AFTER INSERT ON config BEGIN UPDATE instances SET catalogue_version = catalogue_version + 1 WHERE id = NEW.instance_id; END;
      CREATE TRIGGER config_catalogue_update AFTER UPDATE ON config BEGIN UPDATE instances SET catalogue_version = catalogue_version + 1 WHERE id IN (OLD.instance_id, NEW.instance_id); END;
      CREATE TRIGGER config_catalogue_delete AFTER DELETE ON config BEGIN UPDATE instances SET catalogue_version = catalogue_version + 1 WHERE id = OLD.instance_id; END;
      CREATE TRIGGER licenses_catalogue_insert AFTER INSERT ON licenses BEGIN UPDATE instances SET catalogue_version = catalogue_version + 1 WHERE id = NEW.instance_id; END;
      CREATE TRIGGER licenses_catalogue_update AFTER UPDATE ON licenses BEGIN UPDATE instances SET catalogue_version = catalogue_version + 1 WHERE id IN (OLD.instance_id, NEW.instance_id); END;
      CREATE TRIGGER licenses_catalogue_delete AFTER DELETE ON licenses BEGIN UPDATE instances SET catalogue_version = catalogue_version + 1 WHERE id = OLD.instance_id; END;
      CREATE TRIGGER products_catalogue_insert AFTER INSERT ON products BEGIN UPDATE instances SET catalogue_version = catalogue_version + 1 WHERE id = NEW.instance_id; END;
      CREATE TRIGGER products_catalogue_update AFTER UPDATE ON products BEGIN UPDATE instances SET catalogue_version = catalogue_version + 1 WHERE id IN (OLD.instance_id, NEW.instance_id); END;
      CREATE TRIGGER products_catalogue_delete AFTER DELETE ON products BEGIN UPDATE instances SET catalogue_version = catalogue_version + 1 WHERE id = OLD.instance_id; END;
      CREATE TRIGGER payment_methods_catalogue_insert AFTER INSERT ON payment_methods BEGIN UPDATE instances SET catalogue_version = catalogue_version + 1 WHERE id = NEW.instance_id; END;
      CREATE TRIGGER payment_methods_catalogue_update AFTER UPDATE ON payment_methods BEGIN UPDATE instances SET catalogue_version = catalogue_version + 1 WHERE id IN (OLD.instance_id, NEW.instance_id); END;
      CREATE TRIGGER payment_methods_catalogue_delete AFTER DELETE ON payment_methods BEGIN UPDATE instances SET catalogue_version = catalogue_version + 1 WHERE id = OLD.instance_id; END;
      CREATE TRIGGER pos_catalogue_insert AFTER INSERT ON pos BEGIN UPDATE instances SET catalogue_version = catalogue_version + 1 WHERE id = NEW.instance_id; END;
      CREATE TRIGGER pos_catalogue_update AFTER UPDATE ON pos BEGIN UPDATE instances SET catalogue_version = catalogue_version + 1 WHERE id IN (OLD.instance_id, NEW.instance_id); END;
      CREATE TRIGGER pos_catalogue_delete AFTER DELETE ON pos BEGIN UPDATE instances SET catalogue_version = catalogue_version + 1 WHERE id = OLD.instance_id; END;
      CREATE TRIGGER pos_products_catalogue_insert AFTER INSERT ON pos_products BEGIN UPDATE instances SET catalogue_version = catalogue_version + 1 WHERE id = NEW.instance_id; END;
      CREATE TRIGGER pos_products_catalogue_update AFTER UPDATE ON pos_products BEGIN UPDATE instances SET catalogue_version = catalogue_version + 1 WHERE id IN (OLD.instance_id, NEW.instance_id); END;
      CREATE TRIGGER pos_products_catalogue_delete AFTER DELETE ON pos_products BEGIN UPDATE instances SET catalogue_version = catalogue_version + 1 WHERE id = OLD.instance_id; END;
      CREATE TRIGGER pos_payment_methods_catalogue_insert AFTER INSERT ON pos_payment_methods BEGIN UPDATE instances SET catalogue_version = catalogue_version + 1 WHERE id = NEW.instance_id; END;
      CREATE TRIGGER pos_payment_methods_catalogue_update AFTER UPDATE ON pos_payment_methods BEGIN UPDATE instances SET catalogue_version = catalogue_version + 1 WHERE id IN (OLD.instance_id, NEW.instance_id); END;
      CREATE TRIGGER pos_payment_methods_catalogue_delete AFTER DELETE ON pos_payment_methods BEGIN UPDATE instances SET catalogue_version = catalogue_version + 1 WHERE id = OLD.instance_id; END;
    `,
  },
];

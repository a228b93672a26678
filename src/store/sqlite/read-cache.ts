import type Database from 'better-sqlite3';

const MAX_ENTRIES = 10_000;

/**
 * Remembers reads of instance rows (every request reads its instance: key
 * hash, catalogue version) until the database changes. SQLite's `PRAGMA
 * data_version` changes whenever another connection (another shard, the CLI)
 * commits, so a read first asks it (2 us instead of a query); this
 * connection's own writes to instances call `clear()`. A gateway that reports
 * each arriving request (`requestArrived`) lets the reads of one request share
 * one check. Values are frozen: callers share them. (The catalogue itself is
 * kept per catalogue version: src/store/catalogue-snapshot.ts.)
 */
export class ReadCache {
  readonly #version: Database.Statement;
  readonly #values = new Map<string, unknown>();
  #seen: unknown = undefined;
  #checked = false;
  #perRequest = false;

  constructor(db: Database.Database) {
    this.#version = db.prepare('PRAGMA data_version');
  }

  /** The cached value of `key`, or `load()`'s (frozen) when missing or outdated. */
  get<T>(key: string, load: () => T): T {
    if (!this.#perRequest || !this.#checked) {
      const version = (this.#version.get() as { data_version: number }).data_version;
      if (version !== this.#seen || this.#values.size >= MAX_ENTRIES) {
        this.#values.clear();
        this.#seen = version;
      }
      // Valid until the next request arrives: its reads must look again.
      this.#checked = true;
    }
    if (this.#values.has(key)) return this.#values.get(key) as T;
    const value = deepFreeze(load());
    this.#values.set(key, value);
    return value;
  }

  /**
   * A request came in: the next read asks data_version again. Reads of
   * requests that came in earlier may share one check, as no commit they
   * could depend on can be newer than it.
   */
  requestArrived(): void {
    this.#perRequest = true;
    this.#checked = false;
  }

  /** Forgets everything (after this connection changed the catalogue). */
  clear(): void {
    this.#values.clear();
  }
}

function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  for (const inner of Object.values(value)) deepFreeze(inner);
  return Object.freeze(value);
}

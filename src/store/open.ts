import { join } from 'node:path';
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/** Where the store lives: an SQLite folder or a PostgreSQL URL. */
export interface StoreLocation {
  data: string;
  database: string | undefined;
  synchronous?: 'FULL' | 'NORMAL';
}

/** Opens and migrates the store the settings name. */
export async function openStore(location: StoreLocation): Promise<Store> {
  if (location.database !== undefined) {
    const store = new PostgresStore({ url: location.database });
    await store.migrate();
    return store;
  }
  const store = new SqliteStore({ file: join(location.data, 'concertpos.db'), synchronous: location.synchronous ?? 'FULL' });
  await store.migrate();
  return store;
}
